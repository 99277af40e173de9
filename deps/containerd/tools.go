//go:build tools

// Package tools pins containerd (daemon, runc shim and ctr) for the embedded host's real node.
// Build: deps/containerd/build.sh (called by `vcluster binaries ensure`).
package tools

import (
	_ "github.com/containerd/containerd/v2/cmd/containerd"
	_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/v2/cmd/ctr"
)
