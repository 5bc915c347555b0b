package edge

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"customergraph/sandbox"
)

// TestMalformedRequests: every malformed request shape gets its status, a
// body whose every error has extensions.code, no "data" entry (nothing was
// executed), and no error-level log line; the whole body is pinned.
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	const graphqlJSON = "application/graphql-response+json"
	for _, c := range []struct {
		name, method, query, contentType, accept, body string
		status                                         int
		allow, want                                    string
	}{
		{name: "PUT", method: "PUT", contentType: "application/json", body: `{"query":"{ __typename }"}`, status: 405, allow: "GET, POST",
			want: `{"errors":[{"message":"graphql-sse's single connection mode is not supported: use its distinct connections mode (singleConnection: false, the default), or WebSocket","extensions":{"code":"METHOD_NOT_ALLOWED"}}]}`},
		{name: "DELETE", method: "DELETE", status: 405, allow: "GET, POST",
			want: `{"errors":[{"message":"send GraphQL requests with POST (or GET, for queries)","extensions":{"code":"METHOD_NOT_ALLOWED"}}]}`},
		{name: "a mutation by GET", method: "GET", query: "query=mutation%7Bunsubscribe(input:%7BcustomerId:%2227831000001%22,subscriptionId:%224%22,providerId:%22101%22%7D)%7Bresult%7Bstatus%7D%7D%7D", status: 405, allow: "POST",
			want: `{"errors":[{"message":"a mutation must be sent with POST; GET carries queries only","extensions":{"code":"METHOD_NOT_ALLOWED"}}]}`},
		{name: "GET with variables that are not an object", method: "GET", query: "query=%7B__typename%7D&variables=%5B1%5D", status: 400,
			want: `{"errors":[{"message":"\"variables\" must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{name: "GET with undecodable variables", method: "GET", query: "query=%7B__typename%7D&variables=%7B", status: 400,
			want: `{"errors":[{"message":"\"variables\" must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{name: "GET with a broken query string", method: "GET", query: "query=%zz", status: 400,
			want: `{"errors":[{"message":"the query string could not be parsed: encode each parameter with URL encoding and separate them with \u0026","extensions":{"code":"BAD_REQUEST"}}]}`},
		{name: "query is a number", method: "POST", contentType: "application/json", body: `{"query": 0}`, status: 400,
			want: `{"errors":[{"message":"\"query\" must be a string","extensions":{"code":"BAD_REQUEST"}}]}`},
		{name: "variables is a string", method: "POST", contentType: "application/json", body: `{"query":"{ __typename }","variables":"x"}`, status: 400,
			want: `{"errors":[{"message":"\"variables\" must be an object or null","extensions":{"code":"BAD_REQUEST"}}]}`},
		{name: "a parse failure, graphql-response+json", method: "POST", contentType: "application/json", accept: graphqlJSON, body: `{"query":"{"}`, status: 400,
			want: `{"errors":[{"message":"Expected Name, found \u003cEOF\u003e","locations":[{"line":1,"column":2}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{name: "a validation failure, graphql-response+json", method: "POST", contentType: "application/json", accept: graphqlJSON, body: `{"query":"{ nope }"}`, status: 400,
			want: `{"errors":[{"message":"Cannot query field \"nope\" on type \"Query\". Did you mean \"node\" or \"nodes\"?","locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{name: "a validation failure, application/json", method: "POST", contentType: "application/json", body: `{"query":"{ nope }"}`, status: 200,
			want: `{"errors":[{"message":"Cannot query field \"nope\" on type \"Query\". Did you mean \"node\" or \"nodes\"?","locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{name: "no query", method: "POST", contentType: "application/json", accept: graphqlJSON, body: `{}`, status: 400,
			want: `{"errors":[{"message":"the body has no \"query\": send the GraphQL document as a string (or, for a persisted query, its hash in extensions.persistedQuery)","extensions":{"code":"BAD_REQUEST"}}]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, g.url+"/graphql?"+c.query, strings.NewReader(c.body))
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status || strings.TrimSpace(string(b)) != c.want || resp.Header.Get("Allow") != c.allow {
				t.Errorf("got %d (Allow %q) %s\nwant %d (Allow %q) %s", resp.StatusCode, resp.Header.Get("Allow"), b, c.status, c.allow, c.want)
			}
		})
	}
	if strings.Contains(g.logs.String(), `"level":"error"`) {
		t.Errorf("error-level log lines for client mistakes:\n%s", g.logs.String())
	}
	if n := len(g.sb.Log()); n != 0 {
		t.Errorf("%d upstream calls", n)
	}
}
