// Command apiclient is bench/kine's load generator for one phase of the kube-apiserver workload:
// watch ConfigMaps in a namespace, create N of them at concurrency C, list them in pages of 500,
// then merge-patch each one. It reports creates/s, create and update latency percentiles, the lag
// from a create's answer to its ADDED event, the list time, and the CPU that this process and
// the given pids (the store, kube-apiserver) used during the creates. Prints one JSON object.
//
// It exists because the bench's Node client spent ~250 µs of CPU per create on a 2-core machine
// shared with kube-apiserver and the store; a Go client with HTTP/1.1 keep-alive costs a fraction
// of that, so more of the machine goes to the system under test. Every store gets the same client.
//
//	apiclient --server https://127.0.0.1:6443 --ca ca.crt --cert admin.crt --key admin.key \
//	          --namespace bench-c32 --n 1000 --concurrency 32 --cpu-pids 1234,5678
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type result struct {
	Creates            int     `json:"creates"`
	CreatesPerSec      float64 `json:"createsPerSec"`
	CreateP50Ms        float64 `json:"createP50Ms"`
	CreateP99Ms        float64 `json:"createP99Ms"`
	UpdateP50Ms        float64 `json:"updateP50Ms"`
	UpdateP99Ms        float64 `json:"updateP99Ms"`
	UpdatesPerSec      float64 `json:"updatesPerSec"`
	ListMs             float64 `json:"listMs"`
	Listed             int     `json:"listed"`
	WatchLagP50Ms      float64 `json:"watchLagP50Ms"`
	WatchLagP99Ms      float64 `json:"watchLagP99Ms"`
	WatchEventsMissing int     `json:"watchEventsMissing"`
	// CPU (user+system, all threads) per create during the create loop, in µs: this client, then each --cpu-pids entry.
	ClientCPUUsPerCreate float64   `json:"clientCpuUsPerCreate"`
	PidCPUUsPerCreate    []float64 `json:"pidCpuUsPerCreate"`
	Errors               int       `json:"errors"`
	FirstError           string    `json:"firstError,omitempty"`
}

func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	if i < 0 {
		i = 0
	}
	return round(s[i], 2)
}

func round(x float64, d int) float64 {
	f := math.Pow(10, float64(d))
	return math.Round(x*f) / f
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// pidCPUTicks reads utime+stime of a process from /proc (clock ticks of 10 ms).
func pidCPUTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the command name", pid, len(fields))
	}
	u, err1 := strconv.ParseInt(fields[11], 10, 64)
	st, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q stime %q", pid, fields[11], fields[12])
	}
	return u + st, nil
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type errCount struct {
	mu    sync.Mutex
	n     int
	first string
}

func (e *errCount) add(msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.n == 0 {
		e.first = msg
	}
	e.n++
}

type client struct {
	server string
	http   *http.Client
}

// do sends one request and reads the whole answer; a status other than want counts as an error.
func (c *client) do(method, path, contentType string, body []byte, want int) ([]byte, error) {
	req, err := http.NewRequest(method, c.server+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return out, fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// pool runs fn(i) for i in [0, n) on c goroutines.
func pool(n, c int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// watchAdded streams a watch and records when each ADDED event's line was read.
func watchAdded(ctx context.Context, c *client, ns string, arrived map[string]time.Time, mu *sync.Mutex) error {
	req, err := http.NewRequestWithContext(ctx, "GET", c.server+"/api/v1/namespaces/"+ns+"/configmaps?watch=1&allowWatchBookmarks=false", nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		return fmt.Errorf("watch: HTTP %d", resp.StatusCode)
	}
	go func() {
		defer resp.Body.Close()
		r := bufio.NewReaderSize(resp.Body, 1<<16)
		for {
			line, err := r.ReadBytes('\n')
			at := time.Now()
			if len(line) > 0 {
				var ev struct {
					Type   string `json:"type"`
					Object struct {
						Metadata struct {
							Name string `json:"name"`
						} `json:"metadata"`
					} `json:"object"`
				}
				if json.Unmarshal(line, &ev) == nil && ev.Type == "ADDED" {
					mu.Lock()
					arrived[ev.Object.Metadata.Name] = at
					mu.Unlock()
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return nil
}

func main() {
	server := flag.String("server", "", "kube-apiserver URL (https://127.0.0.1:PORT)")
	caFile := flag.String("ca", "", "CA certificate file")
	certFile := flag.String("cert", "", "client certificate file")
	keyFile := flag.String("key", "", "client key file")
	ns := flag.String("namespace", "", "namespace (must exist)")
	n := flag.Int("n", 1000, "ConfigMaps to create")
	conc := flag.Int("concurrency", 1, "requests in flight")
	valueSize := flag.Int("value-size", 512, "bytes in each ConfigMap's value")
	pidsFlag := flag.String("cpu-pids", "", "comma-separated pids whose CPU per create is reported")
	flag.Parse()
	if *server == "" || *caFile == "" || *certFile == "" || *keyFile == "" || *ns == "" || *n < 1 || *conc < 1 {
		fmt.Fprintln(os.Stderr, "apiclient: --server, --ca, --cert, --key and --namespace are required; --n and --concurrency must be >= 1")
		os.Exit(2)
	}
	var pids []int
	for _, p := range strings.Split(*pidsFlag, ",") {
		if p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "apiclient: --cpu-pids: %q is not a pid\n", p)
			os.Exit(2)
		}
		pids = append(pids, v)
	}
	if err := run(*server, *caFile, *certFile, *keyFile, *ns, *n, *conc, *valueSize, pids); err != nil {
		fmt.Fprintf(os.Stderr, "apiclient: %v\n", err)
		os.Exit(1)
	}
}

func newClient(server, caFile, certFile, keyFile string, conns int) (*client, error) {
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("%s: no PEM certificate", caFile)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}},
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		// HTTP/1.1, one request per connection at a time, like the Node client this replaced
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
	}
	return &client{server: server, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

func run(server, caFile, certFile, keyFile, ns string, n, conc, valueSize int, pids []int) error {
	c, err := newClient(server, caFile, certFile, keyFile, conc)
	if err != nil {
		return err
	}
	// the watch gets its own connection pool and no timeout
	w, err := newClient(server, caFile, certFile, keyFile, 1)
	if err != nil {
		return err
	}
	w.http.Timeout = 0
	arrived := make(map[string]time.Time, n)
	var mu sync.Mutex
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := watchAdded(ctx, w, ns, arrived, &mu); err != nil {
		return err
	}
	time.Sleep(time.Second)

	var errs errCount
	// open the C connections (TLS handshakes with client certificates) before the clock starts:
	// otherwise the first C creates each wait ~50 ms for a handshake, which alone sets the p99
	pool(conc, conc, func(int) {
		if _, err := c.do("GET", "/api/v1/namespaces/"+ns, "", nil, 200); err != nil {
			errs.add("warm-up: " + err.Error())
		}
	})
	value := strings.Repeat("x", valueSize)
	bodies := make([][]byte, n)
	for i := range bodies {
		b, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]string{"name": fmt.Sprintf("cm-%d", i)}, "data": map[string]string{"v": value}})
		bodies[i] = b
	}
	lat := make([]float64, n)
	answered := make([]time.Time, n)
	pidBefore := make([]int64, len(pids))
	for k, p := range pids {
		if pidBefore[k], err = pidCPUTicks(p); err != nil {
			return err
		}
	}
	selfBefore := selfCPU()
	t0 := time.Now()
	pool(n, conc, func(i int) {
		s := time.Now()
		_, err := c.do("POST", "/api/v1/namespaces/"+ns+"/configmaps", "application/json", bodies[i], 201)
		e := time.Now()
		if err != nil {
			errs.add(err.Error())
		}
		lat[i] = ms(e.Sub(s))
		answered[i] = e
	})
	createSecs := time.Since(t0).Seconds()
	if v := os.Getenv("APICLIENT_SLOW_MS"); v != "" {
		// the slow creates with their start time (ms after the first), to line up with server-side traces
		limit, _ := strconv.ParseFloat(v, 64)
		for i := 0; i < n; i++ {
			if lat[i] >= limit {
				fmt.Fprintf(os.Stderr, "slow create cm-%d: start %.1f ms, took %.1f ms, answered at unix ms %d\n", i, ms(answered[i].Sub(t0))-lat[i], lat[i], answered[i].UnixMilli())
			}
		}
	}
	selfCPUUsed := selfCPU() - selfBefore
	pidPer := make([]float64, len(pids))
	for k, p := range pids {
		after, err := pidCPUTicks(p)
		if err != nil {
			return err
		}
		pidPer[k] = round(float64(after-pidBefore[k])*10_000/float64(n), 0)
	}
	time.Sleep(time.Second)
	cancel()
	mu.Lock()
	var lags []float64
	missing := 0
	for i := 0; i < n; i++ {
		got, ok := arrived[fmt.Sprintf("cm-%d", i)]
		if !ok {
			missing++
			continue
		}
		lags = append(lags, math.Max(0, ms(got.Sub(answered[i]))))
	}
	mu.Unlock()

	l0 := time.Now()
	listed := 0
	cont := ""
	for {
		path := "/api/v1/namespaces/" + ns + "/configmaps?limit=500"
		if cont != "" {
			path += "&continue=" + cont
		}
		out, err := c.do("GET", path, "", nil, 200)
		if err != nil {
			errs.add(err.Error())
			break
		}
		var page struct {
			Items    []json.RawMessage `json:"items"`
			Metadata struct {
				Continue string `json:"continue"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(out, &page); err != nil {
			errs.add("list: " + err.Error())
			break
		}
		listed += len(page.Items)
		if page.Metadata.Continue == "" {
			break
		}
		cont = url.QueryEscape(page.Metadata.Continue)
	}
	listMs := ms(time.Since(l0))
	if listed != n {
		errs.add(fmt.Sprintf("list returned %d ConfigMaps, want %d", listed, n))
	}

	ulat := make([]float64, n)
	patch := []byte(`{"data":{"v":"updated"}}`)
	u0 := time.Now()
	pool(n, conc, func(i int) {
		s := time.Now()
		if _, err := c.do("PATCH", fmt.Sprintf("/api/v1/namespaces/%s/configmaps/cm-%d", ns, i), "application/merge-patch+json", patch, 200); err != nil {
			errs.add(err.Error())
		}
		ulat[i] = ms(time.Since(s))
	})
	updateSecs := time.Since(u0).Seconds()

	res := result{
		Creates:              n,
		CreatesPerSec:        round(float64(n)/createSecs, 1),
		CreateP50Ms:          pct(lat, 50),
		CreateP99Ms:          pct(lat, 99),
		UpdateP50Ms:          pct(ulat, 50),
		UpdateP99Ms:          pct(ulat, 99),
		UpdatesPerSec:        round(float64(n)/updateSecs, 1),
		ListMs:               round(listMs, 1),
		Listed:               listed,
		WatchLagP50Ms:        pct(lags, 50),
		WatchLagP99Ms:        pct(lags, 99),
		WatchEventsMissing:   missing,
		ClientCPUUsPerCreate: round(float64(selfCPUUsed.Microseconds())/float64(n), 0),
		PidCPUUsPerCreate:    pidPer,
		Errors:               errs.n,
		FirstError:           errs.first,
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}
