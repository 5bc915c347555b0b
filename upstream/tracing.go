package upstream

import (
	"context"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// attemptInfo names the operation an HTTP attempt belongs to, for its span.
type attemptInfo struct {
	api, op, method, template, base string
	n                               int
}

type attemptKey struct{}

func withAttempt(ctx context.Context, a attemptInfo) context.Context {
	return context.WithValue(ctx, attemptKey{}, a)
}

// traced returns a copy of hc whose every attempt is a client span
// (otelhttp) carrying W3C traceparent to the API. otelhttp records the URL
// it sent, which holds customer ids: the inner transport replaces it with
// the spec's template and adds the operation's api, op and attempt.
func traced(hc *http.Client, tp trace.TracerProvider) *http.Client {
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = otelhttp.NewTransport(spanAttributes{base},
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if a, ok := r.Context().Value(attemptKey{}).(attemptInfo); ok {
				return a.method + " " + a.template
			}
			return r.Method + " " + r.URL.Path // the token endpoint: no ids in it
		}))
	return &c
}

type spanAttributes struct{ next http.RoundTripper }

func (t spanAttributes) RoundTrip(r *http.Request) (*http.Response, error) {
	if a, ok := r.Context().Value(attemptKey{}).(attemptInfo); ok {
		trace.SpanFromContext(r.Context()).SetAttributes(
			attribute.String("url.full", a.base+a.template), // replaces the sent URL
			attribute.String("url.template", a.template),
			attribute.String("upstream.api", a.api),
			attribute.String("upstream.op", a.op),
			attribute.Int("upstream.attempt", a.n),
			attribute.Int("http.request.resend_count", a.n-1),
		)
	}
	return t.next.RoundTrip(r)
}
