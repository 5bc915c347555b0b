package edge

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"customergraph/sandbox"
)

// TestControlCharactersInIdsAreRefused: only spaces are trimmed from a
// customer id; a tab or newline anywhere is refused before any call.
func TestControlCharactersInIdsAreRefused(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	for _, id := range []string{"\t27831000001", "27831000001\t", "2783100\n0001", "27831000001\r", "\x0027831000001"} {
		r := g.query(`query($id: ID!) { customer(id: $id) { msisdn } }`, map[string]any{"id": id})
		if len(r.Errors) != 1 || r.Errors[0].code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "is not an MSISDN") {
			t.Errorf("%q: %+v", id, r.Errors)
		}
	}
	if r := g.query(`{ customer(id: "  27831000001 ") { msisdn } }`, nil); len(r.Errors) != 0 {
		t.Errorf("spaces around an id: %+v", r.Errors)
	}
	if n := g.calls()["total"]; n != 1 {
		t.Errorf("%d upstream calls, want the one for the spaced id", n)
	}
}

// TestPostWithoutQueryIsABadRequest: whatever the client accepts.
func TestPostWithoutQueryIsABadRequest(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	want := `{"errors":[{"message":"the body has no \"query\": send the GraphQL document as a string (or, for a persisted query, its hash in extensions.persistedQuery)","extensions":{"code":"BAD_REQUEST"}}]}`
	for _, c := range []struct{ body, accept string }{
		{`{}`, "application/json"},
		{`{"variables": {}}`, "application/graphql-response+json"},
		{`{"query": ""}`, "application/json"},
		{`{"query": null, "extensions": {}}`, "*/*"},
	} {
		req, _ := http.NewRequest("POST", g.url+"/graphql", bytes.NewReader([]byte(c.body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", c.accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || strings.TrimSpace(string(b)) != want {
			t.Errorf("%s (Accept %s): %d %s", c.body, c.accept, resp.StatusCode, b)
		}
	}
}

// TestNoSuggestionsWhenOff: with suggestions off (as with real APIs), no
// validation message names what the schema has instead.
func TestNoSuggestionsWhenOff(t *testing.T) {
	t.Parallel()
	off := false
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.FieldSuggestions = &off })
	for q, want := range map[string]string{
		`{ customer(customerID: "27831000001") { msisdn } }`:                                                            `Unknown argument "customerID" on field "Query.customer".`,
		`mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHR}) { refill { amount { amount } } } }`: `Value "VOUCHR" does not exist in "RefillType!" enum.`,
		`{ custmer(id: "27831000001") { id } }`:                                                                         `Cannot query field "custmer" on type "Query".`,
	} {
		r := g.query(q, nil)
		if len(r.Errors) == 0 || r.Errors[0].Message != want {
			t.Errorf("%s: %+v, want %q", q, r.Errors, want)
		}
	}
}

// TestOutcomeUnknownIsLoggedAsSuch: a write whose outcome is not known is
// never logged as a partial answer.
func TestOutcomeUnknownIsLoggedAsSuch(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	g.sb.Inject("plans.refill", sandbox.Fault{Status: 500})
	r := g.query(`mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1", amount: "5"}) { refill { amount { amount } } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].code() != "OUTCOME_UNKNOWN" {
		t.Fatalf("%+v", r.Errors)
	}
	if !strings.Contains(g.logs.String(), `"outcome":"unknown","codes":["OUTCOME_UNKNOWN"]`) {
		t.Errorf("access log:\n%s", g.logs.String())
	}
}
