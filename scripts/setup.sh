#!/usr/bin/env bash
# The main job on a fresh machine: install everything, bring up the embedded host, create a virtual
# cluster on it, and run a Deployment inside the virtual cluster whose pods the syncer makes real on
# the host.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

vc() { node bin/vcluster.js "$@"; }
KUBECTL=$(vc binaries list -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).binaries.find(b=>b.name==="kubectl").path))')
kubectl() { "$KUBECTL" "$@"; }

echo "== embedded host"
vc host up --nodes 3
kubectl --context vcluster-host get nodes

echo "== virtual cluster my-vcluster in namespace test-namespace"
vc list -o json | grep -q '"name": "my-vcluster"' || vc create my-vcluster -n test-namespace --connect=false
vc resume my-vcluster -n test-namespace >/dev/null 2>&1 || true
vc list

echo "== a Deployment inside the virtual cluster"
vc connect my-vcluster -n test-namespace -- "$KUBECTL" create deployment hello --image=nginx --replicas=2 --dry-run=client -o yaml > /tmp/vcluster-hello.yaml
vc connect my-vcluster -n test-namespace -- "$KUBECTL" apply -f /tmp/vcluster-hello.yaml
vc connect my-vcluster -n test-namespace -- "$KUBECTL" rollout status deployment/hello --timeout=90s
vc connect my-vcluster -n test-namespace -- "$KUBECTL" get pods -o wide
echo "-- the same pods on the host, synced into test-namespace:"
kubectl --context vcluster-host get pods -n test-namespace -l vcluster.loft.sh/managed-by=my-vcluster -o wide
echo
echo "done. Try: vcluster connect my-vcluster -n test-namespace; kubectl get pods; vcluster disconnect"
echo "stop everything: node bin/vcluster.js delete my-vcluster -n test-namespace && node bin/vcluster.js host down"
