package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"customergraph/sandbox"
)

// query is one entry of the fixed suite: the GraphQL request, the distinct
// upstream calls it cannot do without (its minimum), and the path of the
// hand-written fan-out that fetches the same data (the floor).
type query struct {
	name      string
	graphql   string
	variables map[string]any
	// single keeps the load on the one customer of variables; otherwise
	// a query with an "id" is sent for spreadOver ordinary customers.
	single bool
	need   []string // one entry per upstream call the data requires; duplicates count once
	floor  string   // path on the floor server
	plans  bool     // touches the Plans API
}

func (q query) minimum() int {
	set := map[string]bool{}
	for _, n := range q.need {
		set[n] = true
	}
	return len(set)
}

// readQuery reads one of the facade's test queries: under edge/ since the
// edge moved there, at the root in checkouts before it (-facade).
func readQuery(root, name string) string {
	b, err := os.ReadFile(filepath.Join(root, "edge", "testdata", "queries", name))
	if errors.Is(err, fs.ErrNotExist) {
		b, err = os.ReadFile(filepath.Join(root, "testdata", "queries", name))
	}
	if err != nil {
		panic(fmt.Sprintf("run the bench from the repository root: %v", err))
	}
	return string(b)
}

// listIDs is the customers(ids:) input: 100 ids, 80 of them distinct
// (from the offset-th ordinary customer on), some typed the way users type
// them.
func listIDs(offset int) (ids []any, distinct []string) {
	seen := map[string]bool{}
	for i := range 100 {
		id := sandbox.Ordinary(offset + i%80)
		if !seen[id] {
			seen[id] = true
			distinct = append(distinct, id)
		}
		if i%5 == 0 {
			id = "+" + id[:2] + " " + id[2:4] + " " + id[4:]
		}
		ids = append(ids, id)
	}
	return ids, distinct
}

func suite(root string) []query {
	h := sandbox.HappyCustomer
	ids, distinct := listIDs(0)
	var listNeed []string
	for _, id := range distinct {
		listNeed = append(listNeed, "profiles.getCustomer full "+id)
	}
	return []query{
		{
			name: "full view", graphql: readQuery(root, "customer_full.graphql"), variables: map[string]any{"id": h},
			need: []string{"profiles.getCustomer full " + h, "plans.getPlans momo+reservations " + h, "subscriptions.list " + h,
				"subscriptions.providers " + h, "accountholders.get offnet " + h, "accountholders.validate " + h},
			floor: "/floor/full?id=" + h, plans: true,
		},
		{
			name: "basic view", graphql: readQuery(root, "customer_basic.graphql"), variables: map[string]any{"id": h},
			need:  []string{"profiles.getCustomer basic " + h},
			floor: "/floor/basic?id=" + h,
		},
		{
			name: "customers(ids:) ×100", graphql: readQuery(root, "customers_list.graphql"), variables: map[string]any{"ids": ids},
			need:  listNeed,
			floor: "/floor/list?ids=" + strings.Join(distinct, ","),
		},
		{
			name: "aliases + duplicates", graphql: readQuery(root, "aliases.graphql"), variables: map[string]any{"id": h},
			need: []string{"profiles.getCustomer full " + h, "plans.getPlans DATA " + h, "plans.getPlans DATA " + h,
				"plans.getPlans VOICE " + h, "profiles.getCustomer full " + h},
			floor: "/floor/aliases?id=" + h, plans: true,
		},
	}
}
