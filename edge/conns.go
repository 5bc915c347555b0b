package edge

import (
	"customergraph/codes"
	"customergraph/request"
	"errors"
	"net/http"
	"strconv"
	"sync"
)

// connLimits bounds the long-lived connections (WebSockets, and SSE
// responses): in all, per client (its key's name, or its IP when
// anonymous), and apart from them the WebSockets still waiting to
// authenticate in their connection_init (per IP, and in all), so that
// sockets that never say who they are cannot crowd out those that do.
// Each open connection holds a goroutine or two and tens of KiB of buffers:
// uncapped, one client opening thousands exhausts the process's memory.
type connLimits struct {
	total, perClient, pending int

	mu       sync.Mutex
	open     int
	byClient map[string]int
	waiting  int
	byIP     map[string]int
}

func newConnLimits(total, perClient, pending int) *connLimits {
	return &connLimits{total: total, perClient: perClient, pending: pending, byClient: map[string]int{}, byIP: map[string]int{}}
}

// connRefusal says why a connection was refused.
type connRefusal struct {
	status int // 429 (RATE_LIMITED): this client's share is used; 503 (OVERLOADED): the facade's
	msg    string
}

// take counts a connection of client, or refuses it.
func (l *connLimits) take(client string) (release func(), refused *connRefusal) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byClient[client] >= l.perClient {
		return nil, &connRefusal{http.StatusTooManyRequests, "this client already has " + strconv.Itoa(l.perClient) + " open WebSocket or SSE connections (GRAPH_MAX_CONNECTIONS_PER_CLIENT): close one first"}
	}
	if l.open >= l.total {
		return nil, &connRefusal{http.StatusServiceUnavailable, "the facade holds its maximum of " + strconv.Itoa(l.total) + " WebSocket and SSE connections (GRAPH_MAX_CONNECTIONS); retry later"}
	}
	l.open++
	l.byClient[client]++
	return sync.OnceFunc(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.open--
		if l.byClient[client]--; l.byClient[client] <= 0 {
			delete(l.byClient, client)
		}
	}), nil
}

// wait counts a WebSocket from ip that has not authenticated yet.
func (l *connLimits) wait(ip string) (release func(), refused *connRefusal) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byIP[ip] >= l.perClient {
		return nil, &connRefusal{http.StatusTooManyRequests, "this address already has " + strconv.Itoa(l.perClient) + " WebSockets waiting to authenticate: send connection_init with a client key"}
	}
	if l.waiting >= l.pending {
		return nil, &connRefusal{http.StatusServiceUnavailable, "too many WebSockets are waiting to authenticate (GRAPH_MAX_PENDING_CONNECTIONS); retry later"}
	}
	l.waiting++
	l.byIP[ip]++
	return sync.OnceFunc(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.waiting--
		if l.byIP[ip]--; l.byIP[ip] <= 0 {
			delete(l.byIP, ip)
		}
	}), nil
}

// capConnections applies the limits to WebSocket and SSE requests; plain
// requests pass. authRequired says whether client keys are configured: then
// a WebSocket that came without one is waiting to authenticate, and its
// connection_init moves its count to its client's (or is refused).
func capConnections(l *connLimits, authRequired bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return capped(l, authRequired, next) }
}

func capped(l *connLimits, authRequired bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !request.From(r.Context()).Stream() {
			next.ServeHTTP(w, r)
			return
		}
		st := request.From(r.Context())
		var release func()
		var refused *connRefusal
		if authRequired && st.Client() == "" {
			release, refused = l.wait(st.RemoteIP)
			if refused == nil {
				var mu sync.Mutex
				st.OnAuthenticate(func(identity string) error {
					taken, refused := l.take(identity)
					if refused != nil {
						return errors.New(refused.msg)
					}
					mu.Lock()
					defer mu.Unlock()
					release()
					release = taken
					return nil
				})
				defer func() {
					mu.Lock()
					defer mu.Unlock()
					release()
				}()
			}
		} else {
			release, refused = l.take(st.Identity())
			if refused == nil {
				defer release()
			}
		}
		if refused != nil {
			code := codes.RateLimited
			if refused.status == http.StatusServiceUnavailable {
				code = codes.Overloaded
			}
			writeError(w, code, refused.msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}
