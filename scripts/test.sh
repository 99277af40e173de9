#!/usr/bin/env bash
# The README's test command: type-check, lint, then unit, integration and e2e tests.
# Integration and e2e tests need the upstream binaries; they are built (or found in the cache) first.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json
echo "== lint"; npx eslint src test bench
echo "== compile"; bash scripts/build.sh
echo "== binaries"; node bin/vcluster.js binaries ensure
echo "== unit"; bash scripts/run-tests.sh unit
echo "== integration"; bash scripts/run-tests.sh integration
echo "== e2e"; bash scripts/run-tests.sh e2e
