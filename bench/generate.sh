#!/usr/bin/env bash
# Time `vitalink generate` for the target size (1.4 million persons) and report
# wall seconds and peak RSS. Usage: bench/generate.sh [VITALINK_BINARY] [PERSONS]
set -euo pipefail
bin="${1:-build/rel/tools/cli/vitalink}"
persons="${2:-1400000}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
/usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KiB' \
  "$bin" generate --out "$out" --persons "$persons" --seed 1
du -sh "$out"
