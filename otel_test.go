package main

import (
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
	g := newTestGraph(t, sandbox.Options{}, func(c *config) { c.tracerProvider = tp })

	// The client's own trace: the facade continues it.
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
