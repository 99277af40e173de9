#!/usr/bin/env bash
# Runs k8s.io/apiserver's etcd3 storage tests (the shared storage test suite) against our
# TypeScript kine, the way k3s-io/kine runs them against itself: copy the pinned apiserver module,
# point its tests' testserver import at ./testserver (which spawns our kine per test), build the
# test binary and run it. Usage: test/go/run.sh [go test -run regexp]   (output: test/go/.work/)
# KINE_STORE=postgres runs them on the PostgreSQL backend: a private server (PG_BIN, else the newest
# /usr/lib/postgresql/N/bin) on a unix socket in a temp dir, as `nobody` when run as root; a
# database per test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ver=v0.36.3
work="$here/.work"
src=$(go env GOMODCACHE)/k8s.io/apiserver@$ver
if [ ! -d "$src" ]; then (cd "$here" && go mod download "k8s.io/apiserver@$ver"); fi
rm -rf "$work/apiserver" && mkdir -p "$work" && cp -r "$src" "$work/apiserver" && chmod -R u+w "$work/apiserver"
cd "$work/apiserver"
sed -i 's#"k8s.io/apiserver/pkg/storage/etcd3/testserver"#"github.com/vcluster-ts/vcluster-ts/test/go/testserver"#' pkg/storage/etcd3/*_test.go
go mod edit -require=github.com/vcluster-ts/vcluster-ts/test/go@v0.0.0 -replace=github.com/vcluster-ts/vcluster-ts/test/go="$here"
GOFLAGS=-mod=mod go test -c -o "$work/etcd3.test" ./pkg/storage/etcd3/
cd "$root"
if [ "${KINE_STORE:-sqlite}" = postgres ]; then
  pgbin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
  pgdir=$(mktemp -d /tmp/kine-pg-XXXXXX)
  as=()
  if [ "$(id -u)" = 0 ]; then chown nobody: "$pgdir"; as=(runuser -u nobody --); fi
  (cd "$pgdir" && "${as[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null)
  (cd "$pgdir" && "${as[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-k $pgdir -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null)
  trap '(cd "$pgdir" && "${as[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1); rm -rf "$pgdir"' EXIT
  export VCLUSTER_TS_KINE_POSTGRES="$pgdir"
fi
VCLUSTER_TS_ROOT="$root" "$work/etcd3.test" -test.count 1 -test.parallel 1 -test.timeout 30m -test.v ${1:+-test.run "$1"} 2>&1 | tee "$work/etcd3.log" | grep -a -E '^(=== RUN|--- (PASS|FAIL|SKIP)|PASS|FAIL|ok)' | grep -a -v '=== RUN' || true
echo "pass: $(grep -a -c -- '--- PASS' "$work/etcd3.log") fail: $(grep -a -c -- '--- FAIL' "$work/etcd3.log") skip: $(grep -a -c -- '--- SKIP' "$work/etcd3.log")"
