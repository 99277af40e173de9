#!/usr/bin/env bash
# Builds the pinned upstream binaries from the Go modules in this folder into OUT_DIR.
# Usage: build.sh OUT_DIR [binary ...]   (default: all)
# Called by `vcluster binaries ensure`; prints one line per binary as it starts and ends.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR [binary ...]}
shift || true
# shellcheck source=../go-env.sh
. "$here/../go-env.sh"
cd "$here"
kver=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(echo "$kver" | cut -d. -f2)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldf="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldf="$ldf -X '$p.gitVersion=$kver' -X '$p.gitMajor=1' -X '$p.gitMinor=$minor' -X '$p.gitTreeState=clean' -X '$p.buildDate=$date'"
done
declare -A pkg=(
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
  [kubelet]=k8s.io/kubernetes/cmd/kubelet
  [kube-proxy]=k8s.io/kubernetes/cmd/kube-proxy
  [kwok]=sigs.k8s.io/kwok/cmd/kwok
  [etcd]=go.etcd.io/etcd/server/v3
  [etcdctl]=go.etcd.io/etcd/etcdctl/v3
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(kubectl kube-apiserver kube-controller-manager kube-scheduler kwok etcd etcdctl kubelet kube-proxy)
mkdir -p "$out"
for n in "${names[@]}"; do
  [ -n "${pkg[$n]:-}" ] || { echo "error: unknown binary '$n'" >&2; exit 2; }
  echo "building $n (${pkg[$n]})"
  start=$(date +%s)
  go build -trimpath -tags=selinux,notest -ldflags="$ldf" -o "$out/$n.tmp" "${pkg[$n]}"
  mv "$out/$n.tmp" "$out/$n"
  echo "built $n in $(( $(date +%s) - start ))s"
done
