#!/usr/bin/env bash
# Compiles src/ to JavaScript in .build/ (run by install-deps.sh). bin/vcluster.js runs the compiled
# code when it is newer than every source file, and src/ through tsx otherwise: long-running
# processes (the supervisor, kine) then start faster and use ~30 MiB less memory each.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .build
npx tsc -p tsconfig.build.json
echo "compiled src/ into .build/"
