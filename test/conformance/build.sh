#!/usr/bin/env bash
# Builds the upstream e2e suite (k8s.io/kubernetes/test/e2e at the version pinned in ./go.mod, through
# the wrapper test package in this folder) and, on request, the ginkgo CLI (for parallel runs) into
# the version-keyed cache, never into the repo:
#   ${VCLUSTER_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/vcluster-ts}/conformance/k8s-<version>/{e2e.test,ginkgo}
# Usage: build.sh [--force] [e2e.test] [ginkgo]   (default: e2e.test)
# Prints the path of each requested binary, one per line, last; cached binaries are reused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" CGO_ENABLED=0
command -v go >/dev/null || { echo "error: the Go toolchain (go) is not on PATH; install Go >= 1.26 to build e2e.test" >&2; exit 127; }
force=false
names=()
for a in "$@"; do
  case "$a" in
    --force) force=true ;;
    e2e.test|ginkgo) names+=("$a") ;;
    *) echo "error: unknown argument '$a' (want --force, e2e.test, ginkgo)" >&2; exit 2 ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=(e2e.test)
cd "$here"
kver=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
cache=${VCLUSTER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vcluster-ts}
out="$cache/conformance/k8s-$kver"
mkdir -p "$out"
minor=$(echo "$kver" | cut -d. -f2)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldf="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldf="$ldf -X '$p.gitVersion=$kver' -X '$p.gitMajor=1' -X '$p.gitMinor=$minor' -X '$p.gitTreeState=clean' -X '$p.buildDate=$date'"
done
for n in "${names[@]}"; do
  bin="$out/$n"
  if [ -x "$bin" ] && [ "$force" = false ]; then continue; fi
  echo "building $n (k8s.io/kubernetes $kver)" >&2
  start=$(date +%s)
  case "$n" in
    e2e.test) go test -c -trimpath -ldflags="$ldf" -o "$bin.tmp" . ;;
    ginkgo) go build -trimpath -ldflags="-s -w" -o "$bin.tmp" github.com/onsi/ginkgo/v2/ginkgo ;;
  esac
  mv "$bin.tmp" "$bin"
  echo "built $n in $(( $(date +%s) - start ))s" >&2
done
for n in "${names[@]}"; do echo "$out/$n"; done
