package edge

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"customergraph/calltrace"
	"customergraph/limits"
	"customergraph/request"
)

// TraceHeader asks for the call trace, as the request extension
// {"trace": true} does.
const TraceHeader = "X-Graph-Trace"

// serverSpans makes each request to next an OpenTelemetry server span;
// without a tracer provider, next is left as it is.
//
// A caller's W3C traceparent is continued only when it is trusted: with
// GRAPH_TRUST_TRACEPARENT, or from a client key with the traceparent
// permission. Anyone else's starts a trace of the facade's own, linked to
// the caller's span: otherwise a client would choose the trace id sent to
// every API and written in the facade's logs, and its tracestate would
// reach the operator's systems verbatim. Baggage is never read.
func serverSpans(tp trace.TracerProvider, trusted func(*http.Request) bool) func(http.Handler) http.Handler {
	if tp == nil {
		return func(next http.Handler) http.Handler { return next }
	}
	return otelhttp.NewMiddleware("graphql",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		otelhttp.WithPublicEndpointFn(func(r *http.Request) bool { return !trusted(r) }),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			// otelhttp names the span again once the request is served:
			// keep the operation's name that traceOperation gave it.
			if s, ok := trace.SpanFromContext(r.Context()).(sdktrace.ReadOnlySpan); ok && s.Name() != "" {
				return s.Name()
			}
			return r.Method + " " + r.URL.Path
		}))
}

// maxSpanName bounds the client's operation name in a span name.
const maxSpanName = 100

// traceOperation names the request's server span after the operation
// ("query CustomerView", as OpenTelemetry's GraphQL conventions write it,
// with no document and no variables). A stream carries many operations in
// one request: each gets a span of its own, ended by the returned func.
func traceOperation(ctx context.Context, tracer trace.Tracer) (context.Context, func(*graphql.Response)) {
	oc := graphql.GetOperationContext(ctx)
	typ, name := string(ast.Query), oc.OperationName
	if oc.Operation != nil {
		typ = string(oc.Operation.Operation)
		if name == "" {
			name = oc.Operation.Name
		}
	}
	if len(name) > maxSpanName {
		name = name[:maxSpanName]
	}
	spanName := typ
	attrs := []attribute.KeyValue{attribute.String("graphql.operation.type", typ)}
	if name != "" {
		spanName += " " + name
		attrs = append(attrs, attribute.String("graphql.operation.name", name))
	}
	// The app that sent it, as it named itself (client awareness).
	if app := cleanClientName(oc.Headers.Get(clientNameHeader)); app != "" {
		attrs = append(attrs, attribute.String("graphql.client.name", app),
			attribute.String("graphql.client.version", cleanClientName(oc.Headers.Get(clientVersionHeader))))
	}
	var span trace.Span
	own := request.From(ctx).Stream()
	if own {
		ctx, span = tracer.Start(ctx, spanName, trace.WithAttributes(attrs...))
	} else {
		span = trace.SpanFromContext(ctx)
		span.SetName(spanName)
		span.SetAttributes(attrs...)
	}
	var once sync.Once
	return ctx, func(resp *graphql.Response) {
		if resp != nil && len(resp.Errors) > 0 {
			errCodes := make([]string, 0, len(resp.Errors))
			for _, e := range resp.Errors {
				c, _ := e.Extensions["code"].(string)
				errCodes = append(errCodes, c)
			}
			span.SetAttributes(attribute.StringSlice("graphql.error.codes", errCodes))
			if len(resp.Data) == 0 || string(resp.Data) == "null" {
				span.SetStatus(codes.Error, "the operation answered no data")
			}
		}
		if own && (resp == nil || resp.HasNext == nil || !*resp.HasNext) {
			once.Do(func() { span.End() })
		}
	}
}

// callTrace returns the call trace of the operation in ctx when its client
// asked for one and may have it: every client with the sandbox, only the
// client keys with the trace permission with real APIs (a trace shows how
// the facade calls the operator's systems). Subscriptions get none.
func (a *App) callTrace(ctx context.Context) *calltrace.Trace {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return nil
	}
	asked := oc.Extensions["trace"] == true
	if oc.Headers != nil {
		v := oc.Headers.Get(TraceHeader)
		asked = asked || v == "1" || v == "true"
	}
	if !asked || !a.mayTrace(ctx) {
		return nil
	}
	start := time.Now()
	if st := request.From(ctx); !st.Stream() {
		start = st.Arrived
	}
	return calltrace.New(start)
}

// trustsTraceContext reports whether r's traceparent may be continued.
func (a *App) trustsTraceContext(r *http.Request) bool {
	if a.cfg.TrustTraceparent {
		return true
	}
	cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	k, ok := a.auth.key(strings.TrimSpace(cred))
	return ok && k.traceparent
}

func (a *App) mayTrace(ctx context.Context) bool {
	if a.cfg.sandbox {
		return true
	}
	// A permission of client keys: a token's client is never one.
	p := request.From(ctx).Principal()
	for _, k := range a.cfg.clients {
		if !p.Token && k.name == p.Client && k.trace {
			return true
		}
	}
	return false
}

// withCallTrace adds the trace to the operation's response.
func (a *App) withCallTrace(ctx context.Context, t *calltrace.Trace, resp *graphql.Response) {
	if resp == nil {
		return
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["upstreamCalls"] = t.Calls()
	resp.Extensions["minimumCalls"] = t.MinimumCalls()
	resp.Extensions["cost"] = map[string]int{"computed": limits.Cost(graphql.GetOperationContext(ctx)), "limit": a.cfg.MaxCost}
}
