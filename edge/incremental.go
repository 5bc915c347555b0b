package edge

import (
	"context"
	"customergraph/codes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Incremental delivery over HTTP. A client that asks for multipart/mixed
// gets @defer's parts as they come (the 2022-08-24 format Apollo Client,
// GraphQL Yoga and Hive Gateway read) and subscriptions by Apollo's
// multipart subscription protocol; any other client gets one whole answer,
// the deferred parts merged in, never a first part alone. gqlgen's own
// MultipartMixed transport is not used: it takes POST only, logs request
// bodies on a decoding error, and sends a subscription's first event only.

// multipartBoundary is the boundary Apollo's protocols use.
const multipartBoundary = "graphql"

// multipartHeartbeat is Apollo's: a router sends one every 5 s.
const multipartHeartbeat = 5 * time.Second

// multipartTransport answers POST and GET requests whose Accept names multipart/mixed.
type multipartTransport struct {
	// Heartbeat is how often an idle subscription sends "{}", so that
	// proxies and the client know the stream is alive (Apollo asks 5 s).
	Heartbeat time.Duration
}

var _ graphql.Transport = multipartTransport{}

func (multipartTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || !strings.Contains(r.Header.Get("Accept"), "multipart/mixed") {
		return false
	}
	if r.Method == http.MethodGet {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && err == nil && mt == "application/json"
}

func (t multipartTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	params, err := readParams(r)
	if err != nil {
		writeError(w, codes.BadRequest, err.Error())
		return
	}
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		writeAnswer(w, mediaJSON, refusedStatus(resp, mediaJSON), resp)
		return
	}
	op := rc.Operation.Operation
	if r.Method == http.MethodGet && op != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, codes.MethodNotAllowed, "a mutation must be sent with POST; GET carries queries only")
		return
	}
	responses, ctx := exec.DispatchOperation(graphql.WithOperationContext(ctx, rc), rc)
	if op == ast.Subscription {
		t.subscription(ctx, w, responses)
		return
	}
	first := responses(ctx)
	if first == nil || first.HasNext == nil || !*first.HasNext {
		// Nothing deferred: the one answer, as POST would give it, so a
		// refusal keeps its status (503, 429) and a client its plain JSON.
		writeAnswer(w, mediaJSON, refusedStatus(first, mediaJSON), first)
		return
	}
	w.Header().Set("Content-Type", `multipart/mixed; boundary="`+multipartBoundary+`"; deferSpec=20220824`)
	w.Header().Set("Cache-Control", "no-store")
	rc2 := http.NewResponseController(w)
	openParts(w)
	writePart(w, first)
	_ = rc2.Flush()
	for {
		next := responses(ctx)
		if next == nil {
			break
		}
		// A deferred part travels in "incremental", with hasNext beside it.
		more := next.HasNext != nil && *next.HasNext
		next.HasNext = nil
		writePart(w, struct {
			Incremental []*graphql.Response `json:"incremental"`
			HasNext     bool                `json:"hasNext"`
		}{[]*graphql.Response{next}, more})
		_ = rc2.Flush()
		if !more {
			break
		}
	}
	closeParts(w)
}

// subscription streams events as Apollo's multipart subscription protocol
// has them: each in {"payload": …}, "{}" as a heartbeat, and the closing
// boundary when the stream completes.
func (t multipartTransport) subscription(ctx context.Context, w http.ResponseWriter, responses graphql.ResponseHandler) {
	w.Header().Set("Content-Type", `multipart/mixed; boundary="`+multipartBoundary+`"; subscriptionSpec="1.0"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	events := make(chan *graphql.Response)
	go func() {
		defer close(events)
		for {
			resp := responses(ctx)
			select {
			case events <- resp:
			case <-ctx.Done():
				return
			}
			if resp == nil {
				return
			}
		}
	}()
	beat := time.NewTicker(max(t.Heartbeat, 10*time.Millisecond))
	defer beat.Stop()
	openParts(w)
	writePart(w, struct{}{}) // the headers and a first heartbeat, at once
	_ = rc.Flush()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			writePart(w, struct{}{})
		case resp, ok := <-events:
			if !ok || resp == nil {
				closeParts(w)
				return
			}
			writePart(w, struct {
				Payload *graphql.Response `json:"payload"`
			}{resp})
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// openParts starts a multipart body. Each part then ends with the next
// delimiter, so that a reader can take it whole at once (it would wait
// for the next delimiter otherwise), and closeParts ends the last.
func openParts(w io.Writer) { fmt.Fprintf(w, "--%s", multipartBoundary) }

func closeParts(w io.Writer) { fmt.Fprint(w, "--\r\n") }

// writePart writes one part: its header and v as JSON, then the delimiter.
func writePart(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"errors":[{"message":"the answer could not be encoded","extensions":{"code":"` + codes.Internal + `"}}]}`)
	}
	fmt.Fprintf(w, "\r\nContent-Type: application/json; charset=utf-8\r\n\r\n%s\r\n--%s", b, multipartBoundary)
}

// readParams reads a GraphQL request from a POST's JSON body or a GET's
// query string, as the POST and GET transports do. Its errors name the
// part that is wrong, never echo it.
func readParams(r *http.Request) (*graphql.RawParams, error) {
	p := &graphql.RawParams{Headers: r.Header}
	p.ReadTime.Start = graphql.Now()
	defer func() { p.ReadTime.End = graphql.Now() }()
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(p); err != nil {
			return nil, fmt.Errorf("the body is not a JSON GraphQL request")
		}
		return p, nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("the query string could not be parsed")
	}
	p.Query, p.OperationName = q.Get("query"), q.Get("operationName")
	for name, into := range map[string]any{"variables": &p.Variables, "extensions": &p.Extensions} {
		if v := q.Get(name); v != "" {
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			if dec.Decode(into) != nil {
				return nil, fmt.Errorf("%s is not a JSON object", name)
			}
		}
	}
	return p, nil
}
