#!/usr/bin/env bash
# Builds containerd, containerd-shim-runc-v2 and ctr (pinned in go.mod) into OUT_DIR, static (CGO off),
# with the version stamped so `containerd --version` reports it.
# Usage: build.sh OUT_DIR [binary ...]   (default: all three)
# Called by `vcluster binaries ensure`; prints one line per binary as it starts and ends.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR [binary ...]}
shift || true
# shellcheck source=../go-env.sh
. "$here/../go-env.sh"
cd "$here"
mod=github.com/containerd/containerd/v2
ver=$(go list -m -f '{{.Version}}' "$mod")
ldf="-s -w -X $mod/version.Version=$ver -X $mod/version.Package=$mod"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(containerd containerd-shim-runc-v2 ctr)
mkdir -p "$out"
for n in "${names[@]}"; do
  case $n in
    containerd | ctr) tags="no_btrfs urfave_cli_no_docs osusergo netgo" ;;
    containerd-shim-runc-v2) tags="no_btrfs urfave_cli_no_docs osusergo netgo no_grpc" ;;
    *) echo "error: unknown binary '$n'" >&2; exit 2 ;;
  esac
  echo "building $n ($mod/cmd/$n)"
  start=$(date +%s)
  go build -trimpath -tags "$tags" -ldflags "$ldf" -o "$out/$n.tmp" "$mod/cmd/$n"
  mv "$out/$n.tmp" "$out/$n"
  echo "built $n in $(( $(date +%s) - start ))s"
done
