#!/usr/bin/env bash
# The main job on a fresh machine: install everything, bring up the embedded host, and run a
# Deployment on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

vc() { node bin/vcluster.js "$@"; }
kubectl() { "$(node bin/vcluster.js binaries list -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.binaries.find(b=>b.name==="kubectl").path)})')" "$@"; }

echo "== embedded host"
vc host up --nodes 3
kubectl --context vcluster-host get nodes

echo "== a Deployment on the host"
kubectl --context vcluster-host create deployment hello --image=nginx --replicas=3 --dry-run=client -o yaml |
  kubectl --context vcluster-host apply -f -
kubectl --context vcluster-host rollout status deployment/hello --timeout=60s
kubectl --context vcluster-host get pods -o wide -l app=hello
echo
echo "done: the embedded host runs (vcluster host status); stop it with: node bin/vcluster.js host down"
