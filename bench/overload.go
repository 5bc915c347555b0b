package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"customergraph/codes"
	"customergraph/sandbox"
)

// outcome sorts the answers of one open-loop run: served (200, no GraphQL
// error), shed (503 OVERLOADED) and the rest (other errors, timeouts).
type outcome struct {
	rate, sent          int
	served, shed, fail  int
	timeouts            int           // answers that took the facade's whole request timeout, or none came
	servedP50, served99 time.Duration // of served requests
	shed99              time.Duration // of shed requests
	seconds             float64
	codes               map[string]int // error codes of the failed answers
}

func (o outcome) goodput() float64 { return float64(o.served) / o.seconds }

var overloadedCode = []byte(`"` + codes.Overloaded + `"`)

// attack runs t at rate for d and sorts every answer.
func attack(t target, rate int, d time.Duration, timeout time.Duration) (outcome, []vegeta.Result) {
	atk := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true),
		vegeta.Connections(4000), vegeta.MaxConnections(0), vegeta.Workers(64), vegeta.MaxWorkers(8000))
	var all []vegeta.Result
	codes := map[string]int{}
	for res := range atk.Attack(t.targeter(), vegeta.Rate{Freq: rate, Per: time.Second}, d, "") {
		r := *res
		r.Body = nil
		if res.Code == http.StatusOK && bytes.Contains(res.Body, []byte(`"errors"`)) {
			r.Code = 299 // served with errors: counted as a failure below
		}
		if res.Code == http.StatusServiceUnavailable && bytes.Contains(res.Body, overloadedCode) {
			r.Code = 503
		} else if res.Code == http.StatusServiceUnavailable {
			r.Code = 599
		}
		if r.Code != http.StatusOK && r.Code != 503 {
			for _, m := range codeRE.FindAllSubmatch(res.Body, -1) {
				codes[string(m[1])]++
			}
			if res.Error != "" {
				codes["transport: "+res.Error]++
			}
		}
		all = append(all, r)
	}
	o := summarize(all, rate, d, timeout)
	o.codes = codes
	return o, all
}

var codeRE = regexp.MustCompile(`"code":"([A-Z_]+)"`)

func summarize(all []vegeta.Result, rate int, d, timeout time.Duration) outcome {
	o := outcome{rate: rate, sent: len(all), seconds: d.Seconds()}
	var served, shed []time.Duration
	for _, r := range all {
		switch {
		case r.Code == http.StatusOK:
			o.served++
			served = append(served, r.Latency)
		case r.Code == 503:
			o.shed++
			shed = append(shed, r.Latency)
		default:
			o.fail++
		}
		if r.Code == 0 || r.Latency >= timeout {
			o.timeouts++
		}
	}
	o.servedP50, o.served99 = quantiles(served)
	_, o.shed99 = quantiles(shed)
	return o
}

func quantiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*99/100)]
}

// recovery is how long after start the last answer that was not served
// within 3× the leg came back (0 when every one was).
func recovery(all []vegeta.Result, leg time.Duration) time.Duration {
	if len(all) == 0 {
		return 0
	}
	start := all[0].Timestamp
	var last time.Duration
	for _, r := range all {
		start = minTime(start, r.Timestamp)
	}
	for _, r := range all {
		if r.Code != http.StatusOK || r.Latency > 3*leg {
			last = max(last, r.Timestamp.Add(r.Latency).Sub(start))
		}
	}
	return last
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// capacity is the highest rate, in steps, at which 99% was served with
// p99 within 3× the leg: the facade's capacity for q on this machine.
func capacity(t target, leg time.Duration, step int, d time.Duration) int {
	best := 0
	for rate := step; ; rate += step {
		o, _ := attack(t, rate, d, 15*time.Second)
		if float64(o.served) < 0.99*float64(o.sent) || o.served99 > 3*leg {
			return max(best, step)
		}
		best = rate
	}
}

// resetPeakRSS starts a new peak-RSS measurement (Linux: clear_refs 5).
func (e *env) resetPeakRSS() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", e.pid), []byte("5"), 0)
}

// overloadRuns are the issue-17 scenarios: offered load past capacity, one
// failing customer, one slow API; each reports the facade's peak RSS.
func overloadRuns(e *env, s settings, full, basic, list query, out io.Writer, fail func(string, ...any)) {
	// The targets depend on the machine being otherwise quiet: the smoke
	// run (CI, on a busy machine) prints them and fails only on what no
	// load excuses.
	target := fail
	if s.smoke {
		target = func(f string, a ...any) { fmt.Fprintf(out, "\n(smoke: target missed: "+f+")\n", a...) }
	}
	e.sb.SetLatency("all", s.leg)
	ft := e.graphqlTarget(full)
	timeout := 15 * time.Second
	capRate := capacity(ft, s.leg, s.capStep, s.capDuration)
	fmt.Fprintf(out, "\n## Overload: full view, every upstream at %s\n\nCapacity (the highest rate, in steps of %d/s of %s each, at which 99%% was served with p99 ≤ 3× the leg): **%d/s**. Each load below runs %s; served = 200 with no error, shed = 503 OVERLOADED.\n\n",
		ms(s.leg), s.capStep, s.capDuration, capRate, s.overload)
	fmt.Fprintf(out, "| offered | rate | goodput | ÷ capacity | served p50 | served p99 | p99 ÷ leg | shed | shed p99 (client) | shed p99 (facade) | other errors | timeouts | recovered after | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, x := range []float64{1, 1.5, 2} {
		rate := int(float64(capRate) * x)
		e.resetPeakRSS()
		refusals.take()
		o, _ := attack(ft, rate, s.overload, timeout)
		time.Sleep(200 * time.Millisecond) // the last log lines
		_, facadeShed99 := quantiles(refusals.take())
		if x == 2 && facadeShed99 > 10*time.Millisecond {
			target("overload 2×: refusals p99 %s inside the facade, over 10 ms", ms(facadeShed99))
		}
		// Right after the load stops: half the capacity for 3 s.
		_, after := attack(ft, capRate/2, 3*time.Second, timeout)
		rec := recovery(after, s.leg)
		_, peak := e.rss()
		fmt.Fprintf(out, "| %.1f× | %d/s | %.0f/s | %.2f | %s | %s | %.2f× | %d | %s | %s | %d | %d | %s | %.0f MiB |\n", x, rate, o.goodput(), o.goodput()/float64(capRate),
			ms(o.servedP50), ms(o.served99), float64(o.served99)/float64(s.leg), o.shed, ms(o.shed99), ms(facadeShed99), o.fail, o.timeouts, ms(rec), peak)
		if x == 2 && o.goodput() < 0.9*float64(capRate) {
			target("overload 2×: goodput %.0f/s, under 90%% of capacity %d/s", o.goodput(), capRate)
		}
		if o.timeouts > 0 {
			target("overload %.1f×: %d requests ran into the timeout", x, o.timeouts)
		}
		if o.fail > 0 {
			fmt.Fprintf(out, "\nOther errors at %.1f×: %v\n\n", x, o.codes)
		}
	}

	protectionRuns(e, s, full, capRate, out, target)

	// One customer failing on every call, beside ordinary customers.
	bad := sandbox.PlansDownCustomer
	badQ := full
	badQ.variables, badQ.single = map[string]any{"id": bad}, true
	good := full
	good.variables = map[string]any{"id": sandbox.Ordinary(1)} // and spreadOver others
	e.resetPeakRSS()
	done := make(chan outcome, 1)
	go func() { o, _ := attack(e.graphqlTarget(badQ), s.failingRate, s.overload, timeout); done <- o }()
	o, _ := attack(e.graphqlTarget(good), capRate/2, s.overload, timeout)
	<-done
	_, peak := e.rss()
	fmt.Fprintf(out, "\n## One customer failing: %s (Plans answers 500) at %d/s, beside another customer's full view at %d/s\n\n| other customer | served | errors | error rate | served p99 | Plans breaker after | peak RSS |\n|---|---:|---:|---:|---:|---|---:|\n",
		bad, s.failingRate, capRate/2)
	state := e.breaker("plans")
	fmt.Fprintf(out, "| %s | %d | %d | %.2f%% | %s | %s | %.0f MiB |\n", sandbox.Ordinary(1), o.served, o.fail+o.shed, 100*float64(o.fail+o.shed)/float64(max(o.sent, 1)), ms(o.served99), state, peak)
	if o.fail > 0 || state != "closed" {
		fail("failing customer: %d of the other customer's requests failed (%v), Plans breaker %s", o.fail, o.codes, state)
	}
	if o.shed > 0 {
		target("failing customer: %d of the other customer's requests were shed", o.shed)
	}

	// One API slow: Plans at s.slow.
	bt := e.graphqlTarget(basic)
	normal, _ := attack(bt, s.rates[0], s.overload, timeout)
	e.sb.SetLatency(sandbox.Plans, s.slow)
	e.resetPeakRSS()
	slowDone := make(chan outcome, 1)
	go func() { o, _ := attack(ft, s.slowRate, s.overload, timeout); slowDone <- o }()
	isolated, _ := attack(bt, s.rates[0], s.overload, timeout)
	slow := <-slowDone
	e.sb.SetLatency("all", s.leg)
	_, peak = e.rss()
	fmt.Fprintf(out, "\n## One API slow: Plans at %s, %d full views/s waiting on it\n\n| query | rate | served | failed or shed | p99 | p99 normal | ratio | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
		ms(s.slow), s.slowRate)
	fmt.Fprintf(out, "| basic view (no Plans field) | %d/s | %d | %d | %s | %s | %.2f× | %.0f MiB |\n", s.rates[0], isolated.served, isolated.fail+isolated.shed,
		ms(isolated.served99), ms(normal.served99), float64(isolated.served99)/float64(max(normal.served99, 1)), peak)
	fmt.Fprintf(out, "| full view (Plans fields) | %d/s | %d | %d | %s | | | |\n", s.slowRate, slow.served, slow.fail+slow.shed, ms(slow.served99))
	if len(slow.codes)+len(isolated.codes) > 0 {
		fmt.Fprintf(out, "\nErrors: full views %v, basic views %v\n", slow.codes, isolated.codes)
	}
	if isolated.fail+isolated.shed > 0 {
		target("slow API: %d basic views failed", isolated.fail+isolated.shed)
	}
	if slow.timeouts > 0 {
		target("slow API: %d full views ran into the timeout", slow.timeouts)
	}

	// The 100-id list, whose cost weighs its 80 upstream calls.
	lt := e.graphqlTarget(list)
	fmt.Fprintf(out, "\n## customers(ids:) with 100 ids (80 distinct), every upstream at %s\n\n| rate | served | shed | other errors | served p50 | served p99 | timeouts | peak RSS |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n", ms(s.leg))
	for _, rate := range s.listOverload {
		e.resetPeakRSS()
		o, _ := attack(lt, rate, s.overload, timeout)
		_, peak := e.rss()
		fmt.Fprintf(out, "| %d/s | %d | %d | %d | %s | %s | %d | %.0f MiB |\n", rate, o.served, o.shed, o.fail, ms(o.servedP50), ms(o.served99), o.timeouts, peak)
		if o.timeouts > 0 || o.fail > 0 {
			target("list at %d/s: %d timeouts, %d errors %v", rate, o.timeouts, o.fail, o.codes)
		}
	}
}

// refusals collects, from the facade's access log, its own duration for
// each 503: the client's measure adds the load generator's queueing on the
// same two cores.
var refusals serverDurations

type serverDurations struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *serverDurations) note(line []byte) {
	var l struct {
		Duration float64 `json:"duration"` // zerolog: milliseconds
	}
	if json.Unmarshal(line, &l) != nil {
		return
	}
	s.mu.Lock()
	s.ds = append(s.ds, time.Duration(l.Duration*float64(time.Millisecond)))
	s.mu.Unlock()
}

// take returns the durations noted since the last take.
func (s *serverDurations) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds := s.ds
	s.ds = nil
	return ds
}
