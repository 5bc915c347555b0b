package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sync"

	"customergraph/codes"
)

// guardBody bounds and checks a POST body before gqlgen sees it: too large is
// 413, a media type other than JSON is 415, malformed JSON is 400.
func guardBody(max int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return guarded(max, next) }
}

func guarded(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			// A GET carries its document in the URL: the same bound as a
			// POST body, answered before anything parses it.
			if int64(len(r.URL.RawQuery)) > max {
				writeErrorStatus(w, http.StatusRequestURITooLong, codes.RequestTooLarge, "the query string exceeds the limit of "+itoa(max)+" bytes (GRAPH_MAX_BODY_BYTES); send a long document by POST")
				return
			}
			if msg := checkQueryString(r.URL.RawQuery); msg != "" {
				writeError(w, codes.BadRequest, msg)
				return
			}
		}
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writeError(w, codes.UnsupportedMediaType, "POST a JSON body with Content-Type: application/json")
			return
		}
		if r.ContentLength > max {
			writeError(w, codes.RequestTooLarge, "the request body exceeds the limit of "+itoa(max)+" bytes")
			return
		}
		buf := bodyBuffers.Get().(*bytes.Buffer)
		defer putBodyBuffer(buf)
		if _, err := buf.ReadFrom(io.LimitReader(r.Body, max+1)); err != nil {
			writeError(w, codes.BadRequest, "the request body could not be read")
			return
		}
		body := buf.Bytes()
		if int64(len(body)) > max {
			writeError(w, codes.RequestTooLarge, "the request body exceeds the limit of "+itoa(max)+" bytes")
			return
		}
		if msg := checkEnvelope(body); msg != "" {
			writeError(w, codes.BadRequest, msg)
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

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
