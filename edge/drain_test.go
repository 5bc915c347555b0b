package edge

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"

	"customergraph/sandbox"
)

// TestDrainOnShutdown: what SIGTERM does (run's context ends; Serve then
// drains). /readyz turns 503 while the listener still answers, a query in
// flight is answered, and a WebSocket stream is closed with 1001.
func TestDrainOnShutdown(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{})
	up := httptest.NewServer(sb)
	t.Cleanup(up.Close)
	cfg, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.UseSandbox(up.URL)
	cfg.PollInterval = 20 * time.Millisecond
	// Long enough that /readyz is seen saying 503 with the listener open.
	delay := 500 * time.Millisecond
	cfg.ShutdownDelay = &delay
	logs := newSyncBuffer()
	a, err := New(t.Context(), cfg, zerolog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	a.Listening(ln.Addr())
	ctx, sigterm := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, ln, a.Handler(), 10*time.Second, zerolog.New(logs), "customer graph", a.Drain)
	}()
	g := &testGraph{t: t, sb: sb, url: base, logs: logs, app: a}

	// A stream: a provisioning whose status polls are held.
	vars := subscribeAsync(t, g, "11")
	statusHeld := make(chan struct{})
	defer close(statusHeld)
	sb.Inject("subscriptions.status", sandbox.Fault{Hold: statusHeld})
	ws := dialWS(t, g)
	ws.subscribe("1", provisioning, vars)

	// A query in flight: its profile call held until the drain has begun.
	profileHeld := make(chan struct{})
	sb.Inject("profiles.getCustomer", sandbox.Fault{Hold: profileHeld})
	answered := make(chan *gqlResponse, 1)
	go func() { answered <- g.query(`{ customer(id: "27831000001") { msisdn location { country } } }`, nil) }()
	waitFor(t, "the query's profile call", func() bool { return sb.Calls()["profiles.getCustomer"] == 1 })
	waitFor(t, "the stream's first status poll", func() bool { return sb.Calls()["subscriptions.status"] >= 1 })

	sigterm()
	waitFor(t, "/readyz to answer 503", func() bool {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatalf("/readyz while draining: %v (the listener must stay open)", err)
		}
		res.Body.Close()
		return res.StatusCode == http.StatusServiceUnavailable
	})
	close(profileHeld)
	if r := <-answered; r.status != 200 || len(r.Errors) > 0 || at(r.Data, "customer.location.country") == nil {
		t.Errorf("the query in flight: %d %+v %v", r.status, r.Errors, r.Data)
	}
	_, _, err = ws.conn.Read(ws.ctx)
	if status := websocket.CloseStatus(err); status != websocket.StatusGoingAway {
		t.Errorf("the WebSocket ended with %v (%v), want 1001 going away", status, err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
}
