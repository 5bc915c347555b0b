package edge

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"customergraph/request"
)

// Draining, on SIGTERM (docs/operations.md#shutdown): /readyz answers 503
// at once, so load balancers stop sending; the listener stays open
// GRAPH_SHUTDOWN_DELAY for them to notice; then every open stream is told
// to go elsewhere (WebSocket close 1001 "going away", SSE and multipart
// streams end with their closing event), and requests in flight get up to
// GRAPH_SHUTDOWN_TIMEOUT to finish.

// openStreams holds a way to end each open stream.
type openStreams struct {
	mu       sync.Mutex
	next     int
	ends     map[int]func()
	draining atomic.Bool
}

// add registers end, called when the facade drains (at once if it already
// is); the returned func unregisters it.
func (s *openStreams) add(end func()) (remove func()) {
	s.mu.Lock()
	if s.draining.Load() {
		s.mu.Unlock()
		end()
		return func() {}
	}
	if s.ends == nil {
		s.ends = map[int]func(){}
	}
	id := s.next
	s.next++
	s.ends[id] = end
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.ends, id)
	}
}

// endAll ends every open stream, and every one opened from now on.
func (s *openStreams) endAll() {
	s.mu.Lock()
	s.draining.Store(true)
	ends := s.ends
	s.ends = nil
	s.mu.Unlock()
	for _, end := range ends {
		end()
	}
}

// Drain is what the facade does between SIGTERM and closing its listener:
// not ready at once, delay for load balancers, then streams told to go.
func (a *App) Drain() {
	a.draining.Store(true)
	a.log.Info().Dur("delay", a.cfg.shutdownDelay()).Msg("draining: /readyz answers 503; streams close after the delay")
	time.Sleep(a.cfg.shutdownDelay())
	a.open.endAll()
}

// endStreamsOnDrain gives each SSE or multipart stream a context the drain
// cancels: gqlgen's transports then end the operation with their closing
// event. WebSockets are closed with 1001 by goingAwayWS.
func endStreamsOnDrain(s *openStreams) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if request.From(r.Context()).Transport != request.EventStream {
				next.ServeHTTP(w, r)
				return
			}
			ctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			defer s.add(cancel)()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// goingAwayWS closes a WebSocket with 1001 when the facade drains, so a
// client reconnects (to another replica) at once instead of seeing 1006.
type goingAwayWS struct {
	transport.WebsocketImplementation
	open *openStreams
}

func (g goingAwayWS) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := g.WebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return c, err
	}
	remove := g.open.add(func() { _ = c.WriteClose(1001, "server shutting down: reconnect") })
	go func() {
		<-r.Context().Done()
		remove()
	}()
	return c, nil
}
