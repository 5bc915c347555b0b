package edge

import (
	"context"
	"customergraph/codes"
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
	status int // 429: this client's share is used; 503: the facade's
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

// pendingSocket is a WebSocket counted as waiting to authenticate, until
// its connection_init names a client (wsInit calls authenticated).
type pendingSocket struct {
	limits *connLimits
	mu     sync.Mutex
	stop   func() // the count it holds now
}

type pendingKey struct{}

// authenticated moves the socket's count from the waiting to client's.
func (p *pendingSocket) authenticated(client string) *connRefusal {
	release, refused := p.limits.take(client)
	if refused != nil {
		return refused
	}
	p.mu.Lock()
	p.stop()
	p.stop = release
	p.mu.Unlock()
	return nil
}

func (p *pendingSocket) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stop()
}

// capConnections applies the limits to WebSocket and SSE requests; plain
// requests pass. authRequired says whether client keys are configured: then
// a WebSocket that came without one is waiting to authenticate.
func capConnections(l *connLimits, authRequired bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		var refused *connRefusal
		s := statsFrom(r.Context())
		if authRequired && (s == nil || !s.authenticated()) {
			var stop func()
			stop, refused = l.wait(remoteHost(r))
			if refused == nil {
				p := &pendingSocket{limits: l, stop: stop}
				defer p.release()
				r = r.WithContext(context.WithValue(r.Context(), pendingKey{}, p))
			}
		} else {
			var release func()
			release, refused = l.take(clientIdentity(r))
			if refused == nil {
				defer release()
			}
		}
		if refused != nil {
			code := codes.RateLimited
			if refused.status == http.StatusServiceUnavailable {
				code = codes.Overloaded
				w.Header().Set("Retry-After", strconv.Itoa(codes.RetryAfterSeconds))
			}
			writeError(w, refused.status, code, refused.msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}
