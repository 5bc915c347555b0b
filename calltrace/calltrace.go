// Package calltrace records, for an operation whose client asked for it,
// every upstream call the operation made: which API operation, how it
// ended, when it started and how long it took, how many keys its loader
// batch held, and which GraphQL paths it served. The response carries it
// as extensions.upstreamCalls, beside extensions.minimumCalls, the fewest
// calls that could have answered the same fields.
//
// A demand is one upstream resource a field needs (a loader and its key).
// Fields that need the same resource share its demand; every call serves
// the demands its context names. minimumCalls counts distinct demands,
// plus each call that served none (a write): a client calling the REST
// APIs by hand could not have done with fewer.
package calltrace

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"customergraph/upstream"
)

// Call is one upstream operation (all its attempts), as a client sees it.
type Call struct {
	API         string   `json:"api"`
	Op          string   `json:"op"`
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	Status      int      `json:"status"`
	Outcome     string   `json:"outcome"`
	Attempts    int      `json:"attempts"`
	StartedAtMs float64  `json:"startedAtMs"`
	DurationMs  float64  `json:"durationMs"`
	BatchSize   int      `json:"batchSize"`
	Paths       []string `json:"paths"`

	demands []*demand
}

// Outcomes of a call.
const (
	OutcomeOK      = "ok"      // a 2xx but 207
	OutcomePartial = "partial" // a 207: some parts of the answer are missing
	OutcomeFailed  = "failed"  // no usable answer
)

// Trace gathers one operation's calls.
type Trace struct {
	start   time.Time
	mu      sync.Mutex
	calls   []*Call
	demands map[demandKey]*demand
}

type demandKey struct {
	loader string
	key    any
}

type demand struct {
	paths []string // guarded by Trace.mu
}

// New starts a trace whose times count from start.
func New(start time.Time) *Trace {
	return &Trace{start: start, demands: map[demandKey]*demand{}}
}

type traceKey struct{}

// With returns ctx carrying t.
func With(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

// From returns the trace of ctx, or nil when nobody asked for one.
func From(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// Demand notes that the fields at paths need loader's resource key.
func (t *Trace) Demand(loader string, key any, paths []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := demandKey{loader, key}
	d := t.demands[k]
	if d == nil {
		d = &demand{}
		t.demands[k] = d
	}
	for _, p := range paths {
		if !slices.Contains(d.paths, p) {
			d.paths = append(d.paths, p)
		}
	}
}

type servingKey struct{}

type serving struct {
	loader string
	keys   []any
	batch  int
}

// Serving returns ctx for the call that fetches loader's keys, in a batch
// of batch keys.
func Serving(ctx context.Context, loader string, batch int, keys ...any) context.Context {
	return context.WithValue(ctx, servingKey{}, serving{loader: loader, keys: keys, batch: batch})
}

// Record adds a finished call, made with ctx.
func (t *Trace) Record(ctx context.Context, c upstream.Call) {
	call := &Call{API: c.API, Op: c.Op, Method: c.Method, Path: c.Path, Status: c.Status, Attempts: c.Attempts,
		StartedAtMs: ms(c.Start.Sub(t.start)), DurationMs: ms(c.Duration), Outcome: outcome(c)}
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := ctx.Value(servingKey{}).(serving); ok {
		call.BatchSize = s.batch
		for _, k := range s.keys {
			if d := t.demands[demandKey{s.loader, k}]; d != nil {
				call.demands = append(call.demands, d)
			}
		}
	}
	t.calls = append(t.calls, call)
}

// Calls returns the calls in the order they started, each with the paths
// its demands gathered by now.
func (t *Trace) Calls() []Call {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Call, len(t.calls))
	for i, c := range t.calls {
		out[i] = *c
		out[i].Paths = []string{}
		for _, d := range c.demands {
			for _, p := range d.paths {
				if !slices.Contains(out[i].Paths, p) {
					out[i].Paths = append(out[i].Paths, p)
				}
			}
		}
		out[i].demands = nil
	}
	slices.SortStableFunc(out, func(a, b Call) int {
		switch {
		case a.StartedAtMs < b.StartedAtMs:
			return -1
		case a.StartedAtMs > b.StartedAtMs:
			return 1
		}
		return 0
	})
	return out
}

// MinimumCalls is the fewest upstream calls that answer what the operation
// asked: one per distinct resource its fields needed, and one per call
// that served no loaded resource (a write, a poll).
func (t *Trace) MinimumCalls() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.demands)
	for _, c := range t.calls {
		if len(c.demands) == 0 {
			n++
		}
	}
	return n
}

func outcome(c upstream.Call) string {
	switch {
	case c.Failed || c.Status < 200 || c.Status > 299:
		return OutcomeFailed
	case c.Status == 207:
		return OutcomePartial
	}
	return OutcomeOK
}

// ms is d in milliseconds, to a hundredth.
func ms(d time.Duration) float64 {
	return float64(d.Round(10*time.Microsecond)) / float64(time.Millisecond)
}

type pathKey struct{}

// ForPaths returns ctx for loads started ahead of the fields that will need
// them (a customer resolver starts its fields' loads at once): those
// fields' paths, rather than the resolver's own, are what the loads serve.
func ForPaths(ctx context.Context, paths ...string) context.Context {
	return context.WithValue(ctx, pathKey{}, paths)
}

// Paths are the GraphQL paths a load made with ctx serves.
func Paths(ctx context.Context) []string {
	if p, ok := ctx.Value(pathKey{}).([]string); ok {
		return p
	}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		return []string{fc.Path().String()}
	}
	return nil
}
