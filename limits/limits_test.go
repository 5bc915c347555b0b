package limits

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func measureQuery(t *testing.T, q string) stats {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	frags := map[string]*ast.FragmentDefinition{}
	for _, f := range doc.Fragments {
		frags[f.Name] = f
	}
	return measure(doc.Operations[0].SelectionSet, frags, map[string]stats{}, map[string]bool{})
}

func TestMeasure(t *testing.T) {
	cases := []struct {
		q                      string
		depth, aliases, fields int
	}{
		{`{ a }`, 1, 0, 1},
		{`{ a { b { c } } }`, 3, 0, 3},
		{`{ x: a y: a { b } }`, 2, 2, 3},
		{`{ ...F ...F } fragment F on Q { a { b } }`, 2, 0, 4},
		{`{ a { ... on T { b { c } } } }`, 3, 0, 3},
		{`{ ...F } fragment F on Q { ...F a }`, 1, 0, 1}, // a cycle counts once; validation rejects it
	}
	for _, tc := range cases {
		s := measureQuery(t, tc.q)
		if s.depth != tc.depth || s.aliases != tc.aliases || s.fields != tc.fields {
			t.Errorf("%s: %+v, want depth %d aliases %d fields %d", tc.q, s, tc.depth, tc.aliases, tc.fields)
		}
	}
}
