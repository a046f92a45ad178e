# Fit every log-linear capture-recapture model with main effects and a subset of
# two-way interactions to each table in tables.csv with glm(family = poisson),
# and write the coefficients, deviance, AIC, rank and estimated unobserved count
# exp((Intercept)) to fits.csv. vitalink's estimate_test checks its IRLS against
# this file to 1e-6 (relative). Regenerate with:  Rscript fit.R  (see README.md).
#
# Histories are 0/1 strings, source 1 first; covariates s1..sK are numeric 0/1,
# so coefficients use treatment coding with "not captured" as the baseline.

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()

tables <- read.csv(file.path(here, "tables.csv"), colClasses = c("character", "character", "numeric"))
out <- list()
fmt <- function(x) sprintf("%.17g", x)
add <- function(table, model, quantity, value) {
  out[[length(out) + 1]] <<- data.frame(table = table, model = model, quantity = quantity,
                                        value = value, stringsAsFactors = FALSE)
}

for (name in unique(tables$table)) {
  t <- tables[tables$table == name, ]
  k <- nchar(t$history[1])
  d <- data.frame(count = t$count)
  for (s in seq_len(k)) d[[paste0("s", s)]] <- as.numeric(substr(t$history, s, s))
  mains <- paste0("s", seq_len(k))
  pairs <- combn(k, 2)
  pair_terms <- paste0("s", pairs[1, ], ":s", pairs[2, ])
  n_pairs <- length(pair_terms)
  masks <- 0:(2^n_pairs - 1)
  for (mask in masks) {
    chosen <- pair_terms[bitwAnd(mask, 2^(seq_len(n_pairs) - 1)) > 0]
    rhs <- paste(c(mains, chosen), collapse = "+")
    fit <- suppressWarnings(glm(as.formula(paste("count ~", rhs)), family = poisson, data = d,
                                control = glm.control(epsilon = 1e-15, maxit = 500)))
    p <- length(coef(fit))
    add(name, rhs, "rank", fmt(fit$rank))
    add(name, rhs, "parameters", fmt(p))
    add(name, rhs, "converged", fmt(as.numeric(fit$converged)))
    add(name, rhs, "min_fitted", fmt(min(fitted(fit))))
    if (fit$rank < p) next
    for (term in names(coef(fit))) add(name, rhs, paste0("coef:", term), fmt(coef(fit)[[term]]))
    se <- sqrt(diag(vcov(fit)))
    for (term in names(se)) add(name, rhs, paste0("se:", term), fmt(se[[term]]))
    add(name, rhs, "deviance", fmt(deviance(fit)))
    add(name, rhs, "aic", fmt(AIC(fit)))
    add(name, rhs, "loglik", fmt(as.numeric(logLik(fit))))
    add(name, rhs, "n0", fmt(exp(coef(fit)[["(Intercept)"]])))
  }
}
res <- do.call(rbind, out)
write.csv(res, file.path(here, "fits.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("wrote %d rows for %d tables (%s)\n", nrow(res), length(unique(tables$table)),
            R.version.string))
