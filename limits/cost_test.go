package limits

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestCostKey: a cached cost is reused across requests that differ in
// scalar variables only, never across lists of different lengths.
func TestCostKey(t *testing.T) {
	op := func(vars map[string]any) *graphql.OperationContext {
		return &graphql.OperationContext{RawQuery: "query Q($ids: [ID!]!, $x: Int) { customers(ids: $ids) { id } }", OperationName: "Q", Variables: vars}
	}
	same := []struct{ a, b map[string]any }{
		{map[string]any{"ids": []any{"1", "2"}, "x": 1}, map[string]any{"ids": []any{"3", "4"}, "x": 2}},
		{map[string]any{}, nil},
	}
	for _, c := range same {
		if costKey(op(c.a)) != costKey(op(c.b)) {
			t.Errorf("%v and %v: different keys", c.a, c.b)
		}
	}
	if costKey(op(map[string]any{"ids": []any{"1"}})) == costKey(op(map[string]any{"ids": []any{"1", "2"}})) {
		t.Error("lists of different lengths share a key")
	}
	other := op(nil)
	other.OperationName = "R"
	if costKey(op(nil)) == costKey(other) {
		t.Error("operations of one document share a key")
	}
}
