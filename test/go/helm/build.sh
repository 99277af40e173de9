#!/usr/bin/env bash
# Builds the helm CLI (helm.sh/helm/v4, pinned in ./go.mod; test-only: the chart drift test and the
# helm e2e use it, the product never does) into ~/.cache/vcluster-ts/helm/<go.sum hash>/helm, once;
# prints the binary's path. The first build takes minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../../deps/go-env.sh"
key=$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)
out="${XDG_CACHE_HOME:-$HOME/.cache}/vcluster-ts/helm/$key/helm"
if [ ! -x "$out" ]; then
  mkdir -p "$(dirname "$out")"
  (cd "$here" && go build -p 1 -trimpath -ldflags=-s -o "$out.tmp" helm.sh/helm/v4/cmd/helm) >&2
  mv "$out.tmp" "$out"
fi
echo "$out"
