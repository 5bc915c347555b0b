package edge

import (
	"customergraph/sandbox"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHTTPTransport(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	t.Run("GET runs a query", func(t *testing.T) {
		resp, err := http.Get(g.url + "/graphql?query=" + url.QueryEscape(`{ customer(id: "27831000001") { msisdn } }`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out gqlResponse
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != 200 || at(out.Data, "customer.msisdn") != "27831000001" {
			t.Errorf("%d %+v", resp.StatusCode, out)
		}
	})
	t.Run("graphql-response+json is honoured", func(t *testing.T) {
		req, _ := http.NewRequest("POST", g.url+"/graphql", strings.NewReader(`{"query":"{ customer(id: \"27831000001\") { msisdn } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
			t.Errorf("content type %q", ct)
		}
	})
	t.Run("the client's transaction id reaches every upstream call", func(t *testing.T) {
		g.sb.Reset()
		r := g.query(`{ customer(id: "27831000001") { location { country } plans { tariffPlan } accountholder { status } } }`, nil, "X-Request-ID", "bff-trace-42")
		if len(r.Errors) > 0 || r.header.Get("X-Request-ID") != "bff-trace-42" {
			t.Fatalf("%+v %v", r.Errors, r.header)
		}
		for _, e := range g.sb.Log() {
			if e.Op != "oauth.token" && e.TransactionID != "bff-trace-42" {
				t.Errorf("%s carried %q", e.Op, e.TransactionID)
			}
		}
	})
}
