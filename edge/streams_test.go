package edge

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"customergraph/sandbox"
)

// wsClient speaks graphql-transport-ws to the facade over a real WebSocket.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialWS(t *testing.T, g *testGraph) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(g.url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, conn: conn, ctx: ctx}
	c.send(wsMessage{Type: "connection_init", Payload: json.RawMessage(`{}`)})
	if m := c.read(); m.Type != "connection_ack" {
		t.Fatalf("expected connection_ack, got %+v", m)
	}
	return c
}

func (c *wsClient) send(m wsMessage) {
	c.t.Helper()
	b, _ := json.Marshal(m)
	if err := c.conn.Write(c.ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// read returns the next message that is not a ping (pings are answered).
func (c *wsClient) read() wsMessage {
	c.t.Helper()
	for {
		_, b, err := c.conn.Read(c.ctx)
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("bad message %s", b)
		}
		if m.Type == "ping" {
			c.send(wsMessage{Type: "pong"})
			continue
		}
		return m
	}
}

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c.send(wsMessage{ID: id, Type: "subscribe", Payload: p})
}

// collect reads the events of subscription id until it completes.
func (c *wsClient) collect(id string) []gqlResponse {
	c.t.Helper()
	var out []gqlResponse
	for {
		m := c.read()
		if m.ID != id {
			continue
		}
		switch m.Type {
		case "next":
			var r gqlResponse
			_ = json.Unmarshal(m.Payload, &r)
			out = append(out, r)
		case "complete":
			return out
		case "error":
			c.t.Fatalf("subscription error: %s", m.Payload)
		}
	}
}

// statuses collects the statuses a provisioning stream pushes; an event
// with errors fails the test.
func (c *wsClient) statuses(id string) []string {
	c.t.Helper()
	var out []string
	for _, ev := range c.collect(id) {
		if len(ev.Errors) > 0 {
			c.t.Fatalf("subscription errors: %+v", ev.Errors)
		}
		out = append(out, at(ev.Data, "subscriptionProvisioning.status").(string))
	}
	return out
}

const provisioning = `subscription($id: ID!) { subscriptionProvisioning(id: $id) { id status } }`

func subscribeAsync(t *testing.T, g *testGraph, subscriptionID string) map[string]any {
	t.Helper()
	r := g.query(`mutation($s: ID!) { subscribe(input: {customerId: "27831000009", subscriptionId: $s, providerId: "202", name: "MTN Play Video"}) {
		pending { id customerId subscriptionId providerId status } } }`, map[string]any{"s": subscriptionID})
	p, ok := at(r.Data, "subscribe.pending").(map[string]any)
	if !ok || p["status"] != "PENDING" {
		t.Fatalf("subscribe: %+v %v", r.Errors, r.Data)
	}
	return map[string]any{"id": p["id"]}
}

func streamConfig(c *Config) { c.PollInterval = 20 * time.Millisecond }

func TestProvisioningOverWebSocket(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, streamConfig)
	vars := subscribeAsync(t, g, "11")
	ws := dialWS(t, g)
	ws.subscribe("1", provisioning, vars)
	if statuses := ws.statuses("1"); strings.Join(statuses, ",") != "PENDING,ACTIVE" {
		t.Errorf("statuses %v, want PENDING then ACTIVE", statuses)
	}
	if n := g.calls()["subscriptions.status"]; n != 3 {
		t.Errorf("status polled %d times, want 3 (Active on the third)", n)
	}
}

func TestUnsubscribeAllResultsOverWebSocket(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, streamConfig)
	// Provider 202 gets a second subscription, so two results must come back.
	if r := g.query(`mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "MTN Play Music"}) { subscription { id } } }`, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	r := g.query(`mutation { unsubscribeAll(input: {customerId: "27831000001", providerId: "202"}) { status requestId expectedResults } }`, nil)
	reqID, _ := at(r.Data, "unsubscribeAll.requestId").(string)
	if len(r.Errors) > 0 || reqID == "" || at(r.Data, "unsubscribeAll.expectedResults") != float64(2) {
		t.Fatalf("unsubscribeAll: %+v %v", r.Errors, r.Data)
	}
	ws := dialWS(t, g)
	ws.subscribe("7", `subscription($id: String!) { unsubscribeAllResults(requestId: $id) { subscriptionId providerId status } }`, map[string]any{"id": reqID})
	events := ws.collect("7")
	got := map[string]bool{}
	for _, ev := range events {
		if at(ev.Data, "unsubscribeAllResults.status") != "UNSUBSCRIBE_SUCCESSFUL" {
			t.Errorf("event %+v", ev)
		}
		got[at(ev.Data, "unsubscribeAllResults.subscriptionId").(string)] = true
	}
	if len(events) != 2 || !got["7"] || !got["9"] {
		t.Errorf("events %+v", events)
	}
	// An unknown request id is NOT_FOUND at once.
	ws.subscribe("8", `subscription { unsubscribeAllResults(requestId: "feedface") { status } }`, nil)
	m := ws.read()
	if m.ID != "8" || (m.Type != "next" && m.Type != "error") || !strings.Contains(string(m.Payload), `"path":["unsubscribeAllResults"]`) ||
		!strings.Contains(string(m.Payload), `"code":"NOT_FOUND"`) {
		t.Errorf("unknown request: %+v", m)
	}
}

func TestDisconnectStopsThePoller(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.PollInterval = 50 * time.Millisecond })
	vars := subscribeAsync(t, g, "12")
	http.DefaultClient.CloseIdleConnections()
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	ws := dialWS(t, g)
	ws.subscribe("1", provisioning, vars)
	if m := ws.read(); m.Type != "next" {
		t.Fatalf("first event: %+v", m)
	}
	if g.app.streams.Live() != 1 {
		t.Fatalf("live streams %d", g.app.streams.Live())
	}
	ws.conn.CloseNow()
	// The poller gives its stream slot back as it returns, after its last
	// poll: once no stream is live, no poll can follow, and goleak (above)
	// checks that its goroutine is gone.
	waitFor(t, "the poller to stop", func() bool { return g.app.streams.Live() == 0 })
}

func TestStreamLimits(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.PollInterval = time.Second; c.MaxStreamsPerClient = 1 })
	vars := subscribeAsync(t, g, "13")
	ws := dialWS(t, g)
	ws.subscribe("1", provisioning, vars)
	if m := ws.read(); m.Type != "next" {
		t.Fatalf("first: %+v", m)
	}
	ws.subscribe("2", provisioning, vars)
	for {
		m := ws.read()
		if m.ID != "2" {
			continue
		}
		if !strings.Contains(string(m.Payload), `"code":"RATE_LIMITED"`) {
			t.Errorf("second stream: %+v %s", m, m.Payload)
		}
		break
	}
}

func TestProvisioningOverSSE(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, streamConfig)
	vars := subscribeAsync(t, g, "14")
	var statuses []string
	sseStream(t, g.url, provisioning, vars, func(data string) {
		var r gqlResponse
		_ = json.Unmarshal([]byte(data), &r)
		if s, ok := at(r.Data, "subscriptionProvisioning.status").(string); ok {
			statuses = append(statuses, s)
		}
	})
	if strings.Join(statuses, ",") != "PENDING,ACTIVE" {
		t.Errorf("statuses %v", statuses)
	}
}

// callbackRecorder is the sandbox's callback client: it posts as usual and
// remembers each URL, so a test knows the per-request token the API got.
type callbackRecorder struct {
	mu   sync.Mutex
	urls []string
}

func (c *callbackRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.urls = append(c.urls, r.URL.String())
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (c *callbackRecorder) last(t *testing.T) *url.URL {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.urls) == 0 {
		t.Fatal("the sandbox posted no callback")
	}
	u, err := url.Parse(c.urls[len(c.urls)-1])
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func postCallback(t *testing.T, target, body, secretHeader string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secretHeader != "" {
		req.Header.Set("X-Callback-Secret", secretHeader)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestBadCallbacksAreRefused(t *testing.T) {
	rec := &callbackRecorder{}
	g := newTestGraph(t, sandbox.Options{CallbackClient: &http.Client{Transport: rec}}, func(c *Config) { c.CallbackSecret = "cb-s3cret" })
	r := g.query(`mutation { unsubscribeAll(input: {customerId: "27831000001", providerId: "101"}) { requestId } }`, nil)
	reqID, _ := at(r.Data, "unsubscribeAll.requestId").(string)
	if reqID == "" {
		t.Fatalf("%+v", r)
	}
	g.sb.WaitCallbacks() // the sandbox's own, valid callback has been delivered
	token := rec.last(t).Query().Get("token")
	if len(token) < 32 {
		t.Fatalf("callback URL %s has no unguessable token", rec.last(t))
	}
	good := `{"subscriptionId": 4, "subscriptionProviderId": 101, "statusCode": 2000, "status": "Unsubscribe successful", "description": "done"}`
	tok := "token=" + token
	cases := []struct {
		name, path, body string
		header           string
		want             int
	}{
		{"no secret", "/" + reqID + "?" + tok, good, "", 401},
		{"wrong secret", "/" + reqID + "?secret=nope&" + tok, good, "", 401},
		{"no token", "/" + reqID + "?secret=cb-s3cret", good, "", 401},
		{"wrong token", "/" + reqID + "?secret=cb-s3cret&token=0123456789abcdef0123456789abcdef", good, "", 401},
		{"unknown request", "/0123?secret=cb-s3cret&" + tok, good, "", 404},
		{"not JSON", "/" + reqID + "?secret=cb-s3cret&" + tok, `{"status":`, "", 400},
		{"not an Unsubscribe", "/" + reqID + "?secret=cb-s3cret&" + tok, `{"hello": "world"}`, "", 400},
		{"too large", "/" + reqID + "?secret=cb-s3cret&" + tok, `{"description": "` + strings.Repeat("x", 20000) + `"}`, "", 413},
		{"secret in a header, repeated result", "/" + reqID + "?" + tok, good, "cb-s3cret", 200},
	}
	for _, tc := range cases {
		if got := postCallback(t, g.url+"/callback/delete-all-subscriptions"+tc.path, tc.body, tc.header); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if r := g.query(`{ __typename }`, nil); at(r.Data, "__typename") != "Query" {
		t.Error("server down after bad callbacks")
	}
}

// TestForgedCallbacksChangeNothing: with the default configuration (no
// GRAPH_CALLBACK_SECRET), a post that knows the request id but not the
// token is refused, and the results the client receives are the API's.
func TestForgedCallbacksChangeNothing(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	r := g.query(`mutation { unsubscribeAll(input: {customerId: "27831000001", providerId: "101"}) { requestId expectedResults } }`, nil)
	reqID, _ := at(r.Data, "unsubscribeAll.requestId").(string)
	if reqID == "" {
		t.Fatalf("%+v", r)
	}
	forged := `{"subscriptionId": 4, "subscriptionProviderId": 101, "statusCode": 5000, "status": "Unsubscribe failed", "description": "forged"}`
	if got := postCallback(t, g.url+"/callback/delete-all-subscriptions/"+reqID, forged, ""); got != 401 {
		t.Errorf("forged post without token: %d, want 401", got)
	}
	g.sb.WaitCallbacks()
	events := sseEvents(t, g.url, `subscription { unsubscribeAllResults(requestId: "`+reqID+`") { description } }`)
	for _, e := range events {
		if strings.Contains(e, "forged") {
			t.Errorf("a forged result reached the client: %s", e)
		}
	}
	if len(events) == 0 {
		t.Error("the real results did not arrive")
	}
}

// TestCallbackResultsAreTheirOwners: another client key cannot watch the
// results of someone else's unsubscribe-all.
func TestCallbackResultsAreTheirOwners(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.clients = []clientKey{{name: "alice", hash: hashKey("alice-key")}, {name: "bob", hash: hashKey("bob-key")}}
	})
	r := g.query(`mutation { unsubscribeAll(input: {customerId: "27831000001", providerId: "101"}) { requestId } }`, nil, "Authorization", "Bearer alice-key")
	reqID, _ := at(r.Data, "unsubscribeAll.requestId").(string)
	if reqID == "" {
		t.Fatalf("%+v", r)
	}
	g.sb.WaitCallbacks()
	sub := `subscription { unsubscribeAllResults(requestId: "` + reqID + `") { status } }`
	bob := sseEvents(t, g.url, sub, "Authorization", "Bearer bob-key")
	if len(bob) != 1 || !strings.Contains(bob[0], `"NOT_FOUND"`) || strings.Contains(bob[0], "UNSUBSCRIBE") {
		t.Errorf("bob watching alice's request: %v", bob)
	}
	alice := sseEvents(t, g.url, sub, "Authorization", "Bearer alice-key")
	if len(alice) == 0 || !strings.Contains(alice[0], `"status":"UNSUBSCRIBE_SUCCESSFUL"`) {
		t.Errorf("alice watching her own request: %v", alice)
	}
}

func TestWebSocketOriginIsChecked(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.CORSOrigins = []string{"https://app.example.com"} })
	dial := func(origin string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h := http.Header{}
		h.Set("Origin", origin)
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(g.url, "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
		if err == nil {
			conn.CloseNow()
		}
		return err
	}
	if err := dial("https://app.example.com"); err != nil {
		t.Errorf("allowed origin refused: %v", err)
	}
	if err := dial("https://evil.example.com"); err == nil {
		t.Error("a foreign origin opened a WebSocket")
	}
}

// TestProvisioningErrorEndsTheStream: when the subscription disappears
// mid-provisioning, the stream's last event carries the error with its code
// and path, then the stream completes: the same shape over WebSocket and
// SSE.
func TestProvisioningErrorEndsTheStream(t *testing.T) {
	const last = `{"errors":[{"message":"not found by the subscriptions API","path":["subscriptionProvisioning"],"extensions":{"code":"NOT_FOUND","upstream":{"api":"subscriptions","httpStatus":404,"op":"subscriptions.status","transactionId":"…"}}}],"data":null}`
	gone := func(t *testing.T, g *testGraph, id string) {
		t.Helper()
		if r := g.query(`mutation($s: ID!) { unsubscribe(input: {customerId: "27831000009", subscriptionId: $s, providerId: "202"}) { result { status } } }`, map[string]any{"s": id}); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
	}
	t.Run("WebSocket", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.PollInterval = 200 * time.Millisecond })
		vars := subscribeAsync(t, g, "15")
		ws := dialWS(t, g)
		ws.subscribe("1", provisioning, vars)
		if m := ws.read(); m.Type != "next" {
			t.Fatalf("first event: %+v", m)
		}
		gone(t, g, "15")
		var types []string
		var payload string
		for len(types) == 0 || types[len(types)-1] != "complete" {
			m := ws.read()
			if m.ID != "1" {
				continue
			}
			types = append(types, m.Type)
			if m.Type == "next" {
				payload = maskTransactionID(string(m.Payload))
			}
		}
		if strings.Join(types, ",") != "next,complete" || payload != last {
			t.Errorf("messages %v, last payload %s\nwant next,complete with %s", types, payload, last)
		}
	})
	t.Run("SSE", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.PollInterval = 200 * time.Millisecond })
		vars := subscribeAsync(t, g, "16")
		var events []string
		sseStream(t, g.url, provisioning, vars, func(data string) {
			events = append(events, maskTransactionID(data))
			if len(events) == 1 {
				gone(t, g, "16")
			}
		})
		if len(events) != 2 || !strings.Contains(events[0], `"PENDING"`) || events[1] != last {
			t.Errorf("events %v\nwant a PENDING event, then %s", events, last)
		}
	})
}

// maskTransactionID replaces generated transaction ids, for pinned bodies.
func maskTransactionID(s string) string {
	return regexp.MustCompile(`"transactionId":"[^"]*"`).ReplaceAllString(s, `"transactionId":"…"`)
}

// TestWebSocketKeyInConnectionInit: browsers cannot set headers on a
// WebSocket, so a client key may come in the connection_init payload. A
// missing or wrong key closes with 4403 Forbidden, which graphql-ws clients
// treat as final (a 1000 close would make them reconnect at once, forever);
// the ack echoes nothing of the client's payload.
func TestWebSocketKeyInConnectionInit(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.clients = []clientKey{{name: "web", hash: hashKey("ws-k3y")}}
	})
	open := func(payload string) (wsMessage, websocket.StatusCode) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(g.url, "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.CloseNow()
		_ = conn.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":`+payload+`}`))
		var first wsMessage
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				return first, websocket.CloseStatus(err)
			}
			var m wsMessage
			_ = json.Unmarshal(b, &m)
			if first.Type == "" {
				first = m
			}
			if m.Type == "connection_ack" {
				return m, -1
			}
		}
	}
	m, _ := open(`{"Authorization":"Bearer ws-k3y"}`)
	if m.Type != "connection_ack" || len(m.Payload) != 0 {
		t.Errorf("with the key: %+v %s (the ack must carry no payload)", m, m.Payload)
	}
	for _, payload := range []string{`{}`, `{"Authorization":"Bearer wrong"}`, `{"Authorization":"ws-k3y"}`} {
		if m, code := open(payload); m.Type == "connection_ack" || code != 4403 {
			t.Errorf("%s: first message %+v, close code %d, want 4403", payload, m, code)
		}
	}
	if logs := g.logs.String(); !strings.Contains(logs, `"outcome":"refused"`) || strings.Contains(logs, "ws-k3y") || strings.Contains(logs, "Bearer wrong") {
		t.Errorf("refusals are not logged as refused, or a key is in the log:\n%s", logs)
	}
	// A plain HTTP request without a key is still refused before parsing.
	if resp, _ := post(t, g.url+"/graphql", `{"query":"{ __typename }"}`); resp.StatusCode != 401 {
		t.Errorf("HTTP without a key: %d", resp.StatusCode)
	}
}

func TestRefusalLogThrottle(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	th := &throttle{every: time.Second, now: func() time.Time { return now }}
	steps := []struct {
		advance time.Duration
		key     string
		want    bool
	}{
		{0, "10.0.0.1", true},
		{0, "10.0.0.1", false},
		{999 * time.Millisecond, "10.0.0.1", false},
		{0, "10.0.0.2", true},
		{time.Millisecond, "10.0.0.1", true},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got := th.allow(s.key); got != s.want {
			t.Errorf("step %d (%s): allow %v, want %v", i, s.key, got, s.want)
		}
	}
}

// TestStreamRefusalsOverWebSocket: an operation refused as it starts is one
// next with the error, then complete; only a document that fails
// validation is graphql-transport-ws's error message.
func TestStreamRefusalsOverWebSocket(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	ws := dialWS(t, g)
	ws.subscribe("1", `subscription { subscriptionProvisioning(id: "../x") { id } }`, nil)
	var types []string
	var payload string
	for len(types) == 0 || types[len(types)-1] != "complete" {
		m := ws.read()
		types = append(types, m.Type)
		if m.Type == "next" {
			payload = string(m.Payload)
		}
	}
	want := `{"errors":[{"message":"id is not a provisioning id: pass PendingProvisioning.id as subscribe returned it","path":["subscriptionProvisioning"],"locations":[{"line":1,"column":16}],"extensions":{"code":"BAD_USER_INPUT"}}],"data":null}`
	if strings.Join(types, ",") != "next,complete" || payload != want {
		t.Errorf("messages %v, payload %s\nwant next,complete with %s", types, payload, want)
	}
	ws.subscribe("2", `subscription { nope }`, nil)
	if m := ws.read(); m.ID != "2" || m.Type != "error" || !strings.Contains(string(m.Payload), `"GRAPHQL_VALIDATION_FAILED"`) {
		t.Errorf("invalid document: %s %s", m.Type, m.Payload)
	}
}
