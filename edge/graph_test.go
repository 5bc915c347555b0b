package edge

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"customergraph/sandbox"
)

// TestEveryOperationIsReachable runs one real GraphQL query per upstream
// operation and checks the sandbox saw exactly that operation once.
func TestEveryOperationIsReachable(t *testing.T) {
	h := sandbox.HappyCustomer
	// Operations on subscription 9 need it to exist: each such subtest
	// subscribes first, in its own sandbox.
	const subscribe9 = `mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "MTN Play Music", type: RECURRING, autoRenew: true}) { subscription { id } } }`
	cases := []struct {
		op, query string
		vars      map[string]any
		path      string
		want      any
	}{
		{"profiles.getCustomer", `query($id: ID!) { customer(id: $id) { location { country } } }`, map[string]any{"id": h}, "customer.location.country", "ZA"},
		{"plans.getPlans", `query($id: ID!) { customer(id: $id) { plans { tariffPlan } } }`, map[string]any{"id": h}, "customer.plans.tariffPlan", "MTN Prepaid Flexi"},
		{"plans.getPlan", `query($id: ID!) { customer(id: $id) { plan(productCode: "VOICE100") { balances { balanceType } } } }`, map[string]any{"id": h}, "customer.plan.balances.0.balanceType", "VOICE"},
		{"plans.refill", `mutation($in: RefillAirtimeInput!) { refillAirtimeNow: refillAirtime(input: $in) { refill { amount { amount currency } statusMessage } } }`,
			map[string]any{"in": map[string]any{"customerId": "+27 83 100 0001", "type": "VOUCHERLESS", "refillProfileId": "P1", "amount": "15.5"}}, "refillAirtimeNow.refill.amount.amount", "15.50"},
		{"plans.requestPremium", `mutation($in: RequestPremiumInput!) { requestPremium(input: $in) { quote { originReferenceId premium { amount currency } } } }`,
			map[string]any{"in": map[string]any{"customerId": h, "receivingCustomerId": sandbox.PartialPlansCustomer, "product": "aYo Life", "transactionType": "PREMIUM",
				"amount": map[string]any{"amount": "200.00", "currency": "ZAR"}}}, "requestPremium.quote.premium.amount", "10.00"},
		{"subscriptions.list", `query($id: ID!) { customer(id: $id) { subscriptions(providerId: "101") { subscriptions { name } } } }`, map[string]any{"id": h}, "customer.subscriptions.0.subscriptions.0.name", "CallerTunez"},
		{"subscriptions.subscribe", `mutation { subscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202", name: "MTN Play Music", type: RECURRING, autoRenew: true}) { subscription { id status type autoRenew } pending { id } } }`,
			nil, "subscribe.subscription.type", "RECURRING"},
		{"subscriptions.get", `query($id: ID!) { customer(id: $id) { subscription(id: "9", providerId: "202") { name } } }`, map[string]any{"id": h}, "customer.subscription.name", "MTN Play Music"},
		{"subscriptions.unsubscribe", `mutation { unsubscribe(input: {customerId: "27831000001", subscriptionId: "9", providerId: "202"}) { result { subscriptionId status } } }`, nil, "unsubscribe.result.status", "UNSUBSCRIBE_SUCCESSFUL"},
		{"subscriptions.unsubscribeAll", `mutation { unsubscribeAll(input: {customerId: "27831000001", providerId: "101"}) { status description requestId expectedResults } }`, nil, "unsubscribeAll.status", "UNSUBSCRIBE_SUCCESSFUL"},
		{"subscriptions.providers", `query($id: ID!) { customer(id: $id) { subscriptionProviders { id name } } }`, map[string]any{"id": h}, "customer.subscriptionProviders.1.name", "MTN Play Services"},
		{"accountholders.get", `query { accountholder(id: "27831000001") { status fris { currency } } }`, nil, "accountholder.status", "ACTIVE"},
		{"accountholders.validate", `query { customer(id: "27831000008") { accountholder { validation { isValid } } } }`, nil, "customer.accountholder.validation.isValid", false},
		{"accountholders.verify", `mutation { verifyAccountholder(input: {id: "27831000001", identities: [{type: MSISDN, value: "27831000001"}]}) { validation { isValid } } }`, nil, "verifyAccountholder.validation.isValid", true},
	}
	setup := map[string]string{"subscriptions.get": subscribe9, "subscriptions.unsubscribe": subscribe9}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			if q := setup[tc.op]; q != "" {
				if r := g.query(q, nil); len(r.Errors) > 0 {
					t.Fatalf("setup: %+v", r.Errors)
				}
			}
			before := g.calls()
			r := g.query(tc.query, tc.vars)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			if got := at(r.Data, tc.path); got != tc.want {
				t.Errorf("%s = %v, want %v", tc.path, got, tc.want)
			}
			after := g.calls()
			if d := after[tc.op] - before[tc.op]; d != 1 {
				t.Errorf("%s called %d times", tc.op, d)
			}
		})
	}

	t.Run("subscriptions.status", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, nil)
		r := g.query(`mutation { subscribe(input: {customerId: "27831000009", subscriptionId: "11", providerId: "202", name: "MTN Play Video"}) {
			subscription { id } pending { id customerId subscriptionId providerId status } } }`, nil)
		if len(r.Errors) > 0 || at(r.Data, "subscribe.subscription") != nil || at(r.Data, "subscribe.pending.status") != "PENDING" {
			t.Fatalf("subscribe: %+v %v", r.Errors, r.Data)
		}
		p := at(r.Data, "subscribe.pending").(map[string]any)
		poll := `query($id: ID!) { subscriptionStatus(id: $id) { status } }`
		vars := map[string]any{"id": p["id"]}
		var seen []string
		for range 3 {
			r := g.query(poll, vars)
			seen = append(seen, fmt.Sprint(at(r.Data, "subscriptionStatus.status")))
		}
		if strings.Join(seen, ",") != "PENDING,PENDING,ACTIVE" {
			t.Errorf("polls: %v", seen)
		}
		if g.calls()["subscriptions.status"] != 3 {
			t.Errorf("status calls %d", g.calls()["subscriptions.status"])
		}
	})
}

// TestUpstreamCallCounts pins the cost of queries in upstream calls.
func TestUpstreamCallCounts(t *testing.T) {
	t.Run("a full view calls each needed operation once", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, nil)
		r := g.query(fixture(t, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		want := map[string]int{"profiles.getCustomer": 1, "plans.getPlans": 1, "subscriptions.list": 1, "subscriptions.providers": 1,
			"accountholders.get": 1, "accountholders.validate": 1, "total": 6}
		if got := g.calls(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("calls %v, want %v", got, want)
		}
		for _, e := range g.sb.Log() {
			if e.Op == "profiles.getCustomer" && e.Query != "propset=full" {
				t.Errorf("profile query %q", e.Query)
			}
		}
	})
	t.Run("a basic-only selection uses propset=basic", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, nil)
		r := g.query(fixture(t, "customer_basic.graphql"), map[string]any{"id": sandbox.HappyCustomer})
		if len(r.Errors) > 0 || at(r.Data, "customer.msisdn") != sandbox.HappyCustomer {
			t.Fatalf("%+v %v", r.Errors, r.Data)
		}
		log := g.sb.Log()
		if len(log) != 1 || log[0].Query != "propset=basic" {
			t.Errorf("log %+v", log)
		}
	})
	t.Run("the existence check and full fields together cost one full call", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, nil)
		g.query(`{ customer(id: "27831000001") { msisdn location { country } } }`, nil)
		if log := g.sb.Log(); len(log) != 1 || log[0].Query != "propset=full" {
			t.Errorf("log %+v", log)
		}
	})
	t.Run("customers with 50 ids including duplicates: one call per distinct id", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, nil)
		var ids []any
		distinct := map[string]bool{}
		for i := range 50 {
			id := sandbox.Ordinary(i % 30)
			if i%7 == 0 { // the same customer as users type it
				id = "+" + id[:2] + " " + id[2:4] + " " + id[4:]
			}
			ids = append(ids, id)
			distinct[sandbox.Ordinary(i%30)] = true
		}
		r := g.query(fixture(t, "customers_list.graphql"), map[string]any{"ids": ids})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		if n := len(at(r.Data, "customers").([]any)); n != 50 {
			t.Errorf("%d customers returned", n)
		}
		if at(r.Data, "customers.35.msisdn") != sandbox.Ordinary(5) {
			t.Errorf("order not kept: %v", at(r.Data, "customers.35.msisdn"))
		}
		if got := g.calls()["profiles.getCustomer"]; got != len(distinct) {
			t.Errorf("profile calls %d, want %d", got, len(distinct))
		}
	})
	t.Run("aliases with equal arguments share one call", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, nil)
		r := g.query(fixture(t, "aliases.graphql"), map[string]any{"id": sandbox.HappyCustomer})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		c := g.calls()
		if c["plans.getPlans"] != 2 || c["profiles.getCustomer"] != 1 || c["total"] != 3 {
			t.Errorf("calls %v: want 2 plans calls (DATA, VOICE) and 1 profile call", c)
		}
	})
	t.Run("a malformed id makes no call", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, nil)
		r := g.query(`{ customer(id: "27-83-ABC") { location { country } } customers(ids: ["27831000001", "12"]) { msisdn } }`, nil)
		// The one valid id costs its existence check; the malformed ones nothing.
		if c := g.calls(); c["total"] != 1 || c["profiles.getCustomer"] != 1 {
			t.Errorf("calls %v", c)
		}
		if at(r.Data, "customers.0.msisdn") != "27831000001" || at(r.Data, "customers.1") != nil {
			t.Errorf("customers %v", at(r.Data, "customers"))
		}
		for _, p := range []string{"customer", "customers.1"} {
			if e := r.errorAt(p); e == nil || e.code() != "BAD_USER_INPUT" {
				t.Errorf("%s: %+v", p, r.Errors)
			}
		}
	})
	t.Run("more than 100 ids is refused", func(t *testing.T) {
		g := newTestGraph(t, sandbox.Options{}, nil)
		ids := make([]any, 101)
		for i := range ids {
			ids[i] = sandbox.Ordinary(i)
		}
		r := g.query(fixture(t, "customers_list.graphql"), map[string]any{"ids": ids})
		if e := r.errorAt("customers"); e == nil || e.code() != "BAD_USER_INPUT" || !strings.Contains(e.Message, "at most 100") || g.calls()["total"] != 0 {
			t.Errorf("%+v, calls %v", r.Errors, g.calls())
		}
	})
}

// TestValidationDoesNotWaitForTheProfile: accountholder validation needs
// only the id, so it is sent alongside the accountholder profile, not after.
func TestValidationDoesNotWaitForTheProfile(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	g.sb.SetLatency(sandbox.Accountholders, 100*time.Millisecond)
	g.query(`{ customer(id: "27831000001") { accountholder { status validation { isValid } } } }`, nil)
	log := g.sb.Log() // in order of completion
	var get, validate int
	for i, e := range log {
		switch e.Op {
		case "accountholders.get":
			get = i + 1
		case "accountholders.validate":
			validate = i + 1
		}
	}
	if get == 0 || validate == 0 || g.sb.MaxInFlight(sandbox.Accountholders) < 2 {
		t.Errorf("log %+v, max in flight %d: validation waited for the profile", log, g.sb.MaxInFlight(sandbox.Accountholders))
	}
}
