package edge

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"customergraph/globalid"
	"customergraph/graph"
	"customergraph/sandbox"
)

// selectAll selects every field of t that needs no argument, and
// __typename on every object, down to depth levels: what a client's
// normalized cache would see of the type.
func selectAll(s *ast.Schema, t *ast.Definition, depth int) string {
	var b strings.Builder
	b.WriteString("__typename")
	if t.Kind == ast.Interface || t.Kind == ast.Union {
		for _, p := range s.GetPossibleTypes(t) {
			fmt.Fprintf(&b, " ... on %s { %s }", p.Name, selectAll(s, p, depth))
		}
		return b.String()
	}
	for _, f := range t.Fields {
		if strings.HasPrefix(f.Name, "__") || slices.ContainsFunc(f.Arguments, func(a *ast.ArgumentDefinition) bool {
			return a.Type.NonNull && a.DefaultValue == nil
		}) {
			continue
		}
		ft := s.Types[f.Type.Name()]
		switch ft.Kind {
		case ast.Scalar, ast.Enum:
			b.WriteString(" " + f.Name)
		default:
			if depth > 0 {
				fmt.Fprintf(&b, " %s { %s }", f.Name, selectAll(s, ft, depth-1))
			}
		}
	}
	return b.String()
}

// identified collects every object in v that has a __typename and an id,
// keyed as Apollo Client's InMemoryCache, Relay and urql's graphcache key
// them: typename and id. A key seen with two different values is a
// collision: one customer's object would show another's data.
func identified(t *testing.T, v any, seen map[string]string) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			identified(t, e, seen)
		}
	case map[string]any:
		typ, _ := v["__typename"].(string)
		if id, ok := v["id"].(string); ok && typ != "" {
			b, _ := json.Marshal(v) // map keys sorted: one spelling per value
			key := typ + ":" + id
			if prev, dup := seen[key]; dup && prev != string(b) {
				t.Errorf("%s carries two values:\n%s\n%s", key, prev, b)
			}
			seen[key] = string(b)
		}
		for _, e := range v {
			identified(t, e, seen)
		}
	}
}

// TestIDsNeverCollideAcrossCustomers walks every object type reachable
// from Query for customers whose upstream ids repeat (subscription "4" and
// provider "101" belong to many of them) and shows that no __typename + id
// ever carries two values; then that node(id:) answers each Node as it was.
func TestIDsNeverCollideAcrossCustomers(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.MaxFields, c.MaxCost = 100000, 1000000 })
	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	customer := selectAll(s, s.Types["Customer"], 5)
	ids := []any{sandbox.HappyCustomer, sandbox.OddDatesCustomer, sandbox.BlockedCustomer, sandbox.AsyncCustomer,
		sandbox.Ordinary(0), sandbox.Ordinary(1), sandbox.Ordinary(2), sandbox.Ordinary(3)}
	r := g.query(`query($ids: [ID!]!) { customers(ids: $ids) { `+customer+` } }`, map[string]any{"ids": ids})
	for _, e := range r.Errors {
		t.Errorf("error at %s: %s", e.pathString(), e.Message)
	}
	seen := map[string]string{}
	identified(t, r.Data, seen)

	// The walk is not vacuous: every type with an id was met for several
	// customers, and the APIs' own ids did repeat across customers.
	perType := map[string]int{}
	for k := range seen {
		perType[strings.SplitN(k, ":", 2)[0]]++
	}
	for _, typ := range []string{"Customer", "VasSubscription", "SubscriptionProvider", "Account"} {
		if perType[typ] < len(ids)/2 {
			t.Errorf("%d %s objects met, want at least %d", perType[typ], typ, len(ids)/2)
		}
	}
	upstreamIDs := map[string]map[string]bool{}
	for _, c := range at(r.Data, "customers").([]any) {
		for _, p := range c.(map[string]any)["subscriptionProviders"].([]any) {
			p := p.(map[string]any)
			pid := p["providerId"].(string)
			if upstreamIDs[pid] == nil {
				upstreamIDs[pid] = map[string]bool{}
			}
			upstreamIDs[pid][p["id"].(string)] = true
		}
	}
	if !slices.ContainsFunc(mapsValues(upstreamIDs), func(m map[string]bool) bool { return len(m) > 1 }) {
		t.Errorf("no provider id was shared by two customers: %v", upstreamIDs)
	}

	// node(id:) refetches each Node with the values the walk saw.
	var nodeIDs []any
	for k := range seen {
		typ, id, _ := strings.Cut(k, ":")
		if s.Types[typ].Kind == ast.Object && slices.Contains(s.Types[typ].Interfaces, "Node") {
			nodeIDs = append(nodeIDs, id)
		}
	}
	sort.Slice(nodeIDs, func(i, j int) bool { return nodeIDs[i].(string) < nodeIDs[j].(string) })
	n := g.query(`query($ids: [ID!]!) { nodes(ids: $ids) { `+selectAll(s, s.Types["Node"], 5)+` } }`, map[string]any{"ids": nodeIDs})
	for _, e := range n.Errors {
		t.Errorf("nodes: error at %s: %s", e.pathString(), e.Message)
	}
	for i, v := range at(n.Data, "nodes").([]any) {
		b, _ := json.Marshal(v)
		key := v.(map[string]any)["__typename"].(string) + ":" + nodeIDs[i].(string)
		if seen[key] != string(b) {
			t.Errorf("node %s differs from the object it names:\n got %s\nwant %s", key, b, seen[key])
		}
	}
}

func mapsValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestNode: node(id:) costs what the object costs elsewhere, customer(id:)
// takes a Customer's global id as well as an MSISDN, and an id no Node gave
// out is refused before any call.
func TestNode(t *testing.T) {
	t.Parallel()
	happy := globalid.Encode(globalid.Customer, sandbox.HappyCustomer)
	sub := globalid.Encode(globalid.VasSubscription, sandbox.HappyCustomer, "101", "4")
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		want  string
		calls map[string]int
	}{
		{"a customer by global id", `query($id: ID!) { node(id: $id) { __typename id ... on Customer { msisdn location { country } } } }`,
			map[string]any{"id": happy},
			`{"data":{"node":{"__typename":"Customer","id":"` + happy + `","msisdn":"27831000001","location":{"country":"ZA"}}}}`,
			map[string]int{"profiles.getCustomer": 1, "total": 1}},
		{"customer(id:) takes the global id", `query($id: ID!) { customer(id: $id) { id msisdn } }`,
			map[string]any{"id": happy},
			`{"data":{"customer":{"id":"` + happy + `","msisdn":"27831000001"}}}`,
			map[string]int{"profiles.getCustomer": 1, "total": 1}},
		{"a subscription by global id", `query($id: ID!) { node(id: $id) { id ... on VasSubscription { subscriptionId providerId name } } }`,
			map[string]any{"id": sub},
			`{"data":{"node":{"id":"` + sub + `","subscriptionId":"4","providerId":"101","name":"CallerTunez"}}}`,
			map[string]int{"subscriptions.get": 1, "total": 1}},
		{"customer(id:) refuses another type's id", `query($id: ID!) { customer(id: $id) { msisdn } }`,
			map[string]any{"id": sub},
			`{"errors":[{"message":"id is the global id of a VasSubscription, not of a Customer","path":["customer"],"locations":[{"line":1,"column":19}],"extensions":{"code":"BAD_USER_INPUT"}}],"data":{"customer":null}}`,
			map[string]int{}},
		{"ids no Node gave out, and an unknown customer", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
			map[string]any{"ids": []any{"27831000001", globalid.Encode(globalid.VasSubscription, sandbox.HappyCustomer, "101", ".."),
				globalid.Encode(globalid.Customer, "12"), globalid.Encode(globalid.Customer, sandbox.NotFoundCustomer)}},
			"", map[string]int{"profiles.getCustomer": 1, "total": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			if tc.want != "" {
				resp, b := g.send(tc.query, tc.vars)
				if body := strings.TrimSpace(string(b)); resp.StatusCode != 200 || body != tc.want {
					t.Errorf("got %d %s\nwant %s", resp.StatusCode, body, tc.want)
				}
			} else {
				r := g.query(tc.query, tc.vars)
				for i, code := range []string{"BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "NOT_FOUND"} {
					if e := r.errorAt(fmt.Sprintf("nodes.%d", i)); e == nil || e.code() != code {
						t.Errorf("nodes.%d: want %s, errors %+v", i, code, r.Errors)
					}
				}
			}
			got := g.calls()
			for k, v := range tc.calls {
				if got[k] != v {
					t.Errorf("calls %v, want %v", got, tc.calls)
				}
			}
		})
	}
}

// TestNodesAreCosted: each id of nodes(ids:) costs what node(id:) costs,
// so a long list is refused by the cost limit before any call.
func TestNodesAreCosted(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.MaxCost = 500 })
	sel := `... on Customer { plans { tariffPlan } subscriptions { providerId } }`
	one := g.query(`query($id: ID!) { node(id: $id) { `+sel+` } }`, map[string]any{"id": globalid.Encode(globalid.Customer, sandbox.HappyCustomer)})
	if len(one.Errors) != 0 {
		t.Fatalf("one node: %+v", one.Errors)
	}
	before := len(g.sb.Log())
	ids := make([]any, 50)
	for i := range ids {
		ids[i] = globalid.Encode(globalid.Customer, sandbox.Ordinary(i))
	}
	many := g.query(`query($ids: [ID!]!) { nodes(ids: $ids) { `+sel+` } }`, map[string]any{"ids": ids})
	if len(many.Errors) != 1 || many.Errors[0].code() != "QUERY_LIMIT_EXCEEDED" || !strings.Contains(many.Errors[0].Message, "cost") {
		t.Errorf("50 nodes: %+v", many.Errors)
	}
	if n := len(g.sb.Log()) - before; n != 0 {
		t.Errorf("%d upstream calls for a refused operation", n)
	}
}
