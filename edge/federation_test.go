package edge

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"customergraph/globalid"
	"customergraph/sandbox"
)

// The subgraph's _entities, sent as a gateway sends it: one call with the
// representations of one fetch. scripts/federation runs the same through
// Apollo Gateway and Hive Gateway.

const entitiesQuery = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Customer { msisdn location { country } } } }`

func customerRep(key, value string) map[string]any {
	return map[string]any{"__typename": "Customer", key: value}
}

func TestEntitiesCostOneCallPerDistinctCustomer(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	a, b, unknown := sandbox.Ordinary(1), sandbox.Ordinary(2), "27839999999"
	reps := []any{
		customerRep("msisdn", a),
		customerRep("msisdn", b),
		customerRep("id", globalid.Encode(globalid.Customer, a)), // the same customer by its other key
		customerRep("msisdn", unknown),
		customerRep("msisdn", "+27 "+a[2:]), // and in another notation
	}
	r := g.query(entitiesQuery, map[string]any{"representations": reps})
	if got := g.calls()["profiles.getCustomer"]; got != 3 {
		t.Errorf("profile calls: %d, want 3 (one per distinct customer)", got)
	}
	list := r.Data["_entities"].([]any)
	if len(list) != 5 || list[3] != nil {
		t.Fatalf("_entities: %v", list)
	}
	for _, i := range []int{2, 4} {
		if diff := cmp.Diff(list[0], list[i]); diff != "" {
			t.Errorf("representation %d answers another customer than 0 (-0 +%d):\n%s", i, i, diff)
		}
	}
	if at(list[1], "msisdn") != b {
		t.Errorf("representation 1: %v", list[1])
	}
	want := []gqlError{{Message: "not found by the profiles API", Path: []any{"_entities", float64(3)}, Extensions: r.Errors[0].Extensions}}
	if diff := cmp.Diff(want, r.Errors); diff != "" || r.Errors[0].code() != "NOT_FOUND" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestEntitiesKeepThePartialFailureContract(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	g.sb.Inject("plans.getPlans", sandbox.Fault{Status: 500})
	q := `query ($representations: [_Any!]!) { _entities(representations: $representations) {
	  ... on Customer { msisdn location { country } plans { balances { balanceType } } } } }`
	r := g.query(q, map[string]any{"representations": []any{customerRep("msisdn", sandbox.Ordinary(1)), customerRep("msisdn", sandbox.Ordinary(2))}})
	var paths []string
	for _, e := range r.Errors {
		paths = append(paths, e.pathString()+" "+e.code())
	}
	slices.Sort(paths)
	if diff := cmp.Diff([]string{"_entities.0.plans UPSTREAM_UNAVAILABLE", "_entities.1.plans UPSTREAM_UNAVAILABLE"}, paths); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	for i, c := range r.Data["_entities"].([]any) {
		if at(c, "location.country") == nil || at(c, "plans") != nil {
			t.Errorf("representation %d: %v (the profile answered, plans null)", i, c)
		}
	}
}

func TestEntitiesAreBounded(t *testing.T) {
	t.Parallel()
	t.Run("at most 100 representations of a type", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, nil)
		reps := make([]any, 101)
		for i := range reps {
			reps[i] = customerRep("msisdn", sandbox.Ordinary(i))
		}
		_, body := g.send(entitiesQuery, map[string]any{"representations": reps})
		want := `{"errors":[{"message":"_entities takes at most 100 representations of Customer; 101 were given","path":["_entities"],"extensions":{"code":"BAD_USER_INPUT"}}],"data":{"_entities":[` + strings.TrimSuffix(strings.Repeat("null,", 101), ",") + `]}}` + "\n"
		if diff := cmp.Diff(want, string(body)); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
		if n := g.calls()["total"]; n != 0 {
			t.Errorf("%d upstream calls, want 0", n)
		}
	})
	t.Run("each representation costs a customer lookup", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.MaxCost = 100 })
		reps := make([]any, 40)
		for i := range reps {
			reps[i] = customerRep("msisdn", sandbox.Ordinary(i))
		}
		r := g.query(entitiesQuery, map[string]any{"representations": reps})
		if len(r.Errors) != 1 || r.Errors[0].code() != "QUERY_LIMIT_EXCEEDED" || r.Errors[0].Extensions["limit"] != "cost" {
			t.Errorf("errors: %+v", r.Errors)
		}
		if n := g.calls()["total"]; n != 0 {
			t.Errorf("%d upstream calls, want 0", n)
		}
	})
}

func TestSubscriptionEntities(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	const sel = `id subscriptionId name`
	r := g.query(fmt.Sprintf(`{ customer(id: %q) { subscriptions { subscriptions { %s } } } }`, sandbox.HappyCustomer, sel), nil)
	sub := at(r.Data, "customer.subscriptions.0.subscriptions.0").(map[string]any)
	q := `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on VasSubscription { ` + sel + ` } } }`
	e := g.query(q, map[string]any{"representations": []any{
		map[string]any{"__typename": "VasSubscription", "id": sub["id"]},
		map[string]any{"__typename": "VasSubscription", "id": globalid.Encode(globalid.Customer, sandbox.HappyCustomer)},
	}})
	list := e.Data["_entities"].([]any)
	if diff := cmp.Diff(any(sub), list[0]); diff != "" {
		t.Errorf("the subscription by its key (-customer's +entity):\n%s", diff)
	}
	if list[1] != nil || len(e.Errors) != 1 || e.Errors[0].pathString() != "_entities.1" || e.Errors[0].code() != "BAD_USER_INPUT" {
		t.Errorf("a Customer's id as a VasSubscription key: %v %+v", list[1], e.Errors)
	}
}

func TestEntitiesHonourScopes(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.AnonymousScopes = []string{"none"} })
	q := `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { msisdn kyc { idType } } } }`
	r := g.query(q, map[string]any{"representations": []any{customerRep("msisdn", sandbox.Ordinary(1))}})
	if len(r.Errors) != 1 || r.Errors[0].pathString() != "_entities.0.kyc" || r.Errors[0].code() != "FORBIDDEN" {
		t.Errorf("errors: %+v", r.Errors)
	}
	if at(r.Data, "_entities.0.msisdn") != sandbox.Ordinary(1) {
		t.Errorf("data: %v", r.Data)
	}
}

func TestServiceSDL(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	r := g.query(`{ _service { sdl } }`, nil)
	sdl, _ := at(r.Data, "_service.sdl").(string)
	for _, want := range []string{
		`@link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])`,
		`type Customer implements Node @key(fields: "id") @key(fields: "msisdn")`,
		`type VasSubscription implements Node @key(fields: "id")`,
		`kyc: [KycRecord!] @requiresScopes(scopes: [["pii:read"]])`,
	} {
		if !strings.Contains(sdl, want) {
			t.Errorf("_service.sdl lacks %s", want)
		}
	}
	if strings.Contains(sdl, "directive @key") || strings.Contains(sdl, "_entities") {
		t.Errorf("_service.sdl holds the federation definitions, which gateways bring themselves")
	}

	off := newTestGraph(t, sandbox.Options{}, func(c *Config) { f := false; c.Introspection = &f })
	_, body := off.send(`{ _service { sdl } }`, nil)
	want := `{"errors":[{"message":"introspection is disabled on this server (GRAPH_INTROSPECTION=false); the schema is documented in the repository's graph/*.graphqls, which is also the subgraph SDL _service would answer (docs/federation.md)","path":["_service"],"locations":[{"line":1,"column":3}],"extensions":{"code":"INTROSPECTION_DISABLED"}}],"data":null}` + "\n"
	if diff := cmp.Diff(want, string(body)); diff != "" {
		t.Errorf("_service with introspection off (-want +got):\n%s", diff)
	}
}
