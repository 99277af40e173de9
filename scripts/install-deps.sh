#!/usr/bin/env bash
# Installs everything vcluster-ts needs on a fresh Debian machine (idempotent):
#   Debian packages (sqlite3 CLI, a C++ toolchain for better-sqlite3; PostgreSQL for kine's tests; runc, the CNI plugins, iptables and
#   busybox-static for the embedded host's real node; gcc for its pause image), npm packages, and the
#   pinned upstream binaries built from the Go modules in deps/kubernetes and deps/containerd into the
#   version-keyed caches.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
command -v g++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
command -v python3 >/dev/null || need_apt+=(python3)
command -v gcc >/dev/null || need_apt+=(gcc libc6-dev)
[ -x /usr/sbin/runc ] || need_apt+=(runc)
[ -x /usr/lib/cni/bridge ] || need_apt+=(containernetworking-plugins)
[ -x /usr/sbin/iptables ] || need_apt+=(iptables)
[ -x /usr/sbin/ip ] || need_apt+=(iproute2)
command -v nsenter >/dev/null || need_apt+=(util-linux)
command -v tcpdump >/dev/null || need_apt+=(tcpdump)
# kine's PostgreSQL backend tests start a private server with initdb/pg_ctl (unix socket only)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_apt+=(postgresql)
command -v jq >/dev/null || need_apt+=(jq)             # the seed tutorial's blocks use jq (kubernetes-driver e2e)   # the e2e tier watches that no traffic leaves the machine
# the busybox image of the real node needs the static build (Debian's `busybox` package is dynamic)
dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need_apt+=(busybox-static)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

command -v node >/dev/null || { echo "error: Node.js >= 20.19 is required (node not found)" >&2; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  { echo "error: Node.js >= 20.19 is required (found $(node --version))" >&2; exit 1; }

echo "== npm ci"
# node-gyp builds better-sqlite3 against the system's Node headers (no prebuilt download here).
export npm_config_nodedir=${npm_config_nodedir:-/usr}
npm ci --no-audit --no-fund --loglevel=error

echo "== compile"
bash scripts/build.sh

echo "== upstream binaries"
node bin/vcluster.js binaries ensure
