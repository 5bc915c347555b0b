package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"customergraph/persisted"
	"customergraph/sandbox"
)

// hogs starts n processes that keep a CPU busy each (other processes on
// the host, as a neighbour's would), and returns what stops them.
func hogs(n int) func() {
	var cmds []*exec.Cmd
	for range n {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if c.Start() == nil {
			cmds = append(cmds, c)
		}
	}
	return func() {
		for _, c := range cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
}

// burst sends n full views of distinct customers at once and counts the
// refused ones (and any other failure).
func burst(e *env, full query, n, first int) (refused, failed int) {
	var wg sync.WaitGroup
	var r, f atomic.Int64
	for i := range n {
		q := full
		q.variables, q.single = map[string]any{"id": sandbox.Ordinary(first + i)}, true
		t := e.graphqlTarget(q)
		wg.Go(func() {
			switch err := send(t); {
			case err == errShed:
				r.Add(1)
			case err != nil:
				f.Add(1)
			}
		})
	}
	wg.Wait()
	return int(r.Load()), int(f.Load())
}

// protectionRuns are issue #24's: admission that recovers and does not
// shed what the facade can do, also beside busy neighbours; one slow
// customer beside others; memory under abusive inputs.
func protectionRuns(e *env, s settings, full query, capRate int, out io.Writer, target func(string, ...any)) {
	ft := e.graphqlTarget(full)
	timeout := 15 * time.Second
	spike, pause := 10*time.Second, 3*time.Second
	if s.smoke {
		spike = time.Second
	}

	fmt.Fprintf(out, "\n## A burst after a spike: 60 full views of distinct customers at once, %s after %s at 2× capacity (%d/s)\n\n| neighbours | spike goodput | burst refused | burst other errors | limit before the burst |\n|---|---:|---:|---:|---:|\n", pause, spike, 2*capRate)
	for _, n := range []int{0, 2} {
		stop := hogs(n)
		o, _ := attack(ft, 2*capRate, spike, timeout)
		time.Sleep(pause) // the quiet spell the users' burst follows
		limit := e.memstat("graph_admission_limit")
		refused, failed := burst(e, full, 60, 400)
		stop()
		fmt.Fprintf(out, "| %d CPU hogs | %.0f/s | %d | %d | %.0f |\n", n, o.goodput(), refused, failed, limit)
		if refused > 0 || failed > 0 {
			target("burst after a spike with %d hogs: %d refused, %d failed", n, refused, failed)
		}
	}

	fmt.Fprintf(out, "\n## 2× overload beside two CPU hogs (capacity measured with them running)\n\n| capacity | offered | goodput | ÷ capacity | served p99 | shed | shed p99 (facade) |\n|---:|---:|---:|---:|---:|---:|---:|\n")
	stop := hogs(2)
	hogCap := capacity(ft, s.leg, s.capStep, s.capDuration)
	refusals.take()
	o, _ := attack(ft, 2*hogCap, s.overload, timeout)
	time.Sleep(200 * time.Millisecond)
	_, shed99 := quantiles(refusals.take())
	stop()
	fmt.Fprintf(out, "| %d/s | %d/s | %.0f/s | %.2f | %s | %d | %s |\n", hogCap, 2*hogCap, o.goodput(), o.goodput()/float64(hogCap), ms(o.served99), o.shed, ms(shed99))
	if o.goodput() < 0.9*float64(hogCap) {
		target("2× overload with hogs: goodput %.0f/s under 90%% of %d/s", o.goodput(), hogCap)
	}
	if shed99 > 10*time.Millisecond {
		target("2× overload with hogs: refusals p99 %s inside the facade", ms(shed99))
	}

	// One slow customer (its Subscription Management calls take 3 s)
	// asked often, beside other customers' full views.
	slowRate := 50
	if s.smoke {
		slowRate = 10
	}
	slowQ := full
	slowQ.variables, slowQ.single = map[string]any{"id": sandbox.SlowCustomer}, true
	done := make(chan outcome, 1)
	go func() { o, _ := attack(e.graphqlTarget(slowQ), slowRate, s.overload, timeout); done <- o }()
	others, _ := attack(ft, capRate/2, s.overload, timeout)
	slow := <-done
	fmt.Fprintf(out, "\n## One slow customer: %s (Subscription Management answers in 3 s) at %d/s, beside others' full views at %d/s\n\n| | served | shed | errors | served p99 | error codes |\n|---|---:|---:|---:|---:|---|\n", sandbox.SlowCustomer, slowRate, capRate/2)
	fmt.Fprintf(out, "| other customers | %d | %d | %d | %s | %v |\n| the slow customer | %d | %d | %d | %s | %v |\n",
		others.served, others.shed, others.fail, ms(others.served99), others.codes, slow.served, slow.shed, slow.fail, ms(slow.served99), slow.codes)
	if others.fail+others.shed > 0 {
		target("slow customer: %d of the other customers' views failed or were shed (%v)", others.fail+others.shed, others.codes)
	}

	abuse(e, s, out, target)
}

// memoryMarginMiB is what the process may hold past GRAPH_MEMORY_LIMIT_MIB
// (a soft limit of the Go heap: stacks, buffers of open sockets and the
// runtime's own come on top).
const (
	memoryLimitMiB  = 192
	memoryMarginMiB = 64
)

// abuse sends each input that grew the facade's memory before issue #24
// and reports the peak RSS under it.
func abuse(e *env, s settings, out io.Writer, target func(string, ...any)) {
	n := 232
	sockets := 9000
	if s.smoke {
		n, sockets = 20, 200
	}
	fmt.Fprintf(out, "\n## Memory under abusive inputs (limit %d MiB + margin %d MiB)\n\n| input | answers | peak RSS |\n|---|---|---:|\n", memoryLimitMiB, memoryMarginMiB)
	row := func(name string, run func() map[int]int) {
		e.resetPeakRSS()
		statuses := run()
		_, peak := e.rss()
		fmt.Fprintf(out, "| %s | %v | %.0f MiB |\n", name, statuses, peak)
		if peak > memoryLimitMiB+memoryMarginMiB {
			target("%s: peak RSS %.0f MiB", name, peak)
		}
	}
	parallel := func(count, workers int, one func(i int) int) map[int]int {
		var mu sync.Mutex
		got := map[int]int{}
		var wg sync.WaitGroup
		next := atomic.Int64{}
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < count; i = int(next.Add(1)) - 1 {
					st := one(i)
					mu.Lock()
					got[st]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return got
	}
	do := func(req *http.Request) int {
		resp, err := client.Do(req)
		if err != nil {
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	row(fmt.Sprintf("%d GETs of a 2-token document with a 900 KB comment", n), func() map[int]int {
		return parallel(n, 8, func(i int) int {
			doc := fmt.Sprintf("{ __typename } #%d %s", i, strings.Repeat("x", 900_000))
			req, _ := http.NewRequest("GET", e.facade+"?query="+url.QueryEscape(doc), nil)
			return do(req)
		})
	})
	row(fmt.Sprintf("%d POSTs of distinct 60 KB documents", n*4), func() map[int]int {
		return parallel(n*4, 8, func(i int) int {
			doc := fmt.Sprintf("{ __typename } #%d %s", i, strings.Repeat("x", 60_000))
			body, _ := json.Marshal(map[string]any{"query": doc})
			req, _ := http.NewRequest("POST", e.facade, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return do(req)
		})
	})
	row(fmt.Sprintf("%d APQ registrations of distinct documents", n*10), func() map[int]int {
		return parallel(n*10, 8, func(i int) int {
			doc := fmt.Sprintf("query Q%d { __typename } #%s", i, strings.Repeat("x", 15_000))
			body, _ := json.Marshal(map[string]any{"query": doc, "extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": persisted.Hash(doc)}}})
			req, _ := http.NewRequest("POST", e.facade, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return do(req)
		})
	})
	row(fmt.Sprintf("%d WebSockets from one client that never send connection_init", sockets), func() map[int]int {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var mu sync.Mutex
		var open []*websocket.Conn
		got := parallel(sockets, 32, func(int) int {
			c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.facade, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
			if err != nil {
				if resp != nil {
					return resp.StatusCode
				}
				return 0
			}
			mu.Lock()
			open = append(open, c)
			mu.Unlock()
			return 101
		})
		for _, c := range open {
			_ = c.CloseNow()
		}
		return got
	})
}
