#!/usr/bin/env bash
# Builds coredns (CoreDNS pinned in go.mod, with the plugin set of main.go) into OUT_DIR, static (CGO
# off), with the commit stamped so `coredns -version` reports "CoreDNS-<version>".
# Usage: build.sh OUT_DIR [coredns]
# Called by `vcluster binaries ensure`; prints one line as it starts and one as it ends.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR [coredns]}
shift || true
# shellcheck source=../go-env.sh
. "$here/../go-env.sh"
cd "$here"
mod=github.com/coredns/coredns
ver=$(go list -m -f '{{.Version}}' "$mod")
for n in "$@"; do
  [ "$n" = coredns ] || { echo "error: unknown binary '$n'" >&2; exit 2; }
done
mkdir -p "$out"
echo "building coredns ($mod $ver, plugins of deps/coredns/main.go)"
start=$(date +%s)
go build -trimpath -tags "osusergo netgo" -ldflags "-s -w -X $mod/coremain.GitCommit=$ver" -o "$out/coredns.tmp" .
mv "$out/coredns.tmp" "$out/coredns"
echo "built coredns in $(( $(date +%s) - start ))s"
