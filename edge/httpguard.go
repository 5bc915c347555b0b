package edge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"customergraph/codes"
	"customergraph/resolvers"
)

// writeError answers a request that never reaches GraphQL execution with a
// GraphQL-shaped error, so clients parse every failure the same way.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeErrorWith(w, status, msg, map[string]any{"code": code})
}

// writeErrorWith is writeError with more extensions than the code.
func writeErrorWith(w http.ResponseWriter, status int, msg string, extensions map[string]any) {
	type gqlError struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{msg, extensions}}})
}

// guardBody bounds and checks a POST body before gqlgen sees it: too large is
// 413, a media type other than JSON is 415, malformed JSON is 400.
func guardBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			// A GET carries its document in the URL: the same bound as a
			// POST body, answered before anything parses it.
			if int64(len(r.URL.RawQuery)) > max {
				writeError(w, http.StatusRequestURITooLong, codes.RequestTooLarge, "the query string exceeds the limit of "+itoa(max)+" bytes (GRAPH_MAX_BODY_BYTES); send a long document by POST")
				return
			}
			if msg := checkQueryString(r.URL.RawQuery); msg != "" {
				writeError(w, http.StatusBadRequest, codes.BadRequest, msg)
				return
			}
		}
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, codes.UnsupportedMediaType, "POST a JSON body with Content-Type: application/json")
			return
		}
		if r.ContentLength > max {
			writeError(w, http.StatusRequestEntityTooLarge, codes.RequestTooLarge, "the request body exceeds the limit of "+itoa(max)+" bytes")
			return
		}
		buf := bodyBuffers.Get().(*bytes.Buffer)
		defer putBodyBuffer(buf)
		if _, err := buf.ReadFrom(io.LimitReader(r.Body, max+1)); err != nil {
			writeError(w, http.StatusBadRequest, codes.BadRequest, "the request body could not be read")
			return
		}
		body := buf.Bytes()
		if int64(len(body)) > max {
			writeError(w, http.StatusRequestEntityTooLarge, codes.RequestTooLarge, "the request body exceeds the limit of "+itoa(max)+" bytes")
			return
		}
		if msg := checkEnvelope(body); msg != "" {
			writeError(w, http.StatusBadRequest, codes.BadRequest, msg)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// bodyBuffers hold request bodies while they are checked and executed:
// gqlgen decodes its own copies of every value, so a buffer is free again
// once the request is answered.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<10 { // a rare big body is not kept
		return
	}
	b.Reset()
	bodyBuffers.Put(b)
}

// checkEnvelope checks, in one parse, that a POST body is one JSON object
// whose GraphQL-over-HTTP members have the right types, so that gqlgen
// never fails to decode it: its decode error quotes the whole body (a
// voucher code with it) into the log and the answer.
func checkEnvelope(body []byte) string {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return "the request body is not valid JSON (at byte " + itoa(se.Offset) + ")"
		}
		if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
			return "the body must be one JSON object {\"query\": …}; batches of operations are not supported"
		}
		return "the body must be one JSON object {\"query\": …}"
	}
	if env == nil { // the body was null
		return "the body must be one JSON object {\"query\": …}; batches of operations are not supported"
	}
	kinds := []struct {
		name, want string
		ok         func(byte) bool
	}{
		{"query", "a string", func(c byte) bool { return c == '"' }},
		{"operationName", "a string or null", func(c byte) bool { return c == '"' || c == 'n' }},
		{"variables", "an object or null", func(c byte) bool { return c == '{' || c == 'n' }},
		{"extensions", "an object or null", func(c byte) bool { return c == '{' || c == 'n' }},
	}
	if q, ok := env["query"]; !ok || string(bytes.TrimSpace(q)) == `""` || string(bytes.TrimSpace(q)) == "null" {
		var ext struct {
			PersistedQuery json.RawMessage `json:"persistedQuery"`
		}
		if raw, ok := env["extensions"]; !ok || json.Unmarshal(raw, &ext) != nil || len(ext.PersistedQuery) == 0 || string(ext.PersistedQuery) == "null" {
			return "the body has no \"query\": send the GraphQL document as a string (or, for a persisted query, its hash in extensions.persistedQuery)"
		}
	}
	for _, k := range kinds {
		v, ok := env[k.name]
		if !ok {
			continue
		}
		if v = bytes.TrimSpace(v); len(v) == 0 || !k.ok(v[0]) {
			return "\"" + k.name + "\" must be " + k.want
		}
	}
	return ""
}

// checkQueryString checks the parameters of a GET request, which gqlgen
// would otherwise answer with Go's own error text or no code.
func checkQueryString(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "the query string could not be parsed: encode each parameter with URL encoding and separate them with &"
	}
	for _, name := range []string{"variables", "extensions"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(v), &obj) != nil {
			return "\"" + name + "\" must be a JSON object"
		}
	}
	return ""
}

// authenticate admits a request whose "Authorization: Bearer <key>" hashes
// to a configured client key; keys are stored as SHA-256 and compared in
// constant time. With no keys configured every request is admitted.
func authenticate(keys []clientKey, next http.Handler) http.Handler {
	if len(keys) == 0 {
		return next
	}
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
			writeError(w, http.StatusUnauthorized, codes.Unauthenticated, "send a client key as Authorization: Bearer <key>")
			return
		}
		setClient(r.Context(), name)
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
		if s := statsFrom(ctx); s != nil && s.authenticated() {
			return ctx, nil, nil
		}
		name := clientName(keys, p.Authorization())
		if name == "" {
			if s := statsFrom(ctx); s != nil {
				s.refuse()
			}
			ctx = transport.WithWebsocketCloseCode(ctx, closeForbidden)
			ctx = transport.AppendCloseReason(ctx, "Forbidden")
			return ctx, nil, errors.New("send a client key as Authorization: Bearer <key>, in the upgrade request or the connection_init payload")
		}
		setClient(ctx, name)
		if p, ok := ctx.Value(pendingKey{}).(*pendingSocket); ok {
			if refused := p.authenticated("key:" + name); refused != nil {
				// 1013, Try Again Later: the client may reconnect later,
				// not at once.
				ctx = transport.WithWebsocketCloseCode(ctx, 1013)
				ctx = transport.AppendCloseReason(ctx, "Try Again Later")
				return ctx, nil, errors.New(refused.msg)
			}
		}
		return resolvers.WithClientID(ctx, "key:"+name), nil, nil
	}
}

// closeForbidden is graphql-transport-ws's close code for a refused
// connection_init.
const closeForbidden = 4403

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
