//go:build tools

// Package h2spec pins the HTTP/2 conformance suite (github.com/summerwind/h2spec) that
// test/integration/kine-h2spec.test.ts builds and runs against kine's HTTP/2 server.
package h2spec

import _ "github.com/summerwind/h2spec/cmd/h2spec"
