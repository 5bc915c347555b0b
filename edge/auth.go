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

// credentials authenticates requests: by a client key (compared as its
// SHA-256, in constant time) or, with GRAPH_JWKS_URL, by a JWT. With
// neither configured every request is anonymous and admitted.
type credentials struct {
	keys   []clientKey
	tokens *tokens // nil without GRAPH_JWKS_URL
}

// required: anonymous requests are refused (never on the ops port, whose
// credentials are nil).
func (c *credentials) required() bool { return c != nil && (len(c.keys) > 0 || c.tokens != nil) }

// errAskCredentials is the refusal of a request that sent no credentials.
var errAskCredentials = errors.New("send a client key or token as Authorization: Bearer <key or token>")

// principal is who authorization ("Bearer <key or token>") proves the
// client to be, or why it proves nothing. A token is told from a key by
// its shape (three dot-separated parts), which no key has.
func (c *credentials) principal(ctx context.Context, authorization string) (request.Principal, error) {
	cred, ok := strings.CutPrefix(authorization, "Bearer ")
	cred = strings.TrimSpace(cred)
	if !ok || cred == "" {
		return request.Principal{}, errAskCredentials
	}
	if c.tokens != nil && strings.Count(cred, ".") == 2 {
		return c.tokens.verify(ctx, cred)
	}
	if k, ok := c.key(cred); ok {
		return request.Principal{Client: k.name, Scopes: k.scopes}, nil
	}
	if c.tokens != nil {
		return request.Principal{}, errors.New("the credentials are neither a configured client key nor a JWT")
	}
	return request.Principal{}, errors.New("the client key is not a configured one")
}

// key finds the configured key cred is; no early exit: the time taken
// says nothing.
func (c *credentials) key(cred string) (clientKey, bool) {
	sum := sha256.Sum256([]byte(cred))
	var found clientKey
	ok := false
	for _, k := range c.keys {
		if subtle.ConstantTimeCompare(sum[:], k.hash) == 1 {
			found, ok = k, true
		}
	}
	return found, ok
}

// authenticate admits a request whose credentials prove a configured
// client, before its body is read and before any upstream call. With no
// keys or JWKS configured every request is admitted as anonymous.
func authenticate(c *credentials) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if !c.required() {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				// Browsers cannot set headers on a WebSocket: the
				// credentials may come in the connection_init payload
				// instead, checked by wsInit.
				next.ServeHTTP(w, r)
				return
			}
			p, err := c.principal(r.Context(), r.Header.Get("Authorization"))
			if err != nil {
				challenge := `Bearer realm="customer-graph"`
				if !errors.Is(err, errAskCredentials) {
					challenge += `, error="invalid_token"`
				}
				w.Header().Set("WWW-Authenticate", challenge)
				writeError(w, codes.Unauthenticated, err.Error())
				return
			}
			_ = request.From(r.Context()).Authenticate(p) // no connection is counted yet: nothing refuses
			next.ServeHTTP(w, r)
		})
	}
}

// wsInit admits a WebSocket whose upgrade carried no credentials if its
// connection_init payload has them ({"Authorization": "Bearer <key or
// token>"}). A refusal closes with 4403 Forbidden, which graphql-ws
// clients treat as final: they stop instead of reconnecting at once,
// forever (a 1000 close means "try again"). The ack carries nothing of the
// client's payload.
func wsInit(c *credentials) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		if !c.required() {
			return ctx, nil, nil
		}
		st := request.From(ctx)
		if st.Client() != "" {
			return ctx, nil, nil
		}
		p, err := c.principal(ctx, payload.Authorization())
		if err != nil {
			st.Note(func(r *request.Report) { r.Refused = true })
			ctx = transport.WithWebsocketCloseCode(ctx, closeForbidden)
			ctx = transport.AppendCloseReason(ctx, "Forbidden")
			if errors.Is(err, errAskCredentials) {
				err = errors.New("send a client key or token as Authorization: Bearer <key or token>, in the upgrade request or the connection_init payload")
			}
			return ctx, nil, err
		}
		if err := st.Authenticate(p); err != nil {
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
