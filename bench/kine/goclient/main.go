// Command goclient drives a store through etcd's own Go client (go.etcd.io/etcd/client/v3, the
// client kube-apiserver uses): serial and concurrent create Txns shaped as the apiserver sends
// them, and the lag from a Txn's answer to its event on a watch. Prints one JSON object.
//
//	goclient --endpoint unix:///path/kine.sock --n 2000 --concurrency 32
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

type result struct {
	Client         string  `json:"client"`
	SerialOpsPerS  float64 `json:"serialOpsPerSec"`
	SerialMeanMs   float64 `json:"serialMeanMs"`
	SerialP50Ms    float64 `json:"serialP50Ms"`
	SerialP99Ms    float64 `json:"serialP99Ms"`
	ConcOpsPerS    float64 `json:"concOpsPerSec"`
	ConcP99Ms      float64 `json:"concP99Ms"`
	WatchLagP50Ms  float64 `json:"watchLagP50Ms"`
	WatchLagP99Ms  float64 `json:"watchLagP99Ms"`
	WatchEvents    int     `json:"watchEvents"`
	Concurrency    int     `json:"concurrency"`
	N              int     `json:"n"`
}

func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	if i < 0 {
		i = 0
	}
	return math.Round(s[i]*1000) / 1000
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func create(ctx context.Context, c *clientv3.Client, key string, val string) error {
	_, err := c.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, val)).
		Else(clientv3.OpGet(key)).
		Commit()
	return err
}

func run() error {
	endpoint := flag.String("endpoint", "", "store endpoint, e.g. unix:///tmp/kine.sock or http://127.0.0.1:2379")
	n := flag.Int("n", 2000, "creates per phase")
	conc := flag.Int("concurrency", 32, "workers in the concurrent phase")
	prefix := flag.String("prefix", "/gc", "key prefix (keys must not exist yet)")
	flag.Parse()
	if *endpoint == "" {
		return fmt.Errorf("--endpoint is required")
	}
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{*endpoint}, DialTimeout: 10 * time.Second})
	if err != nil {
		return fmt.Errorf("connect %s: %w", *endpoint, err)
	}
	defer c.Close()
	ctx := context.Background()
	val := string(make([]byte, 600))

	// Watch lag: for every serial key, time from the Txn's answer to the event's arrival.
	var mu sync.Mutex
	answered := map[string]time.Time{}
	early := map[string]bool{}
	var lags []float64
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wch := c.Watch(wctx, *prefix+"/s/", clientv3.WithPrefix())
	go func() {
		for resp := range wch {
			at := time.Now()
			mu.Lock()
			for _, e := range resp.Events {
				k := string(e.Kv.Key)
				if t, ok := answered[k]; ok {
					lags = append(lags, ms(at.Sub(t)))
				} else {
					early[k] = true
				}
			}
			mu.Unlock()
		}
	}()
	time.Sleep(300 * time.Millisecond)

	lat := make([]float64, 0, *n)
	starts := make([]time.Time, 0, *n)
	t0 := time.Now()
	for i := 0; i < *n; i++ {
		k := fmt.Sprintf("%s/s/%d", *prefix, i)
		a := time.Now()
		starts = append(starts, a)
		if err := create(ctx, c, k, val); err != nil {
			return fmt.Errorf("create %s: %w", k, err)
		}
		b := time.Now()
		lat = append(lat, ms(b.Sub(a)))
		mu.Lock()
		if early[k] {
			lags = append(lags, 0)
		} else {
			answered[k] = b
		}
		mu.Unlock()
	}
	serial := time.Since(t0)
	if os.Getenv("GOCLIENT_SLOWEST") != "" {
		for i, x := range lat {
			if x > 1.5 {
				fmt.Fprintf(os.Stderr, "slow #%d %.3fms start %.3f\n", i, x, float64(starts[i].UnixNano())/1e6)
			}
		}
	}
	time.Sleep(200 * time.Millisecond)

	var cmu sync.Mutex
	clat := make([]float64, 0, *n)
	var wg sync.WaitGroup
	errs := make(chan error, *conc)
	t1 := time.Now()
	for w := 0; w < *conc && *n >= *conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < *n / *conc; i++ {
				a := time.Now()
				if err := create(ctx, c, fmt.Sprintf("%s/p/%d/%d", *prefix, w, i), val); err != nil {
					errs <- err
					return
				}
				d := ms(time.Since(a))
				cmu.Lock()
				clat = append(clat, d)
				cmu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	concDur := time.Since(t1)
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("concurrent create: %w", err)
	}

	sum := 0.0
	for _, x := range lat {
		sum += x
	}
	mu.Lock()
	defer mu.Unlock()
	r := result{
		Client:        "go clientv3",
		SerialOpsPerS: math.Round(float64(*n) / serial.Seconds()),
		SerialMeanMs:  math.Round(sum/float64(len(lat))*1000) / 1000,
		SerialP50Ms:   pct(lat, 50),
		SerialP99Ms:   pct(lat, 99),
		ConcOpsPerS:   math.Round(float64(len(clat)) / math.Max(concDur.Seconds(), 1e-9)),
		ConcP99Ms:     pct(clat, 99),
		WatchLagP50Ms: pct(lags, 50),
		WatchLagP99Ms: pct(lags, 99),
		WatchEvents:   len(lags),
		Concurrency:   *conc,
		N:             *n,
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "goclient:", err)
		os.Exit(1)
	}
}
