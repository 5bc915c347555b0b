package edge

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"

	"customergraph/sandbox"
)

// TestOversizeDocumentsOnEveryTransport: a document over
// GRAPH_MAX_BODY_BYTES is refused with the JSON error body whether it comes
// by POST, by GET or over a WebSocket, before it is parsed or cached.
func TestOversizeDocumentsOnEveryTransport(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.MaxBodyBytes = 4096 })
	padded := `{ __typename }` + "#" + strings.Repeat("x", 5000)

	resp, err := http.Get(g.url + "/graphql?query=" + url.QueryEscape(padded))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `{"errors":[{"message":"the query string exceeds the limit of 4096 bytes (GRAPH_MAX_BODY_BYTES); send a long document by POST","extensions":{"code":"REQUEST_TOO_LARGE"}}]}`
	if resp.StatusCode != 414 || resp.Header.Get("Content-Type") != "application/json" || strings.TrimSpace(string(b)) != want {
		t.Errorf("GET: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}

	status, body := postJSON(t, g, map[string]any{"query": padded})
	if want := `{"errors":[{"message":"the request body exceeds the limit of 4096 bytes","extensions":{"code":"REQUEST_TOO_LARGE"}}]}`; status != 413 || body != want {
		t.Errorf("POST: %d %s", status, body)
	}

	ws := dialWS(t, g)
	ws.send(wsMessage{ID: "1", Type: "subscribe", Payload: mustJSON(map[string]any{"query": padded})})
	_, _, err = ws.conn.Read(ws.ctx)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("WebSocket: %v, want close 1009", err)
	}
	if entries, _ := g.app.docs.Size(); entries != 0 {
		t.Errorf("%d documents cached", entries)
	}
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// TestHugeRequestLineIsAJSONError: past net/http's own header limit the
// answer is still the JSON error, not net/http's plain text.
func TestHugeRequestLineIsAJSONError(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, g.app.Handler(), time.Second, zerolog.Nop(), "customer graph") }()
	t.Cleanup(func() { stop(); <-served })
	base := "http://" + ln.Addr().String()
	// Exactly as many bytes as net/http reads of a request's head (the
	// limit and 4 KiB), then end of stream: it reads them all, so nothing
	// is left unread to turn its close into a reset that could swallow the
	// answer. (A client sending more races that reset; net/http calls it
	// undefined behaviour.)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "GET /graphql?query="
	if _, err := conn.Write([]byte(head + strings.Repeat("x", maxHeaderBytes+4096-len(head)))); err != nil {
		t.Fatal(err)
	}
	_ = conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `{"errors":[{"extensions":{"code":"REQUEST_TOO_LARGE"},"message":"the request line and headers exceed the server's limit; send a long document by POST, within GRAPH_MAX_BODY_BYTES"}]}`
	if resp.StatusCode != 431 || resp.Header.Get("Content-Type") != "application/json" || string(b) != want {
		t.Errorf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	if status, err := httpGet(base + "/healthz"); err != nil || status != 200 {
		t.Errorf("healthz after: %d %v", status, err)
	}
}

// dialRaw opens a graphql-transport-ws socket without initialising it; it
// returns the HTTP status of a refused upgrade and its body.
func dialRaw(t *testing.T, g *testGraph, header http.Header) (*websocket.Conn, int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(g.url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		if resp == nil {
			t.Fatalf("dial: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		return nil, resp.StatusCode, strings.TrimSpace(string(b))
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn, 101, ""
}

func initWS(t *testing.T, conn *websocket.Conn, payload string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":`+payload+`}`)); err != nil {
		return "", err
	}
	_, b, err := conn.Read(ctx)
	return string(b), err
}

// TestConnectionCaps: open WebSockets are capped per client (its IP when
// anonymous), and sockets that have not authenticated are counted apart,
// so that they cannot hold the slots of clients that do.
func TestConnectionCaps(t *testing.T) {
	t.Parallel()
	t.Run("anonymous: per IP", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.MaxConnectionsPerClient = 2 })
		for range 2 {
			conn, status, _ := dialRaw(t, g, nil)
			if status != 101 {
				t.Fatalf("upgrade refused: %d", status)
			}
			if m, err := initWS(t, conn, `{}`); err != nil || !strings.Contains(m, "connection_ack") {
				t.Fatalf("init: %s %v", m, err)
			}
		}
		_, status, body := dialRaw(t, g, nil)
		want := `{"errors":[{"message":"this client already has 2 open WebSocket or SSE connections (GRAPH_MAX_CONNECTIONS_PER_CLIENT): close one first","extensions":{"code":"RATE_LIMITED"}}]}`
		if status != 429 || body != want {
			t.Errorf("third socket: %d %s", status, body)
		}
	})
	t.Run("with client keys: before and after authentication", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
			c.clients = []clientKey{{name: "web", hash: hashKey("web-k3y")}}
			c.MaxConnectionsPerClient, c.MaxPendingConnections = 3, 2
		})
		var waiting []*websocket.Conn
		for range 2 {
			conn, status, _ := dialRaw(t, g, nil)
			if status != 101 {
				t.Fatalf("upgrade refused: %d", status)
			}
			waiting = append(waiting, conn)
		}
		_, status, body := dialRaw(t, g, nil)
		want := `{"errors":[{"message":"too many WebSockets are waiting to authenticate (GRAPH_MAX_PENDING_CONNECTIONS); retry later","extensions":{"code":"OVERLOADED","retryAfter":1}}]}`
		if status != 503 || body != want {
			t.Errorf("a third unauthenticated socket: %d %s", status, body)
		}
		// A key in the upgrade request is not waiting: it is let in.
		auth := http.Header{"Authorization": {"Bearer web-k3y"}}
		if _, status, body := dialRaw(t, g, auth); status != 101 {
			t.Errorf("a socket with a key: %d %s", status, body)
		}
		// One waiting socket authenticates: its wait slot is free again.
		if m, err := initWS(t, waiting[0], `{"Authorization":"Bearer web-k3y"}`); err != nil || !strings.Contains(m, "connection_ack") {
			t.Fatalf("init: %s %v", m, err)
		}
		if _, status, body := dialRaw(t, g, nil); status != 101 {
			t.Errorf("after one authenticated: %d %s", status, body)
		}
		// The client "web" now holds two of its three: the third that
		// authenticates is one too many, closed with 1013.
		if _, status, _ := dialRaw(t, g, auth); status != 101 {
			t.Fatalf("the third socket of web: %d", status)
		}
		_, err := initWS(t, waiting[1], `{"Authorization":"Bearer web-k3y"}`)
		if websocket.CloseStatus(err) != 1013 {
			t.Errorf("a fourth socket of web authenticating: %v, want close 1013", err)
		}
	})
}

// TestWebSocketProtocolClosures: graphql-transport-ws's own close codes and
// message order.
func TestWebSocketProtocolClosures(t *testing.T) {
	t.Parallel()
	t.Run("no connection_init in time: 4408", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.wsInitTimeout = 50 * time.Millisecond })
		conn, _, _ := dialRaw(t, g, nil)
		_, _, err := conn.Read(t.Context())
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4408 || ce.Reason != "Connection initialisation timeout" {
			t.Errorf("%v, want close 4408", err)
		}
	})
	t.Run("a subscribe whose id is running: 4409", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, streamConfig)
		vars := subscribeAsync(t, g, "12")
		hold := make(chan struct{})
		t.Cleanup(func() { close(hold) })
		g.sb.Inject("subscriptions.status", sandbox.Fault{Hold: hold})
		ws := dialWS(t, g)
		ws.subscribe("1", provisioning, vars)
		waitFor(t, "the stream to poll", func() bool { return g.calls()["subscriptions.status"] >= 1 })
		ws.subscribe("1", provisioning, vars)
		var err error
		for err == nil {
			_, _, err = ws.conn.Read(ws.ctx)
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4409 || ce.Reason != "Subscriber for 1 already exists" {
			t.Errorf("%v, want close 4409", err)
		}
	})
	t.Run("error is the operation's last message", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, nil)
		ws := dialWS(t, g)
		ws.subscribe("1", `{ nope }`, nil)
		ws.subscribe("2", `{ __typename }`, nil)
		var got []string
		for len(got) == 0 || got[len(got)-1] != "complete 2" {
			m := ws.read()
			got = append(got, m.Type+" "+m.ID)
		}
		if strings.Join(got, ", ") != "error 1, next 2, complete 2" {
			t.Errorf("messages: %s", strings.Join(got, ", "))
		}
	})
}
