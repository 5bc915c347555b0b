// Command bench measures the customer graph against the minimum it could
// do: upstream calls against the fewest a query needs, latency against the
// slowest upstream leg, and throughput and memory against a hand-written Go
// program making the same REST calls in parallel (the floor).
//
//	go run ./bench                     # the full run BENCHMARKS.md reports (minutes)
//	go run ./bench -smoke              # every measurement, briefly (seconds); CI runs it
//	go run ./bench -separate           # sandbox and floor as processes of their own
//	go run ./bench -facade /tmp/old    # measure another checkout's facade (before/after)
//
// Run it from the repository root. The facade always runs as its own
// process, so its memory, allocations and CPU are its own. By default the
// sandbox, the floor and the load generator share this process; with
// -separate the sandbox and the floor run apart too, as real APIs and a
// real hand-written BFF would, and the floor's CPU per query is measured.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"customergraph/sandbox"
)

type settings struct {
	smoke      bool
	duration   time.Duration // per open-loop run
	rates      []int
	listRates  []int
	throughput time.Duration
	workers    int
	leg        time.Duration // upstream latency of the latency runs
	slow       time.Duration // the slow Plans API of the isolation run
	// The overload runs:
	capStep      int           // capacity search step, req/s
	capDuration  time.Duration // per capacity step
	overload     time.Duration // per overload run
	failingRate  int           // queries/s for the failing customer
	slowRate     int           // full views/s waiting on the slow API
	listOverload []int         // rates of the 100-id list
	only         string
	watch        bool
	separate     bool   // sandbox and floor in processes of their own
	facadeDir    string // the checkout the facade is built from
}

func main() {
	smoke := flag.Bool("smoke", false, "run every measurement briefly, as CI does")
	watch := flag.Bool("watch", false, "print the facade's admission state to stderr every 500 ms")
	only := flag.String("only", "", "run only the overload runs (overload) or only the rest (classic)")
	separate := flag.Bool("separate", false, "run the sandbox and the floor as processes of their own, as real APIs and a real BFF are")
	facadeDir := flag.String("facade", ".", "build the facade (and read its queries) from this checkout, e.g. an older commit's worktree")
	serveFloor := flag.String("serve-floor", "", "internal: serve the floor against this upstream base URL (used by -separate)")
	flag.Parse()
	if *serveFloor != "" {
		if err := runFloor(*serveFloor); err != nil {
			fmt.Fprintln(os.Stderr, "bench floor:", err)
			os.Exit(1)
		}
		return
	}
	s := settings{duration: 10 * time.Second, rates: []int{300, 400}, listRates: []int{5, 20},
		throughput: 10 * time.Second, workers: 32, leg: 50 * time.Millisecond, slow: 3 * time.Second,
		capStep: 50, capDuration: 3 * time.Second, overload: 15 * time.Second, failingRate: 50, slowRate: 40, listOverload: []int{20, 40, 80}}
	if *smoke {
		s = settings{smoke: true, duration: time.Second, rates: []int{20}, listRates: []int{2},
			throughput: time.Second, workers: 8, leg: 50 * time.Millisecond, slow: 300 * time.Millisecond,
			capStep: 100, capDuration: 500 * time.Millisecond, overload: time.Second, failingRate: 10, slowRate: 10, listOverload: []int{5}}
	}
	s.only, s.watch, s.separate, s.facadeDir = *only, *watch, *separate, *facadeDir
	if err := run(s, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type env struct {
	sb       upstreams
	facade   string // GraphQL endpoint
	floor    string // floor base URL
	pid      int    // the facade's
	floorPID int    // the floor's, when it runs as its own process (-separate)
	metrics  string
	shutdown func()
}

func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

func start(s settings) (*env, error) {
	dir, err := os.MkdirTemp("", "cg-bench")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "customergraph")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = s.facadeDir
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the facade in %s: %v\n%s", s.facadeDir, err, out)
	}
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		_ = os.RemoveAll(dir)
	}
	e := &env{}
	var sbURL string
	if s.separate {
		// This checkout's sandbox, whichever facade is measured.
		sbBin := filepath.Join(dir, "sandbox")
		if out, err := exec.Command("go", "build", "-o", sbBin, ".").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build the sandbox: %v\n%s", err, out)
		}
		sb, err := startProcess(sbBin, []string{"sandbox", "-addr", "127.0.0.1:0"}, nil, "sandbox listening", nil)
		if err != nil {
			stopAll()
			return nil, err
		}
		stops = append(stops, sb.stop)
		sbURL, e.sb = sb.url, remoteSandbox{base: sb.url}
		self, err := os.Executable()
		if err != nil {
			stopAll()
			return nil, err
		}
		fl, err := startProcess(self, []string{"-serve-floor", sbURL}, nil, "floor listening", nil)
		if err != nil {
			stopAll()
			return nil, err
		}
		stops = append(stops, fl.stop)
		e.floor, e.floorPID = fl.url, fl.cmd.Process.Pid
	} else {
		sb := sandbox.New(sandbox.Options{})
		u, stopSB, err := listen(sb)
		if err != nil {
			stopAll()
			return nil, err
		}
		stops = append(stops, stopSB)
		sbURL, e.sb = u, sb
		fl, err := newFloor(sbURL)
		if err != nil {
			stopAll()
			return nil, err
		}
		floorURL, stopFloor, err := listen(fl.handler())
		if err != nil {
			stopAll()
			return nil, err
		}
		stops = append(stops, stopFloor)
		e.floor = floorURL
	}
	facade, err := startProcess(bin, []string{"-addr", "127.0.0.1:0"}, []string{
		"MTN_PROFILES_URL=" + sbURL + "/profiles/v1", "MTN_PLANS_URL=" + sbURL + "/plans/v2",
		"MTN_SUBSCRIPTIONS_URL=" + sbURL + "/subscriptions/v2", "MTN_ACCOUNTHOLDERS_URL=" + sbURL + "/accountholders/v1",
		"MTN_TOKEN_URL=" + sbURL + "/oauth/token", "MTN_API_KEY=" + sandbox.APIKey,
		"MTN_CLIENT_ID=" + sandbox.ClientID, "MTN_CLIENT_SECRET=" + sandbox.ClientSecret,
		// The per-API bound (MTN_MAX_CONCURRENCY, 128 by default) would cap
		// the 100-id list's 80 parallel calls before the facade itself:
		// raised, so that the facade is what is measured. The full view
		// reads personal fields: the bench's anonymous client may (an
		// older build ignores the variable).
		"MTN_MAX_CONCURRENCY=1024", "GRAPH_ALLOW_ANONYMOUS=true", "GRAPH_ANONYMOUS_SCOPES=pii:read"},
		"customer graph listening",
		// The facade logs every request; note how long it took to answer
		// each refusal.
		func(b []byte) {
			if bytes.Contains(b, []byte(`"status":503`)) {
				refusals.note(b)
			}
		})
	if err != nil {
		stopAll()
		return nil, err
	}
	stops = append(stops, facade.stop)
	e.facade, e.pid, e.metrics = facade.url+"/graphql", facade.cmd.Process.Pid, facade.url+"/metrics"
	e.shutdown = stopAll
	return e, nil
}

// runFloor serves the floor as its own process (-separate).
func runFloor(upstream string) error {
	fl, err := newFloor(upstream)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	line, _ := json.Marshal(map[string]string{"message": "floor listening", "url": "http://" + ln.Addr().String()})
	fmt.Println(string(line))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv := &http.Server{Handler: fl.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// spreadOver is how many ordinary customers a one-customer query's load
// cycles over.
const spreadOver = 200

// listSpread is how many disjoint sets of 80 ordinary customers the 100-id
// list's load cycles over.
const listSpread = 12

func (e *env) graphqlTarget(q query) target {
	one := func(vars map[string]any) target {
		body, _ := json.Marshal(map[string]any{"query": q.graphql, "variables": vars})
		return target{method: "POST", url: e.facade, body: body}
	}
	if _, ok := q.variables["ids"]; ok && !q.single {
		var all []target
		for k := range listSpread {
			ids, _ := listIDs(k * 80)
			all = append(all, one(map[string]any{"ids": ids}))
		}
		return spread(all)
	}
	if _, ok := q.variables["id"]; !ok || q.single {
		return one(q.variables)
	}
	var all []target
	for i := range spreadOver {
		all = append(all, one(map[string]any{"id": sandbox.Ordinary(i)}))
	}
	return spread(all)
}

func (e *env) floorTarget(q query) target {
	if _, ok := q.variables["ids"]; ok && !q.single {
		var all []target
		for k := range listSpread {
			_, distinct := listIDs(k * 80)
			all = append(all, target{method: "GET", url: e.floor + "/floor/list?ids=" + strings.Join(distinct, ",")})
		}
		return spread(all)
	}
	id, ok := q.variables["id"].(string)
	if !ok || q.single {
		return target{method: "GET", url: e.floor + q.floor}
	}
	var all []target
	for i := range spreadOver {
		all = append(all, target{method: "GET", url: e.floor + strings.Replace(q.floor, "id="+id, "id="+sandbox.Ordinary(i), 1)})
	}
	return spread(all)
}

// memstat reads a counter from the facade's /metrics.
func (e *env) memstat(name string) float64 {
	resp, err := http.Get(e.metrics)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

// rss reads the facade's resident and peak resident memory in MiB.
func (e *env) rss() (cur, peak float64) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", e.pid))
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			switch f[0] {
			case "VmRSS:":
				cur = kb / 1024
			case "VmHWM:":
				peak = kb / 1024
			}
		}
	}
	return
}

func us(seconds float64) string { return fmt.Sprintf("%.0f µs", seconds*1e6) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func run(s settings, out io.Writer) error {
	e, err := start(s)
	if err != nil {
		return err
	}
	defer e.shutdown()
	qs := suite(s.facadeDir)
	if s.watch {
		go func() {
			for range time.Tick(500 * time.Millisecond) {
				fmt.Fprintf(os.Stderr, "limit %.0f cost %.0f inflight %.0f queued %.0f delay %.2fms served %.0f refused %.0f\n",
					e.memstat("graph_admission_limit"), e.memstat("graph_admission_inflight_cost"), e.memstat("graph_admission_inflight"),
					e.memstat("graph_admission_queued"), e.memstat("graph_admission_sched_delay_seconds")*1000, e.memstat("graph_admission_served_cost"), e.memstat("graph_admission_refused_total"))
			}
		}()
	}
	var failures []string
	fail := func(f string, a ...any) { failures = append(failures, fmt.Sprintf(f, a...)) }

	mode := "sandbox and floor in the bench process"
	if s.separate {
		mode = "sandbox and floor as processes of their own"
	}
	fmt.Fprintf(out, "# customer graph bench (%s, %d CPUs, %s; %s; facade built from %s)\n\n", time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.Version(), mode, s.facadeDir)
	if s.only != "overload" {
		if err := classic(e, s, qs, out, fail); err != nil {
			return err
		}
	}
	if s.only != "classic" {
		overloadRuns(e, s, qs[0], qs[1], qs[2], out, fail)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d checks failed:\n  %s", len(failures), strings.Join(failures, "\n  "))
	}
	return nil
}

// classic runs the calls, latency, isolation and throughput measurements.
func classic(e *env, s settings, qs []query, out io.Writer, fail func(string, ...any)) error {

	// 1. Upstream calls against the minimum.
	fmt.Fprintf(out, "## Upstream calls per query\n\n| query | calls | minimum | ratio |\n|---|---:|---:|---:|\n")
	for _, q := range qs {
		e.sb.Reset()
		one := q
		one.single = true // the customer q.need names
		if err := send(e.graphqlTarget(one)); err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		calls := e.sb.Calls()["total"]
		ratio := float64(calls) / float64(q.minimum())
		fmt.Fprintf(out, "| %s | %d | %d | %.2f |\n", q.name, calls, q.minimum(), ratio)
		if calls != q.minimum() {
			fail("%s: %d upstream calls, minimum %d", q.name, calls, q.minimum())
		}
	}

	// 2. Latency over the slowest leg, every upstream at s.leg.
	e.sb.SetLatency("all", s.leg)
	fmt.Fprintf(out, "\n## Latency, every upstream at %s, open loop\n\nThe slowest upstream leg of each query is %s: every query here is one leg deep.\n\n", ms(s.leg), ms(s.leg))
	fmt.Fprintf(out, "| query | rate | facade p50 | p99 | p50 ÷ leg | p99 ÷ leg | floor p50 | floor p99 | p99 ÷ floor p99 | success |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, q := range qs {
		rates := s.rates
		if strings.HasPrefix(q.name, "customers") {
			rates = s.listRates
		}
		for _, rate := range rates {
			f := openLoop(e.graphqlTarget(q), rate, s.duration)
			fl := openLoop(e.floorTarget(q), rate, s.duration)
			fmt.Fprintf(out, "| %s | %d/s | %s | %s | %.2f× | %.2f× | %s | %s | %.2f× | %.1f%% |\n", q.name, rate, ms(f.p50), ms(f.p99),
				float64(f.p50)/float64(s.leg), float64(f.p99)/float64(s.leg), ms(fl.p50), ms(fl.p99), float64(f.p99)/float64(fl.p99), f.success*100)
			if f.success < 1 {
				fail("%s at %d/s: %.1f%% success", q.name, rate, f.success*100)
			}
		}
	}

	// 3. One slow upstream must not slow what does not use it.
	basic, full := qs[1], qs[0]
	normal := openLoop(e.graphqlTarget(basic), s.rates[0], s.duration)
	e.sb.SetLatency(sandbox.Plans, s.slow)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // background queries that wait on the slow Plans API
		for ctx.Err() == nil {
			_ = openLoop(e.graphqlTarget(full), 20, s.duration)
		}
	}()
	time.Sleep(s.slow / 2)
	isolated := openLoop(e.graphqlTarget(basic), s.rates[0], s.duration)
	cancel()
	e.sb.SetLatency("all", s.leg)
	fmt.Fprintf(out, "\n## Isolation: Plans at %s, with 20 full views/s waiting on it\n\n| query (no Plans field) | rate | p99 normal | p99 with Plans slow | ratio |\n|---|---:|---:|---:|---:|\n", ms(s.slow))
	fmt.Fprintf(out, "| %s | %d/s | %s | %s | %.2f× |\n", basic.name, s.rates[0], ms(normal.p99), ms(isolated.p99), float64(isolated.p99)/float64(normal.p99))
	if isolated.success < 1 {
		fail("isolation run: %.1f%% success", isolated.success*100)
	}
	time.Sleep(s.slow) // let the slow background requests drain

	// 4. Throughput at zero latency, and memory.
	e.sb.SetLatency("all", 0)
	fmt.Fprintf(out, "\n## Throughput at zero upstream latency, %d concurrent clients\n\n"+
		"CPU per query is the process's user+system time over the run (/proc/<pid>/stat) divided by the queries it served; the floor's is measured only when it runs as its own process (-separate).\n\n"+
		"Careless clients send a refused request again at once; polite ones wait the Retry-After (1 s) first. The CPU and allocation columns are the polite run's, divided by the queries it served (its few refusals included in the cost).\n\n"+
		"| query | facade, careless | shed | facade, polite | shed | floor | ratio careless | ratio polite | facade CPU/query | floor CPU/query | CPU ratio | facade allocs/query | facade KiB/query |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", s.workers)
	for _, q := range qs {
		frps, shed, err := closedLoop(e.graphqlTarget(q), s.workers, s.throughput, false)
		if err != nil {
			fail("%s throughput: %v", q.name, err)
		}
		mallocs, bytes := e.memstat("go_memstats_mallocs_total"), e.memstat("go_memstats_alloc_bytes_total")
		cpu := cpuSeconds(e.pid)
		before := time.Now()
		prps, pshed, err := closedLoop(e.graphqlTarget(q), s.workers, s.throughput, true)
		if err != nil {
			fail("%s polite throughput: %v", q.name, err)
		}
		n := prps * time.Since(before).Seconds()
		facadeCPU := (cpuSeconds(e.pid) - cpu) / n
		allocs := (e.memstat("go_memstats_mallocs_total") - mallocs) / n
		kib := (e.memstat("go_memstats_alloc_bytes_total") - bytes) / n / 1024
		floorCPU0 := cpuSeconds(e.floorPID)
		before = time.Now()
		lrps, _, err := closedLoop(e.floorTarget(q), s.workers, s.throughput, false)
		if err != nil {
			fail("%s floor: %v", q.name, err)
		}
		floorCPU, cpuRatio := "", ""
		if e.floorPID != 0 {
			per := (cpuSeconds(e.floorPID) - floorCPU0) / (lrps * time.Since(before).Seconds())
			floorCPU, cpuRatio = us(per), fmt.Sprintf("%.2f×", facadeCPU/per)
		}
		fmt.Fprintf(out, "| %s | %.0f/s | %.1f%% | %.0f/s | %.1f%% | %.0f/s | %.2f× | %.2f× | %s | %s | %s | %.0f | %.1f |\n", q.name, frps, shed*100, prps, pshed*100,
			lrps, frps/lrps, prps/lrps, us(facadeCPU), floorCPU, cpuRatio, allocs, kib)
	}
	cur, peak := e.rss()
	fmt.Fprintf(out, "\nFacade process memory: RSS %.1f MiB now, %.1f MiB at peak.\n", cur, peak)
	return nil
}

// breaker reads one API's breaker state from the facade's /readyz.
func (e *env) breaker(api string) string {
	resp, err := http.Get(strings.TrimSuffix(e.metrics, "/metrics") + "/readyz")
	if err != nil {
		return "unknown"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, api+" breaker: "); ok {
			return v
		}
	}
	return "unknown"
}
