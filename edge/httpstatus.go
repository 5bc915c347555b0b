package edge

import (
	"bufio"
	"bytes"
	"context"
	"customergraph/codes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// httpStatuses aligns gqlgen's answers with the GraphQL-over-HTTP spec and
// with the facade's error contract:
//   - only GET, POST (and OPTIONS, for CORS) reach GraphQL; other methods
//     are 405 with Allow;
//   - a mutation sent by GET is 405 with Allow: POST (gqlgen says 406);
//   - a request error answered as application/json is 200 (gqlgen says 422;
//     the spec keeps 4xx for application/graphql-response+json, which gqlgen
//     already does);
//   - an operation refused by admission control is 503 with Retry-After;
//   - the body of every request error (nothing was executed) has no "data"
//     entry, and every error in it has extensions.code.
func httpStatuses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodOptions:
		case http.MethodPut:
			// graphql-sse's single connection mode reserves its stream
			// with a PUT; the facade serves the distinct connections mode.
			w.Header().Set("Allow", "GET, POST")
			writeError(w, http.StatusMethodNotAllowed, codes.MethodNotAllowed,
				"graphql-sse's single connection mode is not supported: use its distinct connections mode (singleConnection: false, the default), or WebSocket")
			return
		default:
			w.Header().Set("Allow", "GET, POST")
			writeError(w, http.StatusMethodNotAllowed, codes.MethodNotAllowed, "send GraphQL requests with POST (or GET, for queries)")
			return
		}
		o := &overloaded{}
		ctx := context.WithValue(r.Context(), overloadedKey{}, o)
		fix := &statusFix{ResponseWriter: w, get: r.Method == http.MethodGet, overloaded: o}
		next.ServeHTTP(fix, r.WithContext(ctx))
		fix.finish()
	})
}

type statusFix struct {
	http.ResponseWriter
	get         bool
	overloaded  *overloaded
	wroteHeader bool
	// A request error's body is held, then rewritten by finish.
	held   *bytes.Buffer
	status int
}

func (s *statusFix) Write(b []byte) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	if s.held != nil {
		return s.held.Write(b)
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusFix) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusFix) Flush() {
	if s.held == nil {
		_ = http.NewResponseController(s.ResponseWriter).Flush()
	}
}

func (s *statusFix) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(s.ResponseWriter).Hijack()
}

func (s *statusFix) WriteHeader(code int) {
	if s.wroteHeader {
		return
	}
	s.wroteHeader = true
	if strings.HasPrefix(s.Header().Get("Content-Type"), "text/event-stream") {
		s.ResponseWriter.WriteHeader(code)
		return
	}
	switch {
	case s.overloaded.isSet() && code < 300:
		s.Header().Set("Retry-After", strconv.Itoa(codes.RetryAfterSeconds))
		code = http.StatusServiceUnavailable
	case code == http.StatusNotAcceptable && s.get:
		s.Header().Set("Allow", "POST")
		s.held, s.status = &bytes.Buffer{}, http.StatusMethodNotAllowed
		return
	case code == http.StatusUnprocessableEntity && strings.HasPrefix(s.Header().Get("Content-Type"), "application/json"):
		code = http.StatusOK
		s.held = &bytes.Buffer{}
	}
	if code >= 400 {
		s.held = &bytes.Buffer{}
	}
	if s.held != nil {
		s.status = code
		return
	}
	s.ResponseWriter.WriteHeader(code)
}

// finish writes a held body: the same errors, each with a code, and no
// "data" entry.
func (s *statusFix) finish() {
	if s.held == nil {
		return
	}
	if s.status == http.StatusMethodNotAllowed && s.get {
		writeError(s.ResponseWriter, s.status, codes.MethodNotAllowed, "a mutation must be sent with POST; GET carries queries only")
		return
	}
	var body struct {
		Errors gqlerror.List `json:"errors"`
	}
	if err := json.Unmarshal(s.held.Bytes(), &body); err != nil || len(body.Errors) == 0 {
		writeError(s.ResponseWriter, s.status, codeForStatus(s.status), http.StatusText(s.status))
		return
	}
	for _, e := range body.Errors {
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		if _, ok := e.Extensions["code"]; !ok {
			e.Extensions["code"] = codeForStatus(s.status)
		}
	}
	if s.Header().Get("Content-Type") == "" {
		s.Header().Set("Content-Type", "application/json")
	}
	s.Header().Del("Content-Length")
	s.ResponseWriter.WriteHeader(s.status)
	_ = json.NewEncoder(s.ResponseWriter).Encode(body)
}

// codeForStatus names an error gqlgen left without a code.
func codeForStatus(status int) string {
	switch status {
	case http.StatusMethodNotAllowed:
		return codes.MethodNotAllowed
	case http.StatusServiceUnavailable:
		return codes.Overloaded
	case http.StatusBadRequest, http.StatusOK:
		return codes.BadRequest
	}
	return codes.Internal
}
