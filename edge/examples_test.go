package edge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"customergraph/graph"
	"customergraph/persisted"
)

// TestExamplesFitTheSchema: every GraphQL document a user is shown — the
// playground's tabs, the examples of README.md and docs/ and edge/testdata/queries — parses
// and validates against the schema, so a schema change cannot leave one
// behind.
func TestExamplesFitTheSchema(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	docs, err := persisted.Shipped("..")
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob("../docs/*.md")
	for _, page := range append(pages, "../README.md") {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for i, block := range strings.Split(string(text), "```graphql\n")[1:] {
			docs[page+" block "+itoa(int64(i+1))] = block[:strings.Index(block, "```")]
		}
	}
	if len(docs) < 15 {
		t.Fatalf("only %d documents found: the sources moved", len(docs))
	}
	t.Logf("%d documents", len(docs))
	for name, doc := range docs {
		if _, errs := gqlparser.LoadQuery(schema, doc); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
}
