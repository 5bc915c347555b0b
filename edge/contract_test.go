package edge

import (
	"testing"

	"customergraph/sandbox"
)

// TestPollsSendTheSubscribesTransactionID: the spec polls a provisioning
// "using the transactionID that was used for the original provisioning
// request"; every way of polling sends it, whatever the polling request's
// own transaction id.
func TestPollsSendTheSubscribesTransactionID(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, streamConfig)
	r := g.query(`mutation { subscribe(input: {customerId: "27831000009", subscriptionId: "61", providerId: "202", name: "MTN Play Video"}) { pending { id } } }`,
		nil, "transactionId", "subscribe-0001")
	id, _ := at(r.Data, "subscribe.pending.id").(string)
	if id == "" {
		t.Fatalf("subscribe: %+v %v", r.Errors, r.Data)
	}
	g.query(`query($id: ID!) { subscriptionStatus(id: $id) { status } }`, map[string]any{"id": id}, "transactionId", "poll-0002")
	g.query(`query($id: ID!) { node(id: $id) { ... on PendingProvisioning { status } } }`, map[string]any{"id": id}, "transactionId", "poll-0003")
	sseEvents(t, g.url, `subscription { subscriptionProvisioning(id: "`+id+`") { status } }`, "transactionId", "poll-0004")
	polls := 0
	for _, e := range g.sb.Log() {
		if e.Op == "subscriptions.status" {
			polls++
			if e.TransactionID != "subscribe-0001" {
				t.Errorf("a poll sent transactionId %q, want the subscribe's", e.TransactionID)
			}
		}
	}
	// One each: the sandbox turns ACTIVE on the third, which ends the stream.
	if polls != 3 {
		t.Errorf("%d polls, want 3 (the query, node and the stream)", polls)
	}
}

// TestSubscribeSendsItsStatus: the subscribe body's subscriptionStatus is
// one of its request parameters too.
func TestSubscribeSendsItsStatus(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	status, body := g.raw(`mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "62", providerId: "101", name: "Paused", status: INACTIVE}) {
		subscription { subscriptionId status } userErrors { code } } }`)
	if want := `{"data":{"subscribe":{"subscription":{"subscriptionId":"62","status":"INACTIVE"},"userErrors":[]}}}`; status != 200 || body != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
}

// TestChildAccountholderHasNoID: a child comes with no id of its own, and
// its customerId is null, not "".
func TestChildAccountholderHasNoID(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	g.sb.Inject("accountholders.get", sandbox.Fault{Body: `{"statusCode": "0000", "customerId": "27831000001", "data": {"accountholderStatus": "ACTIVE",
		"child": [{"firstName": "Lwazi", "accountholderStatus": "ACTIVE"}]}}`}) // the fault: a child, as childrenData has it
	status, body := g.raw(`{ accountholder(id: "27831000001") { customerId children { customerId firstName validation { isValid } } } }`)
	if want := `{"data":{"accountholder":{"customerId":"27831000001","children":[{"customerId":null,"firstName":"Lwazi","validation":null}]}}}`; status != 200 || body != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
}

// TestSupportCodesAreExposed: the business status codes and request ids
// support staff quote to the API's operators reach the client.
func TestSupportCodesAreExposed(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	for _, tc := range []struct{ name, query, path, want string }{
		{"refill", `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1", amount: "5.00"}) { refill { statusCode } } }`,
			"refillAirtime.refill.statusCode", "0000"},
		{"premium", `mutation { requestPremium(input: {customerId: "27831000001", receivingCustomerId: "27831000003", product: "aYo Life", transactionType: "PREMIUM", amount: {amount: "200.00", currency: "ZAR"}}) { quote { statusCode } } }`,
			"requestPremium.quote.statusCode", "0000"},
		{"pending provisioning", `mutation { subscribe(input: {customerId: "27831000009", subscriptionId: "63", providerId: "202", name: "MTN Play Video"}) { pending { statusCode } } }`,
			"subscribe.pending.statusCode", "2020"},
		{"unsubscribe", `mutation { unsubscribe(input: {customerId: "27831000001", subscriptionId: "4", providerId: "101"}) { result { statusCode } } }`,
			"unsubscribe.result.statusCode", "2000"},
		{"transaction summary", `{ customer(id: "27831000001") { transactionSummary { requestId } } }`,
			"customer.transactionSummary.requestId", "req-27831000001"},
	} {
		r := g.query(tc.query, nil)
		if got := at(r.Data, tc.path); got != tc.want {
			t.Errorf("%s: %s = %v, want %s (errors %+v)", tc.name, tc.path, got, tc.want, r.Errors)
		}
	}
}
