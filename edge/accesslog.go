package edge

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"customergraph/calltrace"
	"customergraph/codes"
	"customergraph/metrics"
	"customergraph/request"
	"customergraph/upstream"
)

// accessLog writes one line per GraphQL request and records its metrics,
// from the request's state (what the GraphQL layer noted in its report)
// and what zerolog's hlog measured of the response (status, bytes,
// duration). hlog's response-writer wrapper is the only one the edge
// adds: it keeps http.ResponseController working beneath it (SSE flushes,
// WebSocket hijacks).
func accessLog(log zerolog.Logger, m *metrics.Metrics) func(http.Handler) http.Handler {
	refusals := &throttle{every: time.Second}
	return hlog.AccessHandler(func(r *http.Request, status, size int, d time.Duration) {
		st := request.From(r.Context())
		rep := st.Report()
		outcome := "ok"
		switch {
		case rep.Refused:
			outcome = "refused"
		case slices.Contains(rep.Codes, codes.OutcomeUnknown):
			// Money may have moved: never logged as a mere partial answer.
			outcome = "unknown"
		case len(rep.Codes) > 0 && rep.HasData:
			outcome = "partial"
		case len(rep.Codes) > 0 || status >= 400:
			outcome = "error"
		}
		m.Request(rep.Operation, outcome, d, rep.Codes)
		m.ClientRequest(st.AppName, st.AppVersion)
		if rep.Refused && !refusals.allow(st.RemoteIP) {
			return // a client retrying a refused key is logged once a second
		}
		client := st.Client()
		if client == "" {
			client = "anonymous"
		}
		log.Info().Ctx(r.Context()).Str("method", r.Method).Int("status", status).Int64("requestBytes", max(r.ContentLength, 0)).Int("bytes", size).
			Str("operation", rep.Operation).Str("outcome", outcome).Strs("codes", rep.Codes).
			Int("upstreamCalls", rep.UpstreamCalls).Dur("duration", d).
			Str("transactionId", st.TransactionID).Str("client", client).
			Str("clientName", st.AppName).Str("clientVersion", st.AppVersion).
			Msg("graphql request")
	})
}

// onUpstreamCall counts a request's upstream operations and feeds metrics.
func onUpstreamCall(m *metrics.Metrics) func(context.Context, upstream.Call) {
	return func(ctx context.Context, c upstream.Call) {
		m.Upstream(ctx, c)
		if t := calltrace.From(ctx); t != nil {
			t.Record(ctx, c)
		}
		request.From(ctx).Note(func(r *request.Report) { r.UpstreamCalls++ })
	}
}

// noteResponse is a gqlgen response middleware: it sees every response,
// error-only ones included, and notes the operation and error codes in
// the request's report.
func noteResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return resp
	}
	operation := ""
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc != nil {
			operation = oc.OperationName
			if operation == "" && oc.Operation != nil {
				operation = oc.Operation.Name
			}
		}
	}
	request.From(ctx).Note(func(r *request.Report) {
		if operation != "" {
			r.Operation = operation
		}
		r.HasData = r.HasData || (len(resp.Data) > 0 && string(resp.Data) != "null")
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			r.Codes = append(r.Codes, code)
		}
	})
	return resp
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
