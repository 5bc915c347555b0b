package edge

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"customergraph/codes"
)

// oneAnswer is the transport of plain GET and POST requests: one JSON
// answer per request. It is gqlgen's GET and POST with the facade's rules
// (the GraphQL-over-HTTP spec's, and the error contract's):
//   - the status of a refused request comes from its code (codes.Status):
//     503 with Retry-After for OVERLOADED, 405 with Allow: POST for a
//     mutation by GET; a request error GraphQL finds (parse, validation,
//     limits, persisted queries) is 400 under
//     application/graphql-response+json and 200 under application/json;
//   - a deferred operation's parts are merged into the one answer, and a
//     subscription, which has no one answer, is refused with the ways to
//     follow it (STREAM_REQUIRED).
//
// Its bodies are written by writeAnswer, as every error body is.
type oneAnswer struct{}

var _ graphql.Transport = oneAnswer{}

func (oneAnswer) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	if r.Method == http.MethodGet {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && err == nil && mt == "application/json"
}

func (oneAnswer) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	mediaType := answerMediaType(r)
	params, err := readParams(r)
	if err != nil {
		writeError(w, codes.BadRequest, err.Error())
		return
	}
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs == nil && rc.Operation.Operation == ast.Subscription {
		errs = gqlerror.List{{Message: "a subscription is a stream and this request asks for one answer: use WebSocket (graphql-transport-ws), " +
			"Server-Sent Events (Accept: text/event-stream) or multipart (Accept: multipart/mixed;subscriptionSpec=\"1.0\")",
			Extensions: map[string]any{"code": codes.StreamRequired}}}
	}
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		writeAnswer(w, mediaType, refusedStatus(resp, mediaType), resp)
		return
	}
	if r.Method == http.MethodGet && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, codes.MethodNotAllowed, "a mutation must be sent with POST; GET carries queries only")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := whole(ctx, responses)
	writeAnswer(w, mediaType, refusedStatus(resp, mediaType), resp)
}

// whole is the operation's one answer: the first response with every
// deferred part merged in, in the query's order.
func whole(ctx context.Context, responses graphql.ResponseHandler) *graphql.Response {
	first := responses(ctx)
	if first == nil || first.HasNext == nil || !*first.HasNext {
		return first
	}
	merged, err := parseOrdered(first.Data)
	for err == nil {
		next := responses(ctx)
		if next == nil {
			break
		}
		first.Errors = append(first.Errors, next.Errors...)
		if len(next.Data) > 0 && string(next.Data) != "null" {
			err = merged.mergeAt(next.Path, next.Data)
		}
		if next.HasNext == nil || !*next.HasNext {
			break
		}
	}
	first.HasNext = nil
	if err != nil {
		// Unreachable with gqlgen's own output; said rather than hidden.
		first.Errors = append(first.Errors, &gqlerror.Error{Message: "a deferred part could not be merged into the answer",
			Extensions: map[string]any{"code": codes.Internal}})
		return first
	}
	first.Data, _ = json.Marshal(merged)
	return first
}

// The media types of one answer.
const (
	mediaJSON         = "application/json"
	mediaGraphQLJSON  = "application/graphql-response+json"
	acceptAnyMedia    = "*/*"
	acceptAnyAppMedia = "application/*"
)

// answerMediaType is what the client's Accept asks for, as gqlgen decides
// it: application/json unless graphql-response+json is named first or
// nothing acceptable is.
func answerMediaType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case acceptAnyMedia, acceptAnyAppMedia, mediaJSON:
			return mediaJSON
		case mediaGraphQLJSON:
			return mediaGraphQLJSON
		}
	}
	return mediaGraphQLJSON
}

// refusedStatus is the status of an answer: 200 when anything ran; when
// nothing did, its first error's code says (codes.Status), except that a
// request error GraphQL itself finds keeps 200 under application/json.
func refusedStatus(resp *graphql.Response, mediaType string) int {
	if resp == nil || len(resp.Errors) == 0 || (len(resp.Data) > 0 && string(resp.Data) != "null") {
		return http.StatusOK
	}
	code, _ := resp.Errors[0].Extensions["code"].(string)
	if !codes.RefusesRequest(code) || (codes.FoundByGraphQL(code) && mediaType != mediaGraphQLJSON) {
		return http.StatusOK
	}
	return codes.Status(code)
}

// writeError answers a request refused before GraphQL ran it with one
// error whose status is its code's.
func writeError(w http.ResponseWriter, code codes.Code, msg string) {
	writeErrorStatus(w, codes.Status(code), code, msg)
}

// writeErrorStatus is writeError with a status the code has in one case
// only (414 for a long query string, 431 for long headers).
func writeErrorStatus(w http.ResponseWriter, status int, code codes.Code, msg string) {
	ext := map[string]any{"code": code}
	if code == codes.Overloaded {
		ext["retryAfter"] = codes.RetryAfterSeconds
	}
	writeAnswer(w, mediaJSON, status, &graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: ext}}})
}

// writeAnswer writes every JSON answer of the edge: the status, with
// Retry-After when the answer is OVERLOADED, and the body. An answer of
// which nothing ran has no "data" entry, and every error in it has a code.
func writeAnswer(w http.ResponseWriter, mediaType string, status int, resp *graphql.Response) {
	if resp == nil {
		resp = &graphql.Response{Errors: gqlerror.List{{Message: "the operation gave no answer", Extensions: map[string]any{"code": codes.Internal}}}}
	}
	var body any = resp
	if len(resp.Data) == 0 {
		for _, e := range resp.Errors {
			if e.Extensions == nil {
				e.Extensions = map[string]any{}
			}
			if _, ok := e.Extensions["code"]; !ok {
				e.Extensions["code"] = codes.BadRequest
			}
		}
		body = struct {
			Errors     gqlerror.List  `json:"errors"`
			Extensions map[string]any `json:"extensions,omitempty"`
		}{resp.Errors, resp.Extensions}
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(codes.RetryAfterSeconds))
	}
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(status)
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte(`{"errors":[{"message":"the answer could not be encoded","extensions":{"code":"` + codes.Internal + `"}}]}`)
	}
	_, _ = w.Write(append(b, '\n'))
}
