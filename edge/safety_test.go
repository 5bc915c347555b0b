package edge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"customergraph/resolvers"
	"customergraph/sandbox"
)

// The adversarial corpus of money and data safety: each case says what
// error the client gets and how many upstream writes it may cost (zero, or
// exactly one), counted by the sandbox.

const refillMutation = `refillAirtime(input: {customerId: "27831000001", type: VOUCHER, voucherActivationCode: "1234"}) { refill { amount { amount } } userErrors { code } }`

// writes counts the money- or service-moving calls the sandbox received.
func writes(c map[string]int) int {
	n := 0
	for _, op := range []string{"plans.refill", "plans.requestPremium", "subscriptions.subscribe", "subscriptions.unsubscribe",
		"subscriptions.unsubscribeAll", "accountholders.verify"} {
		n += c[op]
	}
	return n
}

// nestedSpreads builds `mutation { ...F0 } fragment F0 { ...F1 a0: refill }
// fragment F1 { ...F2 a1: refill } …`, depth fragments deep, one refill each.
func nestedSpreads(depth int) string {
	var b strings.Builder
	b.WriteString("mutation { ...F0 }\n")
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "fragment F%d on Mutation { ", i)
		if i+1 < depth {
			fmt.Fprintf(&b, "...F%d ", i+1)
		}
		fmt.Fprintf(&b, "a%d: %s }\n", i, refillMutation)
	}
	return b.String()
}

// fannedSpreads is the reported bypass: one Outer fragment spreading n
// fragments, each holding one aliased refill.
func fannedSpreads(n int) string {
	var b strings.Builder
	b.WriteString("mutation { ...Outer }\nfragment Outer on Mutation {")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " ...F%d", i)
	}
	b.WriteString(" }\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Mutation { a%d: %s }\n", i, i, refillMutation)
	}
	return b.String()
}

func TestMutationLimitExpandsEveryFragment(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, query string
		actual      float64 // root fields counted
	}{
		{"spreads nested 1 deep, two refills", "mutation { ...F }\nfragment F on Mutation { a: " + refillMutation + " b: " + refillMutation + " }", 2},
		{"spreads nested 2 deep", nestedSpreads(2), 2},
		{"spreads nested 30 deep", nestedSpreads(30), 30},
		{"30 spreads inside one fragment", fannedSpreads(30), 30},
		{"inline fragments inside fragments", "mutation { ...F }\nfragment F on Mutation { ... on Mutation { a: " + refillMutation + " ... { b: " + refillMutation + " } } }", 2},
		{"mixed kinds", `mutation { ...F } fragment F on Mutation { ` + refillMutation + `
			requestPremium(input: {customerId: "27831000001", receivingCustomerId: "27831000009", product: "p", transactionType: "t", amount: {amount: "1", currency: "ZAR"}}) { quote { originReferenceId } }
			subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "n"}) { pending { id } } }`, 3},
		{"unsubscribe and verify count too", `mutation { unsubscribe(input: {customerId: "27831000001", subscriptionId: "4", providerId: "101"}) { result { status } }
			... on Mutation { verifyAccountholder(input: {id: "27831000001", identities: [{type: MSISDN, value: "27831000001"}]}) { validation { isValid } } } }`, 2},
		{"the same fragment spread twice", "mutation { ...F ...F }\nfragment F on Mutation { a: " + refillMutation + " }", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			r := g.query(tc.query, nil)
			if len(r.Errors) != 1 || r.Errors[0].code() != "QUERY_LIMIT_EXCEEDED" || r.Errors[0].Extensions["limit"] != "mutation" ||
				r.Errors[0].Extensions["actual"] != tc.actual {
				t.Fatalf("errors %+v", r.Errors)
			}
			if r.Data != nil {
				t.Errorf("data %v", r.Data)
			}
			if n := writes(g.calls()); n != 0 {
				t.Errorf("%d upstream writes", n)
			}
		})
	}
	t.Run("one refill behind nested fragments runs once", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, nil)
		r := g.query(nestedSpreads(1), nil)
		if len(r.Errors) != 0 || at(r.Data, "a0.refill.amount.amount") != "50.00" {
			t.Fatalf("%+v %v", r.Errors, r.Data)
		}
		if n := g.calls()["plans.refill"]; n != 1 {
			t.Errorf("%d refills", n)
		}
	})
}

// pathArgument is one id argument that reaches an upstream URL.
type pathArgument struct {
	name  string
	query string // takes $v
}

var pathArguments = []pathArgument{
	{"subscriptionStatus.id", `query($v: ID!) { subscriptionStatus(id: $v) { id } }`},
	{"customer.id", `query($v: ID!) { customer(id: $v) { plans { __typename } } }`},
	{"customers.ids", `query($v: ID!) { customers(ids: ["27831000001", $v]) { plans { __typename } } }`},
	{"accountholder.id", `query($v: ID!) { accountholder(id: $v) { status } }`},
	{"customer.plan.productCode", `query($v: String!) { customer(id: "27831000001") { plan(productCode: $v) { __typename } } }`},
	{"customer.subscriptions.providerId", `query($v: ID!) { customer(id: "27831000001") { subscriptions(providerId: $v) { __typename } } }`},
	{"customer.subscription.id", `query($v: ID!) { customer(id: "27831000001") { subscription(id: $v, providerId: "101") { id } } }`},
	{"customer.subscription.providerId", `query($v: ID!) { customer(id: "27831000001") { subscription(id: "4", providerId: $v) { id } } }`},
	{"refillAirtime.customerId", `mutation($v: ID!) { refillAirtime(input: {customerId: $v, type: VOUCHER, voucherActivationCode: "1234"}) { refill { amount { amount } } } }`},
	{"requestPremium.customerId", `mutation($v: ID!) { requestPremium(input: {customerId: $v, receivingCustomerId: "27831000009", product: "p", transactionType: "t", amount: {amount: "1", currency: "ZAR"}}) { quote { originReferenceId } } }`},
	{"requestPremium.receivingCustomerId", `mutation($v: ID!) { requestPremium(input: {customerId: "27831000001", receivingCustomerId: $v, product: "p", transactionType: "t", amount: {amount: "1", currency: "ZAR"}}) { quote { originReferenceId } } }`},
	{"subscribe.customerId", `mutation($v: ID!) { subscribe(input: {customerId: $v, subscriptionId: "9", providerId: "202", name: "n"}) { pending { id } } }`},
	{"subscribe.subscriptionId", `mutation($v: ID!) { subscribe(input: {customerId: "27831000001", subscriptionId: $v, providerId: "202", name: "n"}) { pending { id } } }`},
	{"subscribe.providerId", `mutation($v: ID!) { subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: $v, name: "n"}) { pending { id } } }`},
	{"unsubscribe.customerId", `mutation($v: ID!) { unsubscribe(input: {customerId: $v, subscriptionId: "4", providerId: "101"}) { result { status } } }`},
	{"unsubscribe.subscriptionId", `mutation($v: ID!) { unsubscribe(input: {customerId: "27831000001", subscriptionId: $v, providerId: "101"}) { result { status } } }`},
	{"unsubscribe.providerId", `mutation($v: ID!) { unsubscribe(input: {customerId: "27831000001", subscriptionId: "4", providerId: $v}) { result { status } } }`},
	{"unsubscribeAll.customerId", `mutation($v: ID!) { unsubscribeAll(input: {customerId: $v, providerId: "101"}) { requestId } }`},
	{"unsubscribeAll.providerId", `mutation($v: ID!) { unsubscribeAll(input: {customerId: "27831000001", providerId: $v}) { requestId } }`},
	{"verifyAccountholder.id", `mutation($v: ID!) { verifyAccountholder(input: {id: $v, identities: [{type: MSISDN, value: "27831000001"}]}) { validation { isValid } } }`},
}

var streamPathArguments = []pathArgument{
	{"subscriptionProvisioning.id", `subscription { subscriptionProvisioning(id: %s) { id } }`},
	{"unsubscribeAllResults.requestId", `subscription { unsubscribeAllResults(requestId: %s) { status } }`},
}

func hostileIDs(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "adversarial", "path-ids.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ IDs []string }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.IDs
}

// TestPathArgumentsAreValues: an id that looks like a path is
// BAD_USER_INPUT in every argument of every operation, before any call.
func TestPathArgumentsAreValues(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	ids := hostileIDs(t)
	for _, arg := range pathArguments {
		for _, id := range ids {
			r := g.query(arg.query, map[string]any{"v": id})
			if len(r.Errors) != 1 || r.Errors[0].code() != "BAD_USER_INPUT" || len(r.Errors[0].Path) == 0 {
				t.Errorf("%s = %q: errors %+v", arg.name, id, r.Errors)
			}
		}
	}
	// The ids inside a well-formed provisioning id are checked as if given
	// on their own.
	for pos := range 4 {
		for _, id := range ids {
			parts := []string{"27831000001", "4", "101", "s1"}
			if pos == 3 && id == "" {
				continue // no status id is valid: the API named none, the subscription is asked
			}
			parts[pos] = id
			r := g.query(`query($v: ID!) { subscriptionStatus(id: $v) { id } }`, map[string]any{"v": resolvers.ProvisioningID(parts[0], parts[1], parts[2], parts[3], "")})
			if len(r.Errors) != 1 || r.Errors[0].code() != "BAD_USER_INPUT" || r.Errors[0].pathString() != "subscriptionStatus" {
				t.Errorf("provisioning id part %d = %q: errors %+v", pos, id, r.Errors)
			}
		}
	}
	for _, arg := range streamPathArguments {
		for _, id := range ids {
			lit, _ := json.Marshal(id)
			events := sseEvents(t, g.url, fmt.Sprintf(arg.query, lit))
			if len(events) != 1 || !strings.Contains(events[0], `"BAD_USER_INPUT"`) {
				t.Errorf("%s = %q: events %v", arg.name, id, events)
			}
		}
	}
	// Only the calls the fixed customer 27831000001 makes on its own
	// (its existence check, its plans) reached upstream: no hostile value
	// did.
	clean := newTestGraph(t, sandbox.Options{}, nil)
	clean.query(`{ customer(id: "27831000001") { plans { __typename } } }`, nil)
	clean.query(`{ customer(id: "27831000001") { msisdn } }`, nil)
	allowed := map[string]bool{}
	for _, e := range clean.sb.Log() {
		allowed[e.Op+" "+e.Path+"?"+e.Query] = true
	}
	for _, e := range g.sb.Log() {
		if !allowed[e.Op+" "+e.Path+"?"+e.Query] {
			t.Errorf("a hostile value reached upstream: %s %s?%s", e.Op, e.Path, e.Query)
		}
	}
}

// otherHost counts what reaches a host the facade was never configured for.
func otherHost(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	for _, status := range []int{307, 308} {
		for _, target := range []string{"same host", "another host"} {
			t.Run(fmt.Sprintf("%d to %s", status, target), func(t *testing.T) {
				t.Parallel()
				g := newTestGraph(t, sandbox.Options{}, nil)
				other, hits := otherHost(t)
				location := "/plans/v2/customers/27831000001/plans"
				if target == "another host" {
					location = other.URL + location
				}
				// The fault: plans answers every read and write with a redirect.
				g.sb.Inject("plans.getPlans", sandbox.Fault{Status: status, Location: location})
				g.sb.Inject("plans.refill", sandbox.Fault{Status: status, Location: location, AfterCommit: true})

				r := g.query(`{ customer(id: "27831000001") { plans { __typename } } }`, nil)
				if e := r.errorAt("customer.plans"); e == nil || e.code() != "UPSTREAM_ERROR" {
					t.Errorf("read: %+v", r.Errors)
				}
				r = g.query(`mutation { `+refillMutation+` }`, nil)
				if e := r.errorAt("refillAirtime"); e == nil || e.code() != "OUTCOME_UNKNOWN" {
					t.Errorf("write: %+v", r.Errors)
				}
				c := g.calls()
				if c["plans.getPlans"] != 1 || c["plans.refill"] != 1 {
					t.Errorf("calls %v: each sent once, the redirect not followed", c)
				}
				if n := hits.Load(); n != 0 {
					t.Errorf("the other host received %d requests", n)
				}
			})
		}
	}
}

// balance reads the happy customer's airtime.
func balance(g *testGraph) any {
	r := g.query(`{ customer(id: "27831000001") { plans { balances { detail { active { ... on Money { amount } } } } } } }`, nil)
	return at(r.Data, "customer.plans.balances.0.detail.active.amount")
}

func TestWriteOutcomesAreHonest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		fault     sandbox.Fault
		code      string
		committed bool
	}{
		{"500 after commit", sandbox.Fault{Status: 500, AfterCommit: true}, "OUTCOME_UNKNOWN", true},
		{"503 before commit: the facade cannot know", sandbox.Fault{Status: 503}, "OUTCOME_UNKNOWN", false},
		{"999 after commit", sandbox.Fault{Status: 999, AfterCommit: true}, "OUTCOME_UNKNOWN", true},
		{"dropped connection after commit", sandbox.Fault{Drop: true, AfterCommit: true}, "OUTCOME_UNKNOWN", true},
		{"undecodable 200 after commit", sandbox.Fault{Body: `{"statusCode": "0000", "data": {`, AfterCommit: true}, "OUTCOME_UNKNOWN", true},
		// A rejection the API stated is the payload's userErrors.
		{"400: the API said no", sandbox.Fault{Status: 400}, "user error INVALID", false},
		{"404: the API said no", sandbox.Fault{Status: 404}, "user error NOT_FOUND", false},
		{"429: the API said no", sandbox.Fault{Status: 429}, "UPSTREAM_RATE_LIMITED", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			before := balance(g)
			g.sb.Inject("plans.refill", tc.fault)
			r := g.query(`mutation { `+refillMutation+` }`, nil, "transactionId", "txn-safety-1")
			if code, ok := strings.CutPrefix(tc.code, "user error "); ok {
				if len(r.Errors) != 0 || at(r.Data, "refillAirtime.userErrors.0.code") != code || at(r.Data, "refillAirtime.refill") != nil {
					t.Errorf("errors %+v, data %v", r.Errors, r.Data)
				}
			} else {
				e := r.errorAt("refillAirtime")
				if e == nil || e.code() != tc.code {
					t.Fatalf("errors %+v", r.Errors)
				}
				if up, _ := e.Extensions["upstream"].(map[string]any); up["transactionId"] != "txn-safety-1" {
					t.Errorf("no transactionId to quote: %+v", e.Extensions)
				}
			}
			if n := g.calls()["plans.refill"]; n != 1 {
				t.Errorf("refill sent %d times", n)
			}
			want := before
			if tc.committed {
				want = "318.61"
			}
			if got := balance(g); got != want {
				t.Errorf("balance %v, want %v", got, want)
			}
		})
	}
}

// TestWriteOutlivesItsClient: a client that hangs up after the refill was
// sent does not cancel it: the refill completes upstream and its outcome is
// logged with its transaction id and customer.
func TestWriteOutlivesItsClient(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	hold := make(chan struct{})
	// The fault: the refill waits at the API until the test releases it.
	g.sb.Inject("plans.refill", sandbox.Fault{Hold: hold})
	clientGone := make(chan struct{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		go func() { <-r.Context().Done(); close(clientGone) }()
		g.app.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	ctx, hangUp := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		body := `{"query": "mutation { refillAirtime(input: {customerId: \"27831000001\", type: VOUCHER, voucherActivationCode: \"1234\"}) { refill { amount { amount } } } }"}`
		req, _ := http.NewRequestWithContext(ctx, "POST", front.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("transactionId", "txn-hangup-1")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	waitFor(t, "the refill to reach the API", func() bool { return g.calls()["plans.refill"] == 1 })
	hangUp()
	<-done
	<-clientGone // the facade saw the client go
	close(hold)
	waitFor(t, "the refill's outcome in the log", func() bool {
		// The customer as its masked stand-in (access.Masker): never the MSISDN.
		return regexp.MustCompile(`"transactionId":"txn-hangup-1","customer":"h:[0-9a-f]{16}…01","outcome":"done","message":"upstream write"`).MatchString(g.logs.String())
	})
	if got := balance(g); got != "318.61" {
		t.Errorf("balance %v: the refill did not complete", got)
	}
}

// waitFor polls cond until it holds; the bound only catches a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRevokedTokenCostsOneWriteAndOneFetch(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	verify := `mutation { verifyAccountholder(input: {id: "27831000001", identities: [{type: MSISDN, value: "27831000001"}]}) { validation { isValid } } }`
	if r := g.query(verify, nil); len(r.Errors) != 0 {
		t.Fatalf("%+v", r.Errors)
	}
	fetches := g.sb.Calls()["oauth.token"]
	g.sb.RevokeTokens()
	r := g.query(verify, nil)
	if e := r.errorAt("verifyAccountholder"); e == nil || e.code() != "UPSTREAM_UNAUTHORIZED" {
		t.Fatalf("first write after revocation: %+v", r.Errors)
	}
	if n := g.calls()["accountholders.verify"]; n != 2 {
		t.Errorf("verify sent %d times in all, want 2: the refused one is not re-sent", n)
	}
	if r := g.query(verify, nil); len(r.Errors) != 0 || at(r.Data, "verifyAccountholder.validation.isValid") != true {
		t.Fatalf("next write: %+v", r.Errors)
	}
	if n := g.sb.Calls()["oauth.token"] - fetches; n != 1 {
		t.Errorf("%d token fetches after revocation, want 1", n)
	}
}

func TestBlackHoledTokenEndpoint(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.Upstream.Timeout = 200 * time.Millisecond
		c.RequestTimeout = 5 * time.Minute // what bounds the wait must be MTN_TIMEOUT
	})
	// The fault: the token endpoint accepts the connection and never answers.
	g.sb.Inject("oauth.token", sandbox.Fault{Hang: true})
	r := g.query(`{ accountholder(id: "27831000001") { status } }`, nil)
	e := r.errorAt("accountholder")
	if e == nil || e.code() != "UPSTREAM_UNAVAILABLE" || !strings.Contains(g.logs.String(), "the token endpoint did not answer in time") {
		t.Fatalf("errors %+v", r.Errors)
	}
	if n := g.calls()["accountholders.get"]; n != 0 {
		t.Errorf("%d calls without a token", n)
	}
	if r := g.query(`{ __typename }`, nil); at(r.Data, "__typename") != "Query" {
		t.Error("server stuck")
	}
}

// TestNoSecretInAnyLog sends a known voucher code through every error path
// and looks for it in every log line.
func TestNoSecretInAnyLog(t *testing.T) {
	t.Parallel()
	const voucher = "VOUCHER-PIN-7340"
	g := newTestGraph(t, sandbox.Options{}, nil)
	refill := `mutation($v: String) { refillAirtime(input: {customerId: "27831000001", type: VOUCHER, voucherActivationCode: $v}) { refill { amount { amount } } } }`
	raw := []string{
		`{"query": 0, "variables": {"v": "` + voucher + `"}}`,
		`{"query": "` + refill + `", "variables": "` + voucher + `"}`,
		`{"query": "` + refill + `", "variables": {"v": "` + voucher + `"}, "operationName": 7}`,
		`{"query": "` + refill + `", "variables": {"v": "` + voucher + `"`,
		`{"query": "mutation { refillAirtime(input: {voucherActivationCode: \"` + voucher + `\"}) }"}`,
		`{"query": "` + refill + `", "variables": {"v": ["` + voucher + `"]}}`,
		`[{"query": "` + refill + `", "variables": {"v": "` + voucher + `"}}]`,
	}
	for _, body := range raw {
		req, _ := http.NewRequest("POST", g.url+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, fault := range []sandbox.Fault{{Status: 400}, {Status: 500}, {Drop: true}, {Body: `{"statusMessage": "voucher ` + voucher + ` is not valid"}`, Status: 400}} {
		g.sb.Inject("plans.refill", fault)
		g.query(refill, map[string]any{"v": voucher})
	}
	if strings.Contains(g.logs.String(), voucher) || strings.Contains(g.logs.String(), "7340") {
		t.Errorf("the voucher code is in the log:\n%s", g.logs.String())
	}
	if n := g.calls()["plans.refill"]; n != 4 {
		t.Errorf("%d refills sent, want one per fault", n)
	}
}

// TestOnlySubscriptionsLiveLikeStreams: a query sent with Accept:
// text/event-stream keeps GRAPH_REQUEST_TIMEOUT.
func TestOnlySubscriptionsLiveLikeStreams(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.RequestTimeout = 300 * time.Millisecond })
	// The fault: plans never answers during this test.
	g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold})
	events := sseEvents(t, g.url, `{ customer(id: "27831000001") { plans { __typename } } }`)
	if len(events) != 1 || !strings.Contains(events[0], `"UPSTREAM_UNAVAILABLE"`) {
		t.Errorf("events %v", events)
	}
}

// TestQueriesOverSSEHoldAStreamSlot: Accept: text/event-stream is no way
// around the stream limits.
func TestQueriesOverSSEHoldAStreamSlot(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.MaxStreamsPerClient = 1 })
	// The fault: plans waits until the test releases it, so the first
	// query is still streaming when the second arrives.
	g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold})
	first := make(chan []string, 1)
	go func() { first <- sseEvents(t, g.url, `{ customer(id: "27831000001") { plans { tariffPlan } } }`) }()
	waitFor(t, "the first query to reach plans", func() bool { return g.calls()["plans.getPlans"] == 1 })
	second := sseEvents(t, g.url, `{ __typename }`)
	close(hold)
	if len(second) != 1 || !strings.Contains(second[0], "live subscriptions (GRAPH_MAX_STREAMS_PER_CLIENT)") {
		t.Errorf("second stream: %v", second)
	}
	if ev := <-first; len(ev) != 1 || !strings.Contains(ev[0], "MTN Prepaid Flexi") {
		t.Errorf("first stream: %v", ev)
	}
	if r := g.query(`{ __typename }`, nil); at(r.Data, "__typename") != "Query" {
		t.Error("a plain POST is no stream and is not limited")
	}
}

// TestOneCustomerCannotBlackOutAnAPI: the reported outage, one query with
// two aliased subscription lists for a customer whose subscriptions always
// fail, repeated: other customers keep their subscriptions, and their calls
// reach the API.
func TestOneCustomerCannotBlackOutAnAPI(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	// The fault: every subscriptions list answers 500 — but only this one
	// customer is ever asked for.
	g.sb.Inject("subscriptions.list", sandbox.Fault{Status: 500})
	for range 20 {
		r := g.query(`{ customer(id: "27831000001") { a: subscriptions { providerId } b: subscriptions(providerId: "101") { providerId } } }`, nil)
		if e := r.errorAt("customer.a"); e == nil || e.code() != "UPSTREAM_UNAVAILABLE" {
			t.Fatalf("%+v", r.Errors)
		}
	}
	g.sb.Clear("subscriptions.list")
	before := g.calls()["subscriptions.list"]
	for i := range 5 {
		r := g.query(`query($id: ID!) { customer(id: $id) { subscriptions { providerId } } }`, map[string]any{"id": sandbox.Ordinary(i)})
		if len(r.Errors) != 0 {
			t.Errorf("customer %s: %+v", sandbox.Ordinary(i), r.Errors)
		}
	}
	if n := g.calls()["subscriptions.list"] - before; n != 5 {
		t.Errorf("%d of 5 other customers' calls reached the API", n)
	}
}
