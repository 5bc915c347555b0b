package edge

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"

	"customergraph/calltrace"
	"customergraph/codes"
	"customergraph/metrics"
	"customergraph/upstream"
)

// refuse marks the request as refused authentication (a WebSocket whose
// connection_init had no valid key).
func (s *requestStats) refuse() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = true
}

func (s *requestStats) authenticated() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client != "anonymous"
}

// setClient records the authenticated client of the request.
func setClient(ctx context.Context, name string) {
	if s := statsFrom(ctx); s != nil {
		s.mu.Lock()
		s.client = name
		s.mu.Unlock()
	}
}

// requestStats gathers, for the access log and metrics, what one request did.
type requestStats struct {
	start         time.Time
	mu            sync.Mutex
	client        string
	operation     string
	codes         []string
	hasData       bool
	upstreamCalls int
	refused       bool
}

type statsKey struct{}

func statsFrom(ctx context.Context) *requestStats {
	s, _ := ctx.Value(statsKey{}).(*requestStats)
	return s
}

// onUpstreamCall counts a request's upstream operations and feeds metrics.
func onUpstreamCall(m *metrics.Metrics) func(context.Context, upstream.Call) {
	return func(ctx context.Context, c upstream.Call) {
		m.Upstream(ctx, c)
		if t := calltrace.From(ctx); t != nil {
			t.Record(ctx, c)
		}
		if s := statsFrom(ctx); s != nil {
			s.mu.Lock()
			s.upstreamCalls++
			s.mu.Unlock()
		}
	}
}

// collectResponse is a gqlgen response middleware: it sees every response,
// error-only ones included, and notes the operation and error codes.
func collectResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	s := statsFrom(ctx)
	if s == nil || resp == nil {
		return resp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc != nil {
			s.operation = oc.OperationName
			if s.operation == "" && oc.Operation != nil {
				s.operation = oc.Operation.Name
			}
		}
	}
	s.hasData = s.hasData || (len(resp.Data) > 0 && string(resp.Data) != "null")
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		s.codes = append(s.codes, code)
	}
	return resp
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController (SSE flushes, WebSocket hijacks) reach
// the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes SSE flushes through.
func (r *recorder) Flush() { _ = http.NewResponseController(r.ResponseWriter).Flush() }

// Hijack passes WebSocket upgrades through.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if r.status == 0 {
		r.status = http.StatusSwitchingProtocols
	}
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// accessLog writes one line per GraphQL request and records its metrics.
func accessLog(log zerolog.Logger, m *metrics.Metrics, next http.Handler) http.Handler {
	refusals := &throttle{every: time.Second}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w.Header().Set("X-Request-ID", transactionID(r))
		s := &requestStats{client: "anonymous", start: start}
		appName, appVersion := clientApp(r)
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), statsKey{}, s)))
		d := time.Since(start)
		s.mu.Lock()
		defer s.mu.Unlock()
		outcome := "ok"
		switch {
		case s.refused:
			outcome = "refused"
		case slices.Contains(s.codes, codes.OutcomeUnknown):
			// Money may have moved: never logged as a mere partial answer.
			outcome = "unknown"
		case len(s.codes) > 0 && s.hasData:
			outcome = "partial"
		case len(s.codes) > 0 || rec.status >= 400:
			outcome = "error"
		}
		m.Request(s.operation, outcome, d, s.codes)
		m.ClientRequest(appName, appVersion)
		if s.refused && !refusals.allow(remoteHost(r)) {
			return // a client retrying a refused key is logged once a second
		}
		log.Info().Ctx(r.Context()).Str("method", r.Method).Int("status", rec.status).Int64("requestBytes", max(r.ContentLength, 0)).Int("bytes", rec.bytes).
			Str("operation", s.operation).Str("outcome", outcome).Strs("codes", s.codes).
			Int("upstreamCalls", s.upstreamCalls).Dur("duration", d).
			Str("transactionId", rec.Header().Get("X-Request-ID")).Str("client", s.client).
			Str("clientName", appName).Str("clientVersion", appVersion).
			Msg("graphql request")
	})
}

// throttle allows one event per key per period.
type throttle struct {
	every time.Duration
	now   func() time.Time // time.Now unless a test sets it
	mu    sync.Mutex
	last  map[string]time.Time
}

func (t *throttle) allow(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if t.now != nil {
		now = t.now()
	}
	if t.last == nil || len(t.last) > 10000 {
		t.last = map[string]time.Time{}
	}
	if now.Sub(t.last[key]) < t.every {
		return false
	}
	t.last[key] = now
	return true
}
