#!/usr/bin/env bash
# Whole-pipeline timings with /usr/bin/time -v: generate a county, then run it.
# Usage: bench/pipeline.sh [BUILD_DIR] [PERSONS]   (defaults: build/rel, 1400000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/rel}
persons=${2:-1400000}
vl="$build/tools/cli/vitalink"
work=$(mktemp -d /tmp/vitalink-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" >"$work/out.txt" 2>"$work/time.txt" || { cat "$work/out.txt" "$work/time.txt"; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f MiB", $2/1024}' "$work/time.txt")
  printf '%-40s wall %-10s peak RSS %s\n' "$label" "$wall" "$rss"
}

measure "generate --persons $persons" "$vl" generate --out "$work/county" --persons "$persons" --seed 1
du -sh "$work/county"/*.csv | sed 's/^/  /'
measure "run (all stages)" "$vl" run "$work/county/project.toml"
sed -n '1,12p' "$work/out.txt" | sed 's/^/  /'
