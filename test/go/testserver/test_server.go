// Package testserver is a drop-in replacement for k8s.io/apiserver/pkg/storage/etcd3/testserver:
// instead of an embedded etcd it starts vcluster-ts's TypeScript kine (one process and one fresh
// SQLite database, or PostgreSQL database with VCLUSTER_TS_KINE_POSTGRES, per test) and hands the upstream storage tests a client connected to it.
// run.sh rewrites the upstream tests' import of testserver to this package.
package testserver

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/kubernetes"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc"

	storagetesting "k8s.io/apiserver/pkg/storage/testing"
)

// NewTestConfig keeps upstream's signature; only WatchProgressNotifyInterval is honoured.
func NewTestConfig(t testing.TB) *embed.Config {
	cfg := embed.NewConfig()
	cfg.WatchProgressNotifyInterval = 5 * time.Second
	return cfg
}

func repoRoot() string {
	if r := os.Getenv("VCLUSTER_TS_ROOT"); r != "" {
		return r
	}
	wd, _ := os.Getwd()
	return wd
}

// RunEtcd starts our kine and returns a client connected to it; both stop when the test ends.
func RunEtcd(t testing.TB, cfg *embed.Config) *kubernetes.Client {
	t.Helper()
	if cfg == nil {
		cfg = NewTestConfig(t)
	}
	dir, err := os.MkdirTemp("", "kine-go-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "kine.sock")
	root := repoRoot()
	interval := cfg.WatchProgressNotifyInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	// VCLUSTER_TS_KINE_POSTGRES=<socket dir of a PostgreSQL server> (run.sh with KINE_STORE=postgres):
	// each test gets its own database there, which kine creates.
	store := "sqlite://" + filepath.Join(dir, "state.db")
	if pg := os.Getenv("VCLUSTER_TS_KINE_POSTGRES"); pg != "" {
		db := strings.NewReplacer("-", "_", ".", "_").Replace(filepath.Base(dir))
		store = "postgres://postgres@/" + db + "?host=" + pg
	}
	cmd := exec.Command("node", filepath.Join(root, "bin/vcluster.js"), "kine",
		"--endpoint", store,
		"--listen-address", "unix://"+sock,
		"--durability", "NORMAL",
		"--watch-progress-notify-interval", fmt.Sprintf("%dms", interval.Milliseconds()))
	cmd.Dir = root
	logFile, err := os.Create(filepath.Join(dir, "kine.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Env = append(os.Environ(), "VCLUSTER_LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start kine: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		logFile.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "kine.log"))
			t.Fatalf("kine did not start: %s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	endpoint := (&url.URL{Scheme: "unix", Path: sock}).String()
	client, err := kubernetes.New(clientv3.Config{
		Endpoints:   []string{endpoint},
		DialTimeout: 10 * time.Second,
		DialOptions: []grpc.DialOption{grpc.WithBlock()},
		Logger:      zaptest.NewLogger(t, zaptest.Level(zapcore.ErrorLevel)).Named("etcd-client"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Status(ctx, endpoint); err != nil {
		t.Fatalf("kine status: %v", err)
	}
	client.KV = storagetesting.NewKVRecorder(client.KV)
	client.Kubernetes = storagetesting.NewKubernetesRecorder(client.Kubernetes)
	return client
}
