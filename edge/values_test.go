package edge

import (
	"testing"

	"customergraph/sandbox"
)

// TestDatesAreNeverReshaped: each date scalar answers only what it can
// carry. A DateTime the API sent without a zone is null with an
// UPSTREAM_ERROR quoting it (no zone invented), a day stays a day, a
// basic-format time is written in RFC 3339, and the fraction keeps its digits.
func TestDatesAreNeverReshaped(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	// The fault: the Plans API sends an endDate without a zone.
	g.sb.Inject("plans.getPlans", sandbox.Fault{Body: `{"data": {"type": "Prepaid", "status": "Active", "startDate": "2019-04-30",
		"endDate": "2027-04-12T14:31:21", "balance": [],
		"offers": {"offerId": "1", "startDate": "20210205T16:08:08+0530", "expiryDate": "2021-02-05T16:08:08.810+05:30"}}}`})
	status, body := g.raw(`{ customer(id: "27831000001") { plans { startDate endDate offer { startDate expiryDate } } } }`, "X-Request-ID", "dates-1")
	want := `{"errors":[{"message":"the upstream API sent \"2027-04-12T14:31:21\", which is not a DateTime (it has no time zone); the field is null rather than guessed",` +
		`"path":["customer","plans","endDate"],"extensions":{"code":"UPSTREAM_ERROR","transactionId":"dates-1"}}],` +
		`"data":{"customer":{"plans":{"startDate":"2019-04-30","endDate":null,"offer":{"startDate":"2021-02-05T16:08:08+05:30","expiryDate":"2021-02-05T16:08:08.810+05:30"}}}}}`
	if status != 200 || body != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
}

// TestAmountsAreMoneyOrQuantity: a value the API typed CURRENCY is Money, any
// other a Quantity (its type null when the API gave none), and one without
// its unit is null rather than a number of nothing.
func TestAmountsAreMoneyOrQuantity(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	// The fault: one balance whose wallets hold every shape of amount.
	g.sb.Inject("plans.getPlans", sandbox.Fault{Body: `{"data": {"balance": [{"balanceType": "MIXED", "wallets": [
		{"name": "money", "amount": {"type": "CURRENCY", "value": "10.50", "unit": "ZAR"}},
		{"name": "data", "amount": {"type": "DATA", "value": "1024", "unit": "MB"}},
		{"name": "untyped", "amount": {"value": "5", "unit": "POINTS"}},
		{"name": "no currency", "amount": {"type": "CURRENCY", "value": "3"}},
		{"name": "none", "amount": null}]}]}}`})
	status, body := g.raw(`{ customer(id: "27831000001") { plans { balances { wallets { name amount {
		__typename ... on Money { amount currency } ... on Quantity { value unit type } } } } } } }`)
	want := `{"data":{"customer":{"plans":{"balances":[{"wallets":[` +
		`{"name":"money","amount":{"__typename":"Money","amount":"10.50","currency":"ZAR"}},` +
		`{"name":"data","amount":{"__typename":"Quantity","value":"1024","unit":"MB","type":"DATA"}},` +
		`{"name":"untyped","amount":{"__typename":"Quantity","value":"5","unit":"POINTS","type":null}},` +
		`{"name":"no currency","amount":null},` +
		`{"name":"none","amount":null}]}]}}}}`
	if status != 200 || body != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
}
