#!/usr/bin/env bash
# Differential conformance run (host vs vcluster); see run.ts for the options.
# Usage: test/conformance/run.sh [--focus RE] [--skip RE] [--procs N] [--timeout 60m] [--nodes N] [--set k=v]... [--keep]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec node --import tsx "$root/test/conformance/run.ts" "$@"
