// Command manifest writes the manifest of trusted documents for
// GRAPH_PERSISTED_OPERATIONS: every document the repository ships (the
// playground's tabs and edge/testdata/queries), in Apollo's persisted query
// manifest format, which the facade and Apollo's and The Guild's client
// tooling read.
//
//	go run ./scripts/manifest > persisted-operations.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"customergraph/persisted"
)

type operation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Body string `json:"body"`
}

func main() {
	docs, err := persisted.Shipped(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "manifest:", err)
		os.Exit(1)
	}
	seen := map[string]bool{}
	var ops []operation
	for source, body := range docs {
		doc, err := parser.ParseQuery(&ast.Source{Name: source, Input: body})
		if err != nil || len(doc.Operations) == 0 {
			fmt.Fprintf(os.Stderr, "manifest: %s: %v\n", source, err)
			os.Exit(1)
		}
		id := persisted.Hash(body)
		if seen[id] {
			continue
		}
		seen[id] = true
		op := doc.Operations[0]
		ops = append(ops, operation{ID: id, Name: op.Name, Type: string(op.Operation), Body: body})
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	out := map[string]any{"format": "apollo-persisted-query-manifest", "version": 1, "operations": ops}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "manifest:", err)
		os.Exit(1)
	}
}
