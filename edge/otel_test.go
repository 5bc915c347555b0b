package edge

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"customergraph/sandbox"
)

func attr(s tracetest.SpanStub, key string) (string, bool) {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value.Emit(), true
		}
	}
	return "", false
}

func TestOpenTelemetrySpansJoinTheUpstreamAPIs(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.TracerProvider, c.TrustTraceparent = tp, true })

	// The client's own trace: the facade, told to trust it, continues it.
	const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	resp, body := g.send(fixture(t, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer},
		"traceparent", "00-"+clientTrace+"-00f067aa0ba902b7-01")
	if resp.StatusCode != 200 || strings.Contains(string(body), `"errors"`) {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	_ = tp.ForceFlush(t.Context())
	got := spans.GetSpans()

	var server *tracetest.SpanStub
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for i, s := range got {
		byID[s.SpanContext.SpanID()] = s
		if s.SpanKind == trace.SpanKindServer {
			server = &got[i]
		}
	}
	if server == nil {
		t.Fatalf("no server span among %d", len(got))
	}
	if server.Name != "query CustomerFull" || server.SpanContext.TraceID().String() != clientTrace || server.Parent.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("server span %q in trace %s under %s; want query CustomerFull in the client's trace, under its span", server.Name, server.SpanContext.TraceID(), server.Parent.SpanID())
	}
	for key, want := range map[string]string{"graphql.operation.name": "CustomerFull", "graphql.operation.type": "query"} {
		if v, _ := attr(*server, key); v != want {
			t.Errorf("server span %s = %q, want %q", key, v, want)
		}
	}
	// underServer reports whether s descends from the server span.
	underServer := func(s tracetest.SpanStub) bool {
		for p := s.Parent.SpanID(); p.IsValid(); {
			if p == server.SpanContext.SpanID() {
				return true
			}
			parent, ok := byID[p]
			if !ok {
				return false
			}
			p = parent.Parent.SpanID()
		}
		return false
	}

	// One client span per call the sandbox answered, with its attributes,
	// and that span's traceparent is what arrived.
	var arrived []string
	for _, e := range g.sb.Log() {
		if e.API != sandbox.OAuth {
			arrived = append(arrived, e.Op+" "+e.Traceparent)
		}
	}
	var sent []string
	batches := 0
	for _, s := range got {
		if strings.HasPrefix(s.Name, "dataloader ") {
			batches++
			if n, ok := attr(s, "dataloader.batch.size"); !ok || n == "0" || !underServer(s) {
				t.Errorf("batch span %s: size %q, under the request %v", s.Name, n, underServer(s))
			}
		}
		op, ok := attr(s, "upstream.op")
		if !ok {
			continue
		}
		if s.SpanKind != trace.SpanKindClient || !underServer(s) {
			t.Errorf("%s: kind %v, under the request %v", s.Name, s.SpanKind, underServer(s))
		}
		api, _ := attr(s, "upstream.api")
		method, _ := attr(s, "http.request.method")
		status, _ := attr(s, "http.response.status_code")
		attempt, _ := attr(s, "upstream.attempt")
		if !strings.HasPrefix(op, api+".") || method != "GET" || status != "200" || attempt != "1" {
			t.Errorf("%s: api %q op %q method %q status %q attempt %q", s.Name, api, op, method, status, attempt)
		}
		sent = append(sent, op+" 00-"+s.SpanContext.TraceID().String()+"-"+s.SpanContext.SpanID().String()+"-01")
	}
	slices.Sort(arrived)
	slices.Sort(sent)
	if len(arrived) != 6 || !slices.Equal(arrived, sent) {
		t.Errorf("traceparent at the sandbox (op, header):\n  %s\nclient spans:\n  %s", strings.Join(arrived, "\n  "), strings.Join(sent, "\n  "))
	}
	if batches == 0 {
		t.Error("no dataloader batch span")
	}

	// No attribute holds the customer's id (a variable) or a credential.
	for _, s := range got {
		for _, kv := range s.Attributes {
			v := kv.Value.Emit()
			for _, secret := range []string{sandbox.HappyCustomer, sandbox.APIKey, sandbox.ClientSecret} {
				if strings.Contains(v, secret) {
					t.Errorf("span %s attribute %s = %q holds %q", s.Name, kv.Key, v, secret)
				}
			}
		}
	}

	// The trace id is on the access line and on the upstream call lines.
	var access, calls int
	for _, line := range strings.Split(g.logs.String(), "\n") {
		has := strings.Contains(line, `"traceId":"`+clientTrace+`"`)
		switch {
		case strings.Contains(line, `"message":"graphql request"`):
			access++
			if !has {
				t.Errorf("access line without the trace id: %s", line)
			}
		case strings.Contains(line, `"message":"upstream call"`):
			calls++
			if !has {
				t.Errorf("upstream call line without the trace id: %s", line)
			}
		}
	}
	if access != 1 {
		t.Errorf("%d access lines, want 1", access)
	}
}

// A GET request carries its variables in the URL: no span may record them.
func TestSpansHoldNoVariables(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.TracerProvider = tp })
	q := url.Values{"query": {`query One($id: ID!) { customer(id: $id) { plans { tariffPlan } } }`}, "variables": {`{"id":"` + sandbox.HappyCustomer + `"}`}}
	status, err := httpGet(g.url + "/graphql?" + q.Encode())
	if err != nil || status != 200 {
		t.Fatalf("GET: %d %v", status, err)
	}
	_ = tp.ForceFlush(t.Context())
	got := spans.GetSpans()
	names := []string{}
	for _, s := range got {
		names = append(names, s.Name)
		for _, kv := range s.Attributes {
			if v := kv.Value.Emit(); strings.Contains(v, sandbox.HappyCustomer) || strings.Contains(v, "variables") {
				t.Errorf("span %s attribute %s = %q", s.Name, kv.Key, v)
			}
		}
	}
	slices.Sort(names)
	want := []string{"GET /customers/{customerId}", "GET /customers/{customerId}/plans", "dataloader plans", "dataloader profile", "query One"}
	if !slices.Equal(names, want) {
		t.Errorf("spans %v, want %v", names, want)
	}
}

func TestTracingConfiguration(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		on      bool
		failure string
	}{
		{env: nil},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}},
		{env: map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "console"}},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "console"}, on: true},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, on: true},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, failure: "http/protobuf only"},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, failure: "use otlp, console or none"},
	} {
		t.Run(fmt.Sprint(tc.env), func(t *testing.T) {
			tp, err := Tracing(t.Context(), func(k string) string { return tc.env[k] }, io.Discard)
			if tp != nil {
				t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			}
			switch {
			case tc.failure != "":
				if err == nil || !strings.Contains(err.Error(), tc.failure) {
					t.Errorf("error %v, want one saying %q", err, tc.failure)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case (tp != nil) != tc.on:
				t.Errorf("tracing on: %v, want %v", tp != nil, tc.on)
			}
		})
	}
}

// TestTraceContextOnlyFromTrustedCallers: a caller's traceparent, tracestate
// and baggage reach the APIs and the logs only when the facade is told to
// trust that caller; anyone else's trace is linked, not continued.
func TestTraceContextOnlyFromTrustedCallers(t *testing.T) {
	t.Parallel()
	const (
		clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		clientSpan  = "00f067aa0ba902b7"
	)
	for _, c := range []struct {
		name    string
		tweak   func(*Config)
		key     string
		trusted bool
	}{
		{"anonymous caller, default", func(*Config) {}, "", false},
		{"client key without the permission", func(c *Config) {
			c.clients = []clientKey{{name: "web", hash: hashKey("web-k3y")}}
		}, "web-k3y", false},
		{"client key with the traceparent permission", func(c *Config) {
			c.clients = []clientKey{{name: "gateway", hash: hashKey("gw-k3y"), traceparent: true}}
		}, "gw-k3y", true},
		{"GRAPH_TRUST_TRACEPARENT", func(c *Config) { c.TrustTraceparent = true }, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			spans := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
			t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			g := newTestGraph(t, sandbox.Options{}, func(cfg *Config) { cfg.TracerProvider = tp; c.tweak(cfg) })
			headers := []string{"traceparent", "00-" + clientTrace + "-" + clientSpan + "-01", "tracestate", "evil=xyz", "baggage", "user=mallory"}
			if c.key != "" {
				headers = append(headers, "Authorization", "Bearer "+c.key)
			}
			resp, body := g.send(`{ customer(id: "27831000001") { msisdn location { country } } }`, nil, headers...)
			if resp.StatusCode != 200 || strings.Contains(string(body), `"errors"`) {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			_ = tp.ForceFlush(t.Context())
			calls := 0
			for _, e := range g.sb.Log() {
				if e.API == sandbox.OAuth {
					continue
				}
				calls++
				continued := strings.Contains(e.Traceparent, clientTrace)
				if continued != c.trusted || e.Traceparent == "" {
					t.Errorf("%s arrived with traceparent %q", e.Op, e.Traceparent)
				}
				if e.Baggage != "" || (e.Tracestate != "") != c.trusted {
					t.Errorf("%s arrived with tracestate %q, baggage %q", e.Op, e.Tracestate, e.Baggage)
				}
			}
			if calls == 0 {
				t.Fatal("no call reached the sandbox")
			}
			if strings.Contains(g.logs.String(), clientTrace) != c.trusted {
				t.Errorf("the caller's trace id in the logs: %v, want %v", !c.trusted, c.trusted)
			}
			for _, s := range spans.GetSpans() {
				if s.SpanKind != trace.SpanKindServer {
					continue
				}
				linked := len(s.Links) == 1 && s.Links[0].SpanContext.TraceID().String() == clientTrace && s.Links[0].SpanContext.SpanID().String() == clientSpan
				if continued := s.SpanContext.TraceID().String() == clientTrace; continued != c.trusted || linked == c.trusted {
					t.Errorf("server span: continued %v, linked %v (trusted %v)", continued, linked, c.trusted)
				}
			}
		})
	}
}
