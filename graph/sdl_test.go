package graph_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"customergraph/graph"
)

var updateSDL = flag.Bool("update", false, "rewrite ../schema.graphql from the executable schema")

// TestSDLInSync keeps schema.graphql, at the repository's root, the schema
// the server runs: what clients' code generators, relay-compiler and the
// breaking-change check read. `go test ./graph -update` rewrites it.
func TestSDLInSync(t *testing.T) {
	b := bytes.NewBufferString(graph.SDL())
	const path = "../schema.graphql"
	if *updateSDL {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("schema.graphql is not the schema the server runs: run go test ./graph -update and commit it")
	}
}
