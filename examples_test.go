package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"customergraph/graph"
)

// TestExamplesFitTheSchema: every GraphQL document a user is shown — the
// playground's tabs, the README's examples and testdata/queries — parses
// and validates against the schema, so a schema change cannot leave one
// behind.
func TestExamplesFitTheSchema(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	docs := map[string]string{}

	js, err := os.ReadFile(filepath.Join("web", "src", "examples.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("(?s)const (\\w+) = `(.*?)`;").FindAllStringSubmatch(string(js), -1) {
		docs["playground tab "+m[1]] = m[2]
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, block := range strings.Split(string(readme), "```graphql\n")[1:] {
		docs["README block "+itoa(int64(i+1))] = block[:strings.Index(block, "```")]
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "queries", "*.graphql"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(b)
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
