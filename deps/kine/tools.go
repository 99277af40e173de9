//go:build tools

// Package tools pins Go kine (github.com/k3s-io/kine) for bench/kine, which compares our
// TypeScript kine with it. Build: deps/kine/build.sh.
package tools

import _ "github.com/k3s-io/kine"
