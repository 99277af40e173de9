#!/usr/bin/env bash
# Installs everything vcluster-ts needs on a fresh Debian machine (idempotent):
#   Debian packages (sqlite3 CLI, a C++ toolchain for better-sqlite3), npm packages, and the pinned
#   upstream binaries built from the Go modules in deps/kubernetes into the version-keyed cache.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
command -v g++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
command -v python3 >/dev/null || need_apt+=(python3)
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
