package edge

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"customergraph/sandbox"
)

const deferredPlans = `query($id: ID!) { customer(id: $id) { msisdn location { country } ... @defer(label: "plans") { plans { tariffPlan } } } }`

// parts reads a multipart/mixed stream as Apollo Client does: a part is
// complete once the next delimiter has arrived. (mime/multipart waits for
// the two bytes after a delimiter, which a stream sends only with the
// next part.)
type parts struct {
	t     *testing.T
	body  io.Reader
	delim string
	buf   []byte
}

func (p *parts) fill() bool {
	b := make([]byte, 4096)
	n, err := p.body.Read(b)
	p.buf = append(p.buf, b[:n]...)
	return n > 0 || err == nil
}

// next is the next part's body; "" once the closing delimiter has come.
func (p *parts) next() string {
	p.t.Helper()
	for len(p.buf) < 2 {
		if !p.fill() {
			p.t.Fatalf("the stream ended without its closing delimiter")
		}
	}
	if strings.HasPrefix(string(p.buf), "--") {
		return ""
	}
	for !strings.Contains(string(p.buf), p.delim) {
		if !p.fill() {
			p.t.Fatalf("the stream ended inside a part: %q", p.buf)
		}
	}
	s := string(p.buf)
	i := strings.Index(s, p.delim)
	part := strings.TrimPrefix(s[:i], "\r\n")
	p.buf = p.buf[i+len(p.delim):]
	head, body, ok := strings.Cut(part, "\r\n\r\n")
	if !ok || !strings.HasPrefix(strings.ToLower(head), "content-type: application/json") {
		p.t.Errorf("a part without its Content-Type: %q", part)
	}
	return body
}

// multipartRequest sends a GraphQL request asking for multipart/mixed and
// returns the response with a reader of its parts.
func multipartRequest(t *testing.T, method, base, accept, query string, vars map[string]any) (*http.Response, *parts) {
	t.Helper()
	var req *http.Request
	if method == http.MethodGet {
		v, _ := json.Marshal(vars)
		req, _ = http.NewRequestWithContext(t.Context(), method, base+"/graphql?"+url.Values{"query": {query}, "variables": {string(v)}}.Encode(), nil)
	} else {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ = http.NewRequestWithContext(t.Context(), method, base+"/graphql", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%d %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	p := &parts{t: t, body: resp.Body, delim: "\r\n--" + params["boundary"]}
	for !strings.HasPrefix(string(p.buf), "--"+params["boundary"]) {
		if !p.fill() {
			t.Fatalf("no opening delimiter: %q", p.buf)
		}
	}
	p.buf = p.buf[len("--"+params["boundary"]):]
	return resp, p
}

func nextPart(t *testing.T, p *parts) string { return p.next() }

// TestDeferOverMultipart: the answer without the slow plans comes first
// (not even a null in their place),
// while the Plans API still holds its call; the plans follow in an
// incremental part; the stream ends with the closing boundary. POST and
// GET alike.
func TestDeferOverMultipart(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			hold := make(chan struct{})
			g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold}) // the fault: plans answer only when released
			resp, parts := multipartRequest(t, method, g.url, `multipart/mixed;deferSpec=20220824, application/json`, deferredPlans,
				map[string]any{"id": sandbox.HappyCustomer})
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "deferSpec=20220824") {
				t.Errorf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if got, want := nextPart(t, parts), `{"data":{"customer":{"msisdn":"27831000001","location":{"country":"ZA"}}},"hasNext":true}`; got != want {
				t.Errorf("first part\n got %s\nwant %s", got, want)
			}
			close(hold)
			if got, want := nextPart(t, parts), `{"incremental":[{"data":{"plans":{"tariffPlan":"MTN Prepaid Flexi"}},"label":"plans","path":["customer"]}],"hasNext":false}`; got != want {
				t.Errorf("second part\n got %s\nwant %s", got, want)
			}
			if got := nextPart(t, parts); got != "" {
				t.Errorf("a part after the last: %s", got)
			}
		})
	}
}

// TestDeferWithoutMultipart: a client that did not ask for multipart gets
// the whole answer, deferred fields merged in their place, never a first
// part with hasNext alone.
func TestDeferWithoutMultipart(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	for _, accept := range []string{"application/json", "application/graphql-response+json"} {
		_, b := g.send(deferredPlans, map[string]any{"id": sandbox.HappyCustomer}, "Accept", accept)
		want := `{"data":{"customer":{"msisdn":"27831000001","location":{"country":"ZA"},"plans":{"tariffPlan":"MTN Prepaid Flexi"}}}}`
		if got := strings.TrimSpace(string(b)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", accept, got, want)
		}
	}
	// The merged fields keep the query's order.
	_, b := g.send(`{ customer(id: "27831000001") { msisdn ... @defer { plans { tariffPlan } } location { country } } }`, nil)
	if got, want := strings.TrimSpace(string(b)), `{"data":{"customer":{"msisdn":"27831000001","plans":{"tariffPlan":"MTN Prepaid Flexi"},"location":{"country":"ZA"}}}}`; got != want {
		t.Errorf("in the middle:\n got %s\nwant %s", got, want)
	}
	// A deferred part that fails keeps its error, at its path.
	g.sb.Inject("plans.getPlans", sandbox.Fault{Status: 500}) // the fault
	_, b = g.send(deferredPlans, map[string]any{"id": sandbox.HappyCustomer})
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil || at(r.Data, "customer.location.country") != "ZA" || at(r.Data, "customer.plans") != nil {
		t.Fatalf("%s", b)
	}
	if e := r.errorAt("customer.plans"); e == nil || e.code() != "UPSTREAM_UNAVAILABLE" {
		t.Errorf("errors %+v", r.Errors)
	}
	if strings.Contains(string(b), "hasNext") {
		t.Errorf("hasNext in a whole answer: %s", b)
	}
}

// TestSubscriptionOverMultipart follows a provisioning by Apollo's
// multipart subscription protocol: a heartbeat, PENDING, ACTIVE, the end.
// A plain POST cannot carry a subscription and is told why.
func TestSubscriptionOverMultipart(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, streamConfig)
	vars := subscribeAsync(t, g, "31")
	resp, parts := multipartRequest(t, http.MethodPost, g.url, `multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json`,
		`subscription($id: ID!) { subscriptionProvisioning(id: $id) { subscriptionId status } }`, vars)
	if !strings.Contains(resp.Header.Get("Content-Type"), `subscriptionSpec="1.0"`) {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	if p := nextPart(t, parts); p != "{}" {
		t.Errorf("the stream does not open with a heartbeat: %s", p)
	}
	var got []string
	for p := nextPart(t, parts); p != ""; p = nextPart(t, parts) {
		if p != "{}" { // heartbeats
			got = append(got, p)
		}
	}
	want := []string{
		`{"payload":{"data":{"subscriptionProvisioning":{"subscriptionId":"31","status":"PENDING"}}}}`,
		`{"payload":{"data":{"subscriptionProvisioning":{"subscriptionId":"31","status":"ACTIVE"}}}}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events\n got %s\nwant %s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	status, body := g.raw(`subscription { subscriptionProvisioning(id: "x") { status } }`)
	if want := `{"errors":[{"message":"a subscription is a stream and this request asks for one answer: use WebSocket (graphql-transport-ws), Server-Sent Events (Accept: text/event-stream) or multipart (Accept: multipart/mixed;subscriptionSpec=\"1.0\")","extensions":{"code":"STREAM_REQUIRED"}}]}`; status != 200 || body != want {
		t.Errorf("plain POST: %d %s", status, body)
	}
}

// TestStreamIsAClearValidationError: @stream is not served; a document
// using it is told so before anything runs.
func TestStreamIsAClearValidationError(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	status, body := g.raw(`{ customers(ids: ["27831000001"]) @stream(initialCount: 1) { msisdn } }`)
	if want := `{"errors":[{"message":"Unknown directive \"@stream\".","locations":[{"line":1,"column":36}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`; status != 200 || body != want {
		t.Errorf("got %d %s", status, body)
	}
	if n := len(g.sb.Log()); n != 0 {
		t.Errorf("%d upstream calls", n)
	}
}

// TestDeferredFieldsArePending: in a first part, a deferred field is
// absent, not null, wherever it sits: in list items, and under an
// interface whose __typename is selected (as Apollo Client always does).
func TestDeferredFieldsArePending(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, query, first string }{
		{"in each item of a list", `{ customers(ids: ["27831000001", "27832000000"]) { msisdn ... @defer { plans { tariffPlan } } } }`,
			`{"data":{"customers":[{"msisdn":"27831000001"},{"msisdn":"27832000000"}]},"hasNext":true}`},
		{"under the Node interface", `{ node(id: "Q3VzdG9tZXI6Mjc4MzEwMDAwMDE") { __typename ... on Customer { msisdn ... @defer { plans { tariffPlan } } } } }`,
			`{"data":{"node":{"__typename":"Customer","msisdn":"27831000001"}},"hasNext":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			hold := make(chan struct{})
			g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold}) // the fault: plans answer only when released
			_, parts := multipartRequest(t, http.MethodPost, g.url, "multipart/mixed;deferSpec=20220824, application/json", tc.query, nil)
			if got := nextPart(t, parts); got != tc.first {
				t.Errorf("first part\n got %s\nwant %s", got, tc.first)
			}
			close(hold)
			for p := nextPart(t, parts); p != ""; p = nextPart(t, parts) {
				if !strings.Contains(p, `"tariffPlan"`) {
					t.Errorf("a later part without the plans: %s", p)
				}
			}
		})
	}
}

// TestDeferOverStreams: SSE and WebSocket carry a deferred part as one
// more event after the first (where the plans are pending, not null), the
// plans arriving only once released.
func TestDeferOverStreams(t *testing.T) {
	t.Parallel()
	vars := map[string]any{"id": sandbox.HappyCustomer}
	check := func(t *testing.T, events []string) {
		t.Helper()
		if len(events) != 2 || !strings.Contains(events[0], `"hasNext":true`) || strings.Contains(events[0], "plans") ||
			!strings.Contains(events[1], `"tariffPlan":"MTN Prepaid Flexi"`) {
			t.Errorf("events: %q", events)
		}
	}
	t.Run("SSE", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, nil)
		hold := make(chan struct{})
		g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold}) // the fault: plans answer only when released
		var events []string
		sseStream(t, g.url, deferredPlans, vars, func(data string) {
			events = append(events, data)
			if len(events) == 1 {
				close(hold)
			}
		})
		check(t, events)
	})
	t.Run("WebSocket", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, nil)
		hold := make(chan struct{})
		g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold}) // the fault: plans answer only when released
		ws := dialWS(t, g)
		ws.subscribe("1", deferredPlans, vars)
		var events []string
		for {
			m := ws.read()
			if m.Type != "next" {
				break
			}
			events = append(events, string(m.Payload))
			if len(events) == 1 {
				close(hold)
			}
		}
		check(t, events)
	})
}
