// Package sandbox is an in-memory, spec-faithful imitation of the four
// customer REST APIs (Profiles v1, Plans v2, Subscription Management v2,
// Accountholders v1) plus an OAuth2 token endpoint. It gives `go run .` a
// working upstream and gives tests an upstream whose failures are
// deterministic: each scenario customer (see scenarios.go) misbehaves in one
// documented way.
package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Default credentials accepted by the sandbox. They are documented in the
// sandbox page (docs/sandbox.md); they protect nothing.
const (
	APIKey       = "sandbox-key"
	ClientID     = "sandbox-client"
	ClientSecret = "sandbox-secret"
)

// The API names used for counters, latency settings and URL roots.
const (
	Profiles       = "profiles"
	Plans          = "plans"
	Subscriptions  = "subscriptions"
	Accountholders = "accountholders"
	OAuth          = "oauth"
)

// Roots maps each API to the path it is served under.
var Roots = map[string]string{
	Profiles:       "/profiles/v1",
	Plans:          "/plans/v2",
	Subscriptions:  "/subscriptions/v2",
	Accountholders: "/accountholders/v1",
}

// Options tune a sandbox. The zero value is usable.
type Options struct {
	// TokenTTL is the lifetime of issued OAuth2 tokens (default 1h).
	TokenTTL time.Duration
	// SlowDelay is how long the slow scenarios stall (default 3s).
	SlowDelay time.Duration
	// HugeBodyBytes is the size of the huge-body scenario (default 30 MB).
	HugeBodyBytes int
	// CallbackClient posts unsubscribe-all results (default: a client with a 5s timeout).
	CallbackClient *http.Client
}

// Server holds the sandbox's state. All methods are safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu        sync.Mutex
	customers map[string]*customer
	calls     map[string]int
	log       []LogEntry
	latency   map[string]time.Duration
	tokens    map[string]time.Time
	polls     map[string]int // provisioning status polls per status id
	hits      map[string]int // per-scenario call counts (e.g. 429-once)
	inFlight  map[string]int // requests being answered, per API
	maxFlight map[string]int // the most ever in flight, per API
	nextSubID int
	faults    map[string]*Fault // per operation, declared by tests

	callbacks sync.WaitGroup
}

// LogEntry is one request the sandbox answered.
type LogEntry struct {
	API           string `json:"api"`
	Op            string `json:"op"`
	Method        string `json:"method"`
	Path          string `json:"path"`
	Query         string `json:"query,omitempty"`
	Status        int    `json:"status"`
	TransactionID string `json:"transactionId,omitempty"`
	// Traceparent is the W3C trace context the request carried, if any.
	Traceparent string `json:"traceparent,omitempty"`
	// Tracestate and Baggage are the vendor trace state and baggage it carried.
	Tracestate string `json:"tracestate,omitempty"`
	Baggage    string `json:"baggage,omitempty"`
}

// New returns a sandbox with fresh state.
func New(opts Options) *Server {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = 3 * time.Second
	}
	if opts.HugeBodyBytes <= 0 {
		opts.HugeBodyBytes = 30 << 20
	}
	if opts.CallbackClient == nil {
		opts.CallbackClient = &http.Client{Timeout: 5 * time.Second}
	}
	s := &Server{opts: opts, latency: map[string]time.Duration{}}
	s.resetState()
	s.mux = s.routes()
	return s
}

// ServeHTTP makes the sandbox an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) resetState() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customers = map[string]*customer{}
	s.calls = map[string]int{}
	s.log = nil
	s.tokens = map[string]time.Time{}
	s.polls = map[string]int{}
	s.hits = map[string]int{}
	s.inFlight = map[string]int{}
	s.maxFlight = map[string]int{}
	s.nextSubID = 100
	s.faults = map[string]*Fault{}
}

// Reset forgets every write, counter, log entry, token and fault. Latency settings stay.
func (s *Server) Reset() { s.resetState() }

// Calls returns the number of received requests per operation name
// (e.g. "plans.getPlans"); "total" sums the four APIs (token calls excluded).
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls)+1)
	total := 0
	for k, v := range s.calls {
		out[k] = v
		if k != "oauth.token" {
			total += v
		}
	}
	out["total"] = total
	return out
}

// Log returns a copy of the request log.
func (s *Server) Log() []LogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogEntry(nil), s.log...)
}

// SetLatency adds a fixed delay to every call of one API ("" or "all" for all four).
func (s *Server) SetLatency(api string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if api == "" || api == "all" {
		for a := range Roots {
			s.latency[a] = d
		}
		return
	}
	s.latency[api] = d
}

// RevokeTokens invalidates every issued OAuth2 token, as an authorization
// server restart would.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// WaitCallbacks blocks until every pending unsubscribe-all callback was posted.
func (s *Server) WaitCallbacks() { s.callbacks.Wait() }

// count notes a request on arrival, so a caller that gave up is counted too.
func (s *Server) count(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
}

// enter and leave track concurrent requests per API.
func (s *Server) enter(api string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[api]++
	s.maxFlight[api] = max(s.maxFlight[api], s.inFlight[api])
}

func (s *Server) leave(api string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[api]--
}

// MaxInFlight is the most requests of one API answered at once since the
// last reset: it shows whether a client sends calls in parallel.
func (s *Server) MaxInFlight(api string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxFlight[api]
}

// record logs an answered request.
func (s *Server) record(e LogEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) < 10000 {
		s.log = append(s.log, e)
	}
}

// hit counts how often a scenario was reached since the last reset.
func (s *Server) hit(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[key]++
	return s.hits[key]
}

func (s *Server) delay(ctx context.Context, api string) {
	s.mu.Lock()
	d := s.latency[api]
	s.mu.Unlock()
	sleep(ctx, d)
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
