//go:build tools

// Package helm pins the helm CLI (helm.sh/helm/v4, test-only) that test/integration/chart-drift.test.ts
// and test/e2e/helm-install.test.ts build and run against chart/.
package helm

import _ "helm.sh/helm/v4/cmd/helm"
