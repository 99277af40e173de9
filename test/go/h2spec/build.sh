#!/usr/bin/env bash
# Builds h2spec (the HTTP/2 conformance suite, github.com/summerwind/h2spec, pinned in ./go.mod) into
# ~/.cache/vcluster-ts/h2spec/<go.sum hash>/h2spec, once; prints the binary's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../../deps/go-env.sh"
key=$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)
out="${XDG_CACHE_HOME:-$HOME/.cache}/vcluster-ts/h2spec/$key/h2spec"
if [ ! -x "$out" ]; then
  mkdir -p "$(dirname "$out")"
  (cd "$here" && go build -o "$out.tmp" github.com/summerwind/h2spec/cmd/h2spec) >&2
  mv "$out.tmp" "$out"
fi
echo "$out"
