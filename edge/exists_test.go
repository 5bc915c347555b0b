package edge

import (
	"encoding/json"
	"maps"
	"testing"

	"customergraph/sandbox"
)

// TestCustomerExistence: an unknown customer is null with one NOT_FOUND at
// its own path; in a list, only its entry is.
func TestCustomerExistence(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, query string
		want        string // the whole body
		calls       map[string]int
		atMost      map[string]int // calls that may or may not be made
	}{
		{
			name:  "unknown customer",
			query: `{ customer(id: "27831000004") { msisdn location { country } subscriptionProviders { id } } }`,
			want:  `{"errors":[{"message":"not found by the profiles API","path":["customer"],"locations":[{"line":1,"column":3}],"extensions":{"code":"NOT_FOUND","upstream":{"api":"profiles","httpStatus":404,"op":"profiles.getCustomer","transactionId":"exists-test-1"}}}],"data":{"customer":null}}`,
			// The providers call starts alongside the profile call, before
			// the facade knows the customer is unknown; whether it is sent
			// depends on which comes first, the 404 or its batch.
			calls:  map[string]int{"profiles.getCustomer": 1},
			atMost: map[string]int{"subscriptions.providers": 1},
		},
		{
			name:  "only the id: one basic profile call",
			query: `{ customer(id: "+27 83 100 0001") { msisdn } }`,
			want:  `{"data":{"customer":{"msisdn":"27831000001"}}}`,
			calls: map[string]int{"profiles.getCustomer": 1},
		},
		{
			name:  "a list: each entry stands alone",
			query: `{ customers(ids: ["27831000001", "27831000004", "../x", "27831000001"]) { msisdn } }`,
			want: `{"errors":[{"message":"customer id \"../x\" is not an MSISDN: only digits, spaces, '-', '.', '(', ')' and a leading '+' are allowed","path":["customers",2],"locations":[{"line":1,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}},` +
				`{"message":"not found by the profiles API","path":["customers",1],"locations":[{"line":1,"column":3}],"extensions":{"code":"NOT_FOUND","upstream":{"api":"profiles","httpStatus":404,"op":"profiles.getCustomer","transactionId":"exists-test-1"}}}],` +
				`"data":{"customers":[{"msisdn":"27831000001"},null,null,{"msisdn":"27831000001"}]}}`,
			calls: map[string]int{"profiles.getCustomer": 2},
		},
		{
			name:  "unknown accountholder",
			query: `{ accountholder(id: "27831000004") { status } }`,
			want:  `{"errors":[{"message":"not found by the accountholders API","path":["accountholder"],"locations":[{"line":1,"column":3}],"extensions":{"code":"NOT_FOUND","upstream":{"api":"accountholders","httpStatus":404,"op":"accountholders.get","transactionId":"exists-test-1"}}}],"data":{"accountholder":null}}`,
			calls: map[string]int{"accountholders.get": 1},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			status, body := g.raw(c.query, "X-Request-ID", "exists-test-1")
			if status != 200 || body != c.want {
				t.Errorf("got %d %s\nwant %s", status, body, c.want)
			}
			got := g.calls()
			for op, n := range c.atMost {
				if got[op] > n {
					t.Errorf("%d %s calls, want at most %d", got[op], op, n)
				}
				delete(got, op)
			}
			if !equalCounts(got, c.calls) {
				t.Errorf("calls %v, want %v", got, c.calls)
			}
		})
	}
}

// TestExistenceCheckAddsNoLeg: while the profile call is held, the other
// calls of the customer's selection have already been sent.
func TestExistenceCheckAddsNoLeg(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	hold := make(chan struct{})
	g.sb.Inject("profiles.getCustomer", sandbox.Fault{Hold: hold})
	done := make(chan *gqlResponse, 1)
	go func() {
		done <- g.query(`{ customer(id: "27831000001") { plans(type: DATA) { tariffPlan } subscriptions { providerId } accountholder { status validation { isValid } } } }`, nil)
	}()
	waitFor(t, "the other calls to start while the profile is held", func() bool {
		select {
		case r := <-done:
			t.Fatalf("the query ended while the profile was held: %+v", r.Errors)
		default:
		}
		c := g.calls()
		return c["plans.getPlans"] == 1 && c["subscriptions.list"] == 1 && c["accountholders.get"] == 1 && c["accountholders.validate"] == 1
	})
	close(hold)
	r := <-done
	if len(r.Errors) != 0 || at(r.Data, "customer.plans.tariffPlan") == nil {
		b, _ := json.Marshal(r)
		t.Fatalf("%s", b)
	}
	want := map[string]int{"profiles.getCustomer": 1, "plans.getPlans": 1, "subscriptions.list": 1, "accountholders.get": 1, "accountholders.validate": 1}
	if got := g.calls(); !equalCounts(got, want) {
		t.Errorf("calls %v, want %v: a field's own load did not reuse the one started early", got, want)
	}
}

func equalCounts(got, want map[string]int) bool {
	got = maps.Clone(got)
	delete(got, "total")
	for k, v := range got {
		if v != 0 && want[k] != v {
			return false
		}
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestEmptyIsNotNull: a customer with no subscription providers has
// subscriptions [], not null.
func TestEmptyIsNotNull(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	// The fault: the services map is empty.
	g.sb.Inject("subscriptions.list", sandbox.Fault{Body: `{"customerId": "27831000001", "services": {}}`})
	if status, body := g.raw(`{ customer(id: "27831000001") { subscriptions { providerId } } }`); status != 200 ||
		body != `{"data":{"customer":{"subscriptions":[]}}}` {
		t.Errorf("%d %s", status, body)
	}
}

// TestNullStaysNull: a JSON null from upstream is null to the client, an
// empty string is "", and an absent member is null.
func TestNullStaysNull(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	// The fault: one provider's subscriptions with null, empty and absent members.
	g.sb.Inject("subscriptions.list", sandbox.Fault{Body: `{"customerId": "27831000001", "services": {"101": {"statusCode": "0000", "data": {"subscriptions": [
		{"subscriptionId": "1", "email": null, "beneficiaryId": null},
		{"subscriptionId": "2", "email": "", "beneficiaryId": "27831000009"},
		{"subscriptionId": "3"}]}}}}`})
	status, body := g.raw(`{ customer(id: "27831000001") { subscriptions { subscriptions { subscriptionId email beneficiaryId } } } }`)
	want := `{"data":{"customer":{"subscriptions":[{"subscriptions":[{"subscriptionId":"1","email":null,"beneficiaryId":null},{"subscriptionId":"2","email":"","beneficiaryId":"27831000009"},{"subscriptionId":"3","email":null,"beneficiaryId":null}]}]}}}`
	if status != 200 || body != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
}
