package edge

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"customergraph/sandbox"
)

// TestMutationInputsAreCheckedFirst: a bad input is BAD_USER_INPUT and
// reaches no upstream API.
func TestMutationInputsAreCheckedFirst(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	cases := []struct{ name, query, want string }{
		{"voucher without code", `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHER}) { refill { amount { amount } } } }`, "voucherActivationCode must not be empty"},
		{"voucherless without amount", `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1"}) { refill { amount { amount } } } }`, "amount is required"},
		{"negative amount", `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1", amount: "-5"}) { refill { amount { amount } } } }`, "positive decimal"},
		{"zero amount", `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1", amount: "0.00"}) { refill { amount { amount } } } }`, "positive decimal"},
		{"float amount", `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1", amount: 12.5}) { refill { amount { amount } } } }`, `give decimals as strings (e.g. "12.5")`},
		{"bad customer id", `mutation { refillAirtime(input: {customerId: "083 100 0001", type: VOUCHER, voucherActivationCode: "1"}) { refill { amount { amount } } } }`, "country code"},
		{"premium bad beneficiary", `mutation { requestPremium(input: {customerId: "27831000001", receivingCustomerId: "x", product: "p", transactionType: "t", amount: {amount: "1", currency: "ZAR"}}) { quote { originReferenceId } } }`, "receivingCustomerId"},
		{"subscribe bad email", `mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "n", email: "nope"}) { pending { id } } }`, "e-mail"},
		{"subscribe dates reversed", `mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "n", startDate: "2026-12-01", endDate: "2026-11-01"}) { pending { id } } }`, "endDate is before startDate"},
		{"subscribe bad date", `mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "n", startDate: "tomorrow"}) { pending { id } } }`, "not a date"},
		{"unsubscribe empty id", `mutation { unsubscribe(input: {customerId: "27831000001", subscriptionId: " ", providerId: "202"}) { result { status } } }`, `subscriptionId " " has a character outside`},
		{"verify without identities", `mutation { verifyAccountholder(input: {id: "27831000001", identities: []}) { validation { isValid } } }`, "1 to 20"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := g.query(tc.query, nil)
			if len(r.Errors) != 1 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			e := r.Errors[0]
			if code := e.code(); code != "BAD_USER_INPUT" {
				t.Errorf("code %q: %s", code, e.Message)
			}
			if len(e.Path) == 0 {
				t.Errorf("no path: %+v", e)
			}
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q lacks %q", e.Message, tc.want)
			}
			if n := g.calls()["total"]; n != 0 {
				t.Errorf("%d upstream calls", n)
			}
		})
	}
}

// TestRefillOutcomeUnknown: a refill whose answer never comes is reported
// as OUTCOME_UNKNOWN, sent once, and its effect is visible afterwards.
func TestRefillOutcomeUnknown(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.Upstream.Timeout = 200 * time.Millisecond })
	airtime := func() any {
		r := g.query(`{ customer(id: "27831000001") { plans { balances { detail { active { ... on Money { amount } } } } } } }`, nil)
		return at(r.Data, "customer.plans.balances.0.detail.active.amount")
	}
	before, _ := airtime().(string)
	// The refill takes effect, then its answer never comes: only the
	// client's timeout ends it.
	g.sb.Inject("plans.refill", sandbox.Fault{AfterCommit: true, Hang: true})
	r := g.query(`mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHER, voucherActivationCode: "1234"}) { refill { amount { amount } } } }`, nil)
	e := r.errorAt("refillAirtime")
	if e == nil || e.code() != "OUTCOME_UNKNOWN" || !strings.Contains(e.Message, "may or may not have taken effect") {
		t.Fatalf("%+v", r.Errors)
	}
	if at(r.Data, "refillAirtime") != nil {
		t.Errorf("data %v", r.Data)
	}
	if n := g.calls()["plans.refill"]; n != 1 {
		t.Errorf("refill sent %d times", n)
	}
	// The credit was applied: the outcome really was unknown, not "nothing".
	after, _ := airtime().(string)
	b, _ := strconv.ParseFloat(before, 64)
	a, _ := strconv.ParseFloat(after, 64)
	if before == "" || a-b != 50 {
		t.Errorf("balance %q before, %q after: the refill's credit of 50.00 should show", before, after)
	}
}

// TestWritesChangeWhatReadsSee: the sandbox keeps state, so an analyst sees
// the effect of a mutation in the next query.
func TestWritesChangeWhatReadsSee(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	airtime := func() any {
		r := g.query(`{ customer(id: "27831000001") { plans { balances { detail { active { ... on Money { amount } } } } } } }`, nil)
		return at(r.Data, "customer.plans.balances.0.detail.active.amount")
	}
	if v := airtime(); v != "268.61" {
		t.Fatalf("airtime %v", v)
	}
	r := g.query(`mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHER, voucherActivationCode: "1234"}) { refill { amount { amount currency } } } }`, nil)
	if at(r.Data, "refillAirtime.refill.amount.amount") != "50.00" {
		t.Fatalf("%+v %v", r.Errors, r.Data)
	}
	if v := airtime(); v != "318.61" {
		t.Errorf("airtime after refill %v", v)
	}
	// The API's rejection is the payload's userErrors, not a fault.
	status, body := g.raw(`mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "4", providerId: "101", name: "again"}) { subscription { id } userErrors { code message field } } }`)
	want := `{"data":{"subscribe":{"subscription":null,"userErrors":[{"code":"INVALID","message":"the subscriptions API rejected the request: the customer already has this subscription","field":null}]}}}`
	if status != 200 || body != want {
		t.Errorf("duplicate subscribe: %d %s\nwant %s", status, body, want)
	}
}

// TestPremiumPartial: a 207 to requestPremium, which its spec declares, is a
// partial answer: what came is there, the missing part is null with
// UPSTREAM_PARTIAL, and the write is logged as done.
func TestPremiumPartial(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	// The fault: the Plans API answers 207 without the loyalty information.
	g.sb.Inject("plans.requestPremium", sandbox.Fault{Status: 207,
		Body: `{"originReferenceId": "r-207", "statusCode": "0000", "data": {"message": "premium computed", "premium": {"type": "CURRENCY", "value": "5.00", "unit": "ZAR"}}}`})
	status, body := g.raw(`mutation { requestPremium(input: {customerId: "27831000001", receivingCustomerId: "27831000009", product: "p", transactionType: "t",
		amount: {amount: "100", currency: "ZAR"}}) { quote { originReferenceId message premium { amount currency } loyalty { newBalance { ... on Quantity { value } ... on Money { amount } } } } } }`, "X-Request-ID", "premium-207")
	want := `{"errors":[{"message":"the plans API answered without the loyalty information (HTTP 207 partial result)","path":["requestPremium","quote","loyalty"],"locations":[{"line":2,"column":110}],` +
		`"extensions":{"code":"UPSTREAM_PARTIAL","upstream":{"api":"plans","httpStatus":207,"op":"plans.requestPremium","transactionId":"premium-207"}}}],` +
		`"data":{"requestPremium":{"quote":{"originReferenceId":"r-207","message":"premium computed","premium":{"amount":"5.00","currency":"ZAR"},"loyalty":null}}}}`
	if status != 200 || body != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
	if n := g.sb.Calls()["plans.requestPremium"]; n != 1 {
		t.Errorf("%d premium requests", n)
	}
	if logs := g.logs.String(); !strings.Contains(logs, `"op":"plans.requestPremium"`) || !strings.Contains(logs, `"outcome":"done"`) {
		t.Errorf("write log: %s", logs)
	}
}

// TestEveryMutationStatesRejectionsInUserErrors: a 4xx the API sends to
// any write is the payload's userErrors, with the result null, no
// top-level error, and the write sent once.
func TestEveryMutationStatesRejectionsInUserErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		op, mutation, result string
		status               int
		code                 string
	}{
		{"plans.refill", `refillAirtime(input: {customerId: "27831000001", type: VOUCHER, voucherActivationCode: "1234"})`, "refill", 400, "INVALID"},
		{"plans.requestPremium", `requestPremium(input: {customerId: "27831000001", receivingCustomerId: "27831000009", product: "p", transactionType: "t", amount: {amount: "1", currency: "ZAR"}})`, "quote", 404, "NOT_FOUND"},
		{"subscriptions.subscribe", `subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "n"})`, "subscription", 409, "CONFLICT"},
		{"subscriptions.unsubscribe", `unsubscribe(input: {customerId: "27831000001", subscriptionId: "4", providerId: "101"})`, "result", 404, "NOT_FOUND"},
		{"subscriptions.unsubscribeAll", `unsubscribeAll(input: {customerId: "27831000001", providerId: "101"})`, "status", 400, "INVALID"},
		{"accountholders.verify", `verifyAccountholder(input: {id: "27831000001", identities: [{type: MSISDN, value: "27831000001"}]})`, "validation", 422, "INVALID"},
	} {
		t.Run(c.op, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			// The fault: the API refuses the write.
			g.sb.Inject(c.op, sandbox.Fault{Status: c.status})
			name := c.mutation[:strings.IndexByte(c.mutation, '(')]
			selection := c.result + " { __typename }"
			if c.result == "status" { // unsubscribeAll's result is a scalar
				selection = c.result
			}
			r := g.query(`mutation { `+c.mutation+` { `+selection+` userErrors { code message field } } }`, nil)
			if len(r.Errors) != 0 {
				t.Fatalf("top-level errors %+v", r.Errors)
			}
			if at(r.Data, name+"."+c.result) != nil || at(r.Data, name+".userErrors.0.code") != c.code ||
				at(r.Data, name+".userErrors.0.message") == "" || at(r.Data, name+".userErrors.0.field") != nil || at(r.Data, name+".userErrors.1") != nil {
				t.Errorf("data %v", r.Data)
			}
			if n := g.calls()[c.op]; n != 1 {
				t.Errorf("%s sent %d times", c.op, n)
			}
		})
	}
}
