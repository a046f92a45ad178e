#!/usr/bin/env bash
# Load on the review server: wrk on loopback against the pair view (its JSON, which the
# page fetches, and the page itself), authenticated with the bearer token.
# Usage: bench/serve.sh [BUILD_DIR] [PERSONS] [SECONDS]   (defaults: build/rel, 100000, 15)
# Needs wrk (apt-get install wrk). Prints requests/s and latency percentiles per target.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/rel}
persons=${2:-100000}
seconds=${3:-15}
vl="$build/tools/cli/vitalink"
command -v wrk >/dev/null || { echo "bench/serve.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d /tmp/vitalink-serve-bench.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

"$vl" generate --out "$work/county" --persons "$persons" --seed 1 >/dev/null
"$vl" run "$work/county/project.toml" >/dev/null
"$vl" serve --project "$work/county/out" --port 0 >"$work/serve.txt" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q 'log in at' "$work/serve.txt" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^log in at: //p' "$work/serve.txt")
base=${url%/login*}
token=${url#*token=}
pairs=$(sed -n 's/^vitalink review: \([0-9]*\) doubtful pairs/\1/p' "$work/serve.txt")
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# county of $persons persons: $pairs pairs in the review queue; wrk -t2 -c32 -d${seconds}s --latency"
for target in "/api/pairs/0" "/api/pairs/$((pairs / 2))" "/pair/0" "/api/pairs?limit=100"; do
  echo "## GET $target"
  wrk -t2 -c32 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base$target" |
    grep -E 'Requests/sec|Transfer/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
done
