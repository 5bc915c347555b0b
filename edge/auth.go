package edge

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"customergraph/codes"
	"customergraph/request"
)

// authenticate admits a request whose "Authorization: Bearer <key>" hashes
// to a configured client key; keys are stored as SHA-256 and compared in
// constant time. With no keys configured every request is admitted.
func authenticate(keys []clientKey) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if len(keys) == 0 {
			return next
		}
		return authenticated(keys, next)
	}
}

func authenticated(keys []clientKey, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := clientName(keys, r.Header.Get("Authorization"))
		if name == "" && r.Header.Get("Authorization") == "" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			// Browsers cannot set headers on a WebSocket: the key may come in
			// the connection_init payload instead, checked by wsInit.
			next.ServeHTTP(w, r)
			return
		}
		if name == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="customer-graph"`)
			writeError(w, codes.Unauthenticated, "send a client key as Authorization: Bearer <key>")
			return
		}
		_ = request.From(r.Context()).Authenticate(name) // no connection is counted yet: nothing refuses
		next.ServeHTTP(w, r)
	})
}

// clientName returns the name of the client whose key is in authorization
// ("Bearer <key>"), or "".
func clientName(keys []clientKey, authorization string) string {
	tok, ok := strings.CutPrefix(authorization, "Bearer ")
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	name := ""
	for _, k := range keys { // no early exit: the time taken says nothing
		if subtle.ConstantTimeCompare(sum[:], k.hash) == 1 && ok {
			name = k.name
		}
	}
	return name
}

// wsInit admits a WebSocket whose upgrade carried no key if its
// connection_init payload has one ({"Authorization": "Bearer <key>"}).
// A refusal closes with 4403 Forbidden, which graphql-ws clients treat as
// final: they stop instead of reconnecting at once, forever (a 1000 close
// means "try again"). The ack carries nothing of the client's payload.
func wsInit(keys []clientKey) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		if len(keys) == 0 {
			return ctx, nil, nil
		}
		st := request.From(ctx)
		if st.Client() != "" {
			return ctx, nil, nil
		}
		name := clientName(keys, p.Authorization())
		if name == "" {
			st.Note(func(r *request.Report) { r.Refused = true })
			ctx = transport.WithWebsocketCloseCode(ctx, closeForbidden)
			ctx = transport.AppendCloseReason(ctx, "Forbidden")
			return ctx, nil, errors.New("send a client key as Authorization: Bearer <key>, in the upgrade request or the connection_init payload")
		}
		if err := st.Authenticate(name); err != nil {
			// Over the client's share of connections. 1013, Try Again
			// Later: the client may reconnect later, not at once.
			ctx = transport.WithWebsocketCloseCode(ctx, 1013)
			ctx = transport.AppendCloseReason(ctx, "Try Again Later")
			return ctx, nil, err
		}
		return ctx, nil, nil
	}
}

// closeForbidden is graphql-transport-ws's close code for a refused
// connection_init.
const closeForbidden = 4403
