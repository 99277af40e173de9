// Command coredns is CoreDNS (pinned in go.mod) with only the plugins a virtual cluster's DNS needs:
// the kubernetes plugin for cluster.local and the reverse zones, template (NXDOMAIN for every other
// zone), cache, loadbalance, errors, log, health, ready, prometheus and reload. The forward plugin is
// deliberately not compiled in, so no query can ever be sent on to another resolver.
// Build: deps/coredns/build.sh (called by `vcluster binaries ensure`).
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
	_ "github.com/coredns/coredns/plugin/template"
)

// directives is the subset of CoreDNS's plugin.cfg that is compiled in, in plugin.cfg's order (the
// order in which a request passes the plugins).
var directives = []string{
	"reload",
	"ready",
	"health",
	"prometheus",
	"errors",
	"log",
	"loadbalance",
	"cache",
	"template",
	"kubernetes",
}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
