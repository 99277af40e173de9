#!/usr/bin/env bash
# The main job on a fresh machine: install everything, bring up the embedded host, create a virtual
# cluster on it, and run Deployments inside the virtual cluster whose pods the syncer makes real on
# the host: nginx pods on simulated (kwok) nodes, and a busybox httpd that really runs on the host's
# real node (kubelet + containerd + runc), reached by a second pod through its ClusterIP Service.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

vc() { node bin/vcluster.js "$@"; }
KUBECTL=$(vc binaries list -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).binaries.find(b=>b.name==="kubectl").path))')
kubectl() { "$KUBECTL" "$@"; }

echo "== embedded host"
vc host up --nodes 3 --real-nodes 1
kubectl --context vcluster-host get nodes -o wide

echo "== virtual cluster my-vcluster in namespace test-namespace"
vc list -o json | grep -q '"name": "my-vcluster"' || vc create my-vcluster -n test-namespace --connect=false
vc resume my-vcluster -n test-namespace >/dev/null 2>&1 || true
vc list
echo "-- its control plane (the kubernetes driver, the default with a real node): pod my-vcluster-0"
kubectl --context vcluster-host get pods -n test-namespace -l app=vcluster -o wide

echo "== a Deployment inside the virtual cluster"
vc connect my-vcluster -n test-namespace -- "$KUBECTL" create deployment hello --image=nginx --replicas=2 --dry-run=client -o yaml > /tmp/vcluster-hello.yaml
vc connect my-vcluster -n test-namespace -- "$KUBECTL" apply -f /tmp/vcluster-hello.yaml
vc connect my-vcluster -n test-namespace -- "$KUBECTL" rollout status deployment/hello --timeout=90s
vc connect my-vcluster -n test-namespace -- "$KUBECTL" get pods -o wide
echo "-- the same pods on the host, synced into test-namespace:"
kubectl --context vcluster-host get pods -n test-namespace -l vcluster.loft.sh/managed-by=my-vcluster -o wide

echo "== a real container: busybox httpd inside the virtual cluster, on the real node"
vck() { vc connect my-vcluster -n test-namespace -- "$KUBECTL" "$@"; }
vck apply -f scripts/demo/real-container.yaml
vck rollout status deployment/web --timeout=120s
ip=$(vck get service web -o jsonpath='{.spec.clusterIP}')
vck delete pod client --ignore-not-found --wait=true >/dev/null
vck run client --image=vcluster-ts.local/busybox:1.35.0 --image-pull-policy=Never --restart=Never \
  --overrides='{"apiVersion":"v1","spec":{"nodeSelector":{"vcluster-ts.io/node-type":"real"}}}' \
  -- sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://$ip/ && exit 0; sleep 1; done; exit 1"
vck wait --for=jsonpath='{.status.phase}'=Succeeded pod/client --timeout=120s
vck get pods -o wide
echo "-- what the client pod got from http://$ip/ (Service web), read from its host twin:"
kubectl --context vcluster-host logs -n test-namespace client-x-default-x-my-vcluster
echo
echo "done. Try: vcluster connect my-vcluster -n test-namespace; kubectl get pods; vcluster disconnect"
echo "stop everything: node bin/vcluster.js delete my-vcluster -n test-namespace && node bin/vcluster.js host down"
