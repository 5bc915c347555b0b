package edge

import (
	"net"
	"net/http"
	"strings"
	"time"

	"customergraph/request"
	"customergraph/upstream"
)

// withState makes the request's one request.State, which every layer
// below reads: its transaction id (the client's transactionId or
// X-Request-ID when valid, else a fresh one, echoed as X-Request-ID), the
// end user's X-Authorization for upstream, how it is answered, and who
// sent it. It also sets what every GraphQL answer carries.
func withState(cacheControl string, anonymousScopes []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			appName, appVersion := clientApp(r)
			st := &request.State{
				Arrived:         time.Now(),
				TransactionID:   transactionID(r),
				Authorization:   r.Header.Get("X-Authorization"),
				Transport:       transportOf(r),
				RemoteIP:        remoteHost(r),
				AppName:         appName,
				AppVersion:      appVersion,
				AnonymousScopes: anonymousScopes,
			}
			w.Header().Set("X-Request-ID", st.TransactionID)
			// Answers hold personal data: no shared cache keeps them unless
			// the operator says otherwise (GRAPH_CACHE_CONTROL).
			w.Header().Set("Cache-Control", cacheControl)
			if st.Stream() {
				// A stream outlives the server's read and write timeouts
				// (30 and 90 s); each of its operations is bounded instead
				// (operation.go).
				rc := http.NewResponseController(w)
				_ = rc.SetReadDeadline(time.Time{})
				_ = rc.SetWriteDeadline(time.Time{})
			}
			next.ServeHTTP(w, r.WithContext(request.With(r.Context(), st)))
		})
	}
}

// transportOf: a WebSocket, or an answer that stays open (SSE, or
// multipart, which may carry a subscription or @defer's parts), or one
// plain answer.
func transportOf(r *http.Request) request.Transport {
	accept := r.Header.Get("Accept")
	switch {
	case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
		return request.WebSocket
	case strings.Contains(accept, "text/event-stream"), strings.Contains(accept, "multipart/mixed"):
		return request.EventStream
	}
	return request.Plain
}

// transactionID picks the request's transaction id.
func transactionID(r *http.Request) string {
	for _, h := range []string{"transactionId", "X-Request-ID"} {
		if v := r.Header.Get(h); upstream.ValidTransactionID(v) {
			return v
		}
	}
	return upstream.NewTransactionID()
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
