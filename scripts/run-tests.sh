#!/usr/bin/env bash
# Runs one tier of tests with node's test runner (through tsx).
#   unit        — *.test.ts beside the code under src/ (pure logic, fakes allowed)
#   integration — test/integration/**/*.test.ts (real servers: kube-apiserver, etcd, kine, kwok ...)
#   e2e         — test/e2e/**/*.test.ts (the vcluster CLI against the embedded host)
# Extra arguments are passed to node (e.g. --test-name-pattern=...).
set -euo pipefail
cd "$(dirname "$0")/.."
tier=${1:?usage: run-tests.sh unit|integration|e2e [node args]}
shift
case "$tier" in
  unit) files=$(find src -name '*.test.ts' | sort) ; conc=2 ;;
  integration) files=$(find test/integration -name '*.test.ts' 2>/dev/null | sort) ; conc=1 ;;
  e2e) files=$(find test/e2e -name '*.test.ts' 2>/dev/null | sort) ; conc=1 ;;
  *) echo "unknown test tier '$tier' (want unit, integration or e2e)" >&2 ; exit 2 ;;
esac
if [ -z "$files" ]; then
  echo "no $tier test files found" >&2
  exit 1
fi
if [ "$tier" != e2e ]; then
  # shellcheck disable=SC2086
  exec node --import tsx --test --test-concurrency="$conc" --test-reporter=spec "$@" $files
fi
# e2e: watch the machine's network while the suite runs. The product must never send a DNS query
# (node names are IPs; pods use in-cluster resolvers) nor open a connection to an address off the
# machine: any DNS packet on any interface, or TCP SYN out of the default-route interface, fails the tier.
command -v tcpdump >/dev/null || { echo "e2e needs tcpdump to watch the network (scripts/install-deps.sh installs it)" >&2; exit 1; }
watch_dir=$(mktemp -d)
out_if=$(ip -o route show default | awk '{print $5; exit}')
tcpdump -i any -n -l -U 'port 53' > "$watch_dir/dns.txt" 2> "$watch_dir/dns.err" &
dns_pid=$!
syn_pid=
# Only connections this machine opens count: a SYN whose source is one of the interface's own
# addresses (connections other machines open to us, e.g. a management agent, are not ours).
out_addrs=
[ -n "$out_if" ] && out_addrs=$(ip -o -4 addr show dev "$out_if" | awk '{split($4, a, "/"); print a[1]}')
if [ -n "$out_addrs" ]; then
  src_filter=$(printf 'src host %s or ' $out_addrs); src_filter=${src_filter% or }
  tcpdump -i "$out_if" -n -l -U "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0 and ($src_filter)" > "$watch_dir/syn.txt" 2> "$watch_dir/syn.err" &
  syn_pid=$!
fi
sleep 1
rc=0
# shellcheck disable=SC2086
node --import tsx --test --test-concurrency="$conc" --test-reporter=spec "$@" $files || rc=$?
sleep 1
kill "$dns_pid" ${syn_pid:+"$syn_pid"} 2>/dev/null || true
wait "$dns_pid" ${syn_pid:+"$syn_pid"} 2>/dev/null || true
# DNS between the virtual clusters' pods and their CoreDNS stays inside a real node's network namespace;
# should a packet of it show on the project's own veth pairs (vcts*, the root side of a real node's link),
# it is in-cluster traffic and is not counted — unless it involves one of this machine's resolvers
# (/etc/resolv.conf), which always counts, as does every DNS packet on any other interface.
resolvers=$(awk '$1 == "nameserver" {print $2}' /etc/resolv.conf 2>/dev/null | tr '\n' ' ')
awk -v res="$resolvers" '
  BEGIN { n = split(res, r, " ") }
  {
    own = ($2 ~ /^vcts/)
    for (i = 1; own && i <= n; i++) if (index($0, " " r[i] ".") || index($0, " " r[i] ":")) own = 0
    print > (own ? "/dev/stderr" : "/dev/stdout")
  }' "$watch_dir/dns.txt" > "$watch_dir/dns-counted.txt" 2> "$watch_dir/dns-in-cluster.txt" || true
dns=$(grep -c . "$watch_dir/dns-counted.txt" 2>/dev/null || true)
in_cluster=$(grep -c . "$watch_dir/dns-in-cluster.txt" 2>/dev/null || true)
syn=$(grep -c . "$watch_dir/syn.txt" 2>/dev/null || true)
dns=${dns:-0}; syn=${syn:-0}; in_cluster=${in_cluster:-0}
echo "network watch during e2e: $dns DNS packet(s) on any interface ($in_cluster in-cluster on the project's veths, not counted), $syn connection attempt(s) out of ${out_if:-<no default route>}"
if [ "$dns" -gt 0 ] || [ "$syn" -gt 0 ]; then
  echo "the e2e suite made traffic that must not leave the machine:" >&2
  head -20 "$watch_dir/dns-counted.txt" "$watch_dir/syn.txt" >&2 2>/dev/null || true
  rc=1
fi
rm -rf "$watch_dir"
exit "$rc"
