#!/usr/bin/env bash
# Builds Go kine (pinned in go.mod) into ${1:-$HOME/.cache/vcluster-ts/binaries/kine-v0.16.4}/kine for bench/kine.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-$HOME/.cache/vcluster-ts/binaries/kine-v0.16.4}
mkdir -p "$out"
CGO_ENABLED=1 go build -o "$out/kine" github.com/k3s-io/kine
echo "$out/kine"
