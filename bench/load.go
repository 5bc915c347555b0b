package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// target is one request the load generators send, or, with variants, a
// round-robin over several (the same query for many customers: real load
// spreads over customers, and the facade bounds what one customer may
// hold of an API).
type target struct {
	method, url string
	body        []byte
	variants    []target
	next        *atomic.Uint64
}

// spread returns a target cycling over the variants.
func spread(variants []target) target {
	t := variants[0]
	t.variants, t.next = variants, &atomic.Uint64{}
	return t
}

// pick returns the request to send next.
func (t target) pick() target {
	if len(t.variants) == 0 {
		return t
	}
	return t.variants[t.next.Add(1)%uint64(len(t.variants))]
}

func (t target) vegeta() vegeta.Target {
	h := http.Header{}
	if t.body != nil {
		h.Set("Content-Type", "application/json")
	}
	return vegeta.Target{Method: t.method, URL: t.url, Body: t.body, Header: h}
}

func (t target) targeter() vegeta.Targeter {
	if len(t.variants) == 0 {
		return vegeta.NewStaticTargeter(t.vegeta())
	}
	all := make([]vegeta.Target, len(t.variants))
	for i, v := range t.variants {
		all[i] = v.vegeta()
	}
	return vegeta.NewStaticTargeter(all...)
}

// latency holds the result of an open-loop run.
type latency struct {
	p50, p99, max time.Duration
	success       float64
	requests      uint64
}

// openLoop sends requests at a fixed rate whatever the answers' speed, so
// slow answers cannot hide behind fewer requests (no coordinated omission).
func openLoop(t target, rate int, d time.Duration) latency {
	atk := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true),
		vegeta.Connections(2000), vegeta.MaxConnections(0), vegeta.Workers(64), vegeta.MaxWorkers(5000))
	var m vegeta.Metrics
	for res := range atk.Attack(vegeta.NewStaticTargeter(t.vegeta()), vegeta.Rate{Freq: rate, Per: time.Second}, d, "") {
		m.Add(res)
	}
	m.Close()
	return latency{p50: m.Latencies.P50, p99: m.Latencies.P99, max: m.Latencies.Max, success: m.Success, requests: m.Requests}
}

var client = &http.Client{
	Timeout: 30 * time.Second,
	Transport: func() http.RoundTripper {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 512
		tr.MaxIdleConns = 1024
		return tr
	}(),
}

// errShed is a 503 OVERLOADED: the facade refused the request at once.
var errShed = errors.New("shed")

// send performs one request and fails on a non-200 answer or GraphQL errors.
func send(t target) error {
	t = t.pick()
	var body io.Reader
	if t.body != nil {
		body = bytes.NewReader(t.body)
	}
	req, _ := http.NewRequest(t.method, t.url, body)
	if t.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusServiceUnavailable && bytes.Contains(b, overloadedCode) {
		return errShed
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	if bytes.Contains(b, []byte(`"errors":[`)) {
		return errors.New("GraphQL errors: " + string(b[:min(len(b), 300)]))
	}
	return nil
}

// retryAfter is what the facade's Retry-After says on every refusal.
const retryAfter = time.Second

// closedLoop runs workers that each send as fast as answers come, and
// returns served requests per second and the share shed. A careless worker
// sends a shed request again at once; a polite one first waits what
// Retry-After says, as a client with a retry policy does.
func closedLoop(t target, workers int, d time.Duration, polite bool) (rps, shed float64, err error) {
	var done, refused atomic.Int64
	var firstErr error
	var once sync.Once
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				switch err := send(t); {
				case err == errShed:
					refused.Add(1)
					if polite {
						time.Sleep(min(retryAfter, time.Until(stop)))
					}
				case err != nil:
					once.Do(func() { firstErr = err })
					return
				default:
					done.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	n := float64(done.Load())
	return n / time.Since(start).Seconds(), float64(refused.Load()) / max(n+float64(refused.Load()), 1), firstErr
}
