# Sourced by deps/*/build.sh: the environment every upstream build uses (local Go toolchain, no
# workspace, read-only go.mod, static binaries), and a clear error when Go is missing.
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" CGO_ENABLED=0
command -v go >/dev/null || { echo "error: the Go toolchain (go) is not on PATH; install Go >= 1.26 to build the upstream binaries" >&2; exit 127; }
