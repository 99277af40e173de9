#!/usr/bin/env bash
# Runs one tier of tests with node's test runner (through tsx).
#   unit        — *.test.ts beside the code under src/ (pure logic, fakes allowed)
#   integration — test/integration/**/*.test.ts (real servers: kube-apiserver, etcd, kine, kwok ...)
#   e2e         — test/e2e/**/*.test.ts (the vcluster CLI against the embedded host)
# Extra arguments are passed to node (e.g. --test-name-pattern=...).
set -euo pipefail
cd "$(dirname "$0")/.."
tier=${1:?usage: run-tests.sh unit|integration|e2e [node args]}
shift
case "$tier" in
  unit) files=$(find src -name '*.test.ts' | sort) ; conc=2 ;;
  integration) files=$(find test/integration -name '*.test.ts' 2>/dev/null | sort) ; conc=1 ;;
  e2e) files=$(find test/e2e -name '*.test.ts' 2>/dev/null | sort) ; conc=1 ;;
  *) echo "unknown test tier '$tier' (want unit, integration or e2e)" >&2 ; exit 2 ;;
esac
if [ -z "$files" ]; then
  echo "no $tier test files found" >&2
  exit 1
fi
# shellcheck disable=SC2086
exec node --import tsx --test --test-concurrency="$conc" --test-reporter=spec "$@" $files
