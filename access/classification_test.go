package access_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"customergraph/access"
	"customergraph/graph"
)

// TestClassification keeps docs/personal-data.md's table equal to the
// schema: every field of every object type has a row, and a field is in
// the personal column exactly when it requires pii:read. A new field fails
// here until someone decides, in that table, whether it is personal.
func TestClassification(t *testing.T) {
	doc, err := os.ReadFile("../docs/personal-data.md")
	if err != nil {
		t.Fatal(err)
	}
	personal, open := map[string]bool{}, map[string]bool{}
	inTable := false
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		switch {
		case strings.HasPrefix(line, "| type | personal"):
			inTable = true
			continue
		case !strings.HasPrefix(line, "|"):
			inTable = false
		}
		if !inTable || len(cells) != 5 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		typ := strings.TrimSpace(cells[1])
		for col, set := range map[int]map[string]bool{2: personal, 3: open} {
			for _, f := range strings.Split(cells[col], ",") {
				if f = strings.TrimSpace(f); f != "" {
					set[typ+"."+f] = true
				}
			}
		}
	}
	if len(personal) == 0 || len(open) == 0 {
		t.Fatal("no classification table found in docs/personal-data.md")
	}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	used := map[string]bool{}
	for name, def := range schema.Types {
		// The federation plumbing gqlgen declares (_Service, the Entity
		// resolver type) holds no customer data of its own.
		fromPlugin := def.Position != nil && def.Position.Src != nil && def.Position.Src.BuiltIn
		if (def.Kind != ast.Object && def.Kind != ast.Interface) || fromPlugin || strings.HasPrefix(name, "__") || slices.Contains([]string{"Query", "Mutation", "Subscription"}, name) {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			coord := name + "." + f.Name
			req := access.Required(f)
			for _, all := range req {
				for _, s := range all {
					used[s] = true
				}
			}
			gated := access.Satisfies([]string{access.PIIRead}, req) && req != nil
			switch {
			case !personal[coord] && !open[coord]:
				t.Errorf("%s is not classified: add it to docs/personal-data.md, as personal (and give it @requiresScopes(scopes: [[\"pii:read\"]])) or not", coord)
			case personal[coord] && open[coord]:
				t.Errorf("%s is in both columns", coord)
			case personal[coord] && !gated:
				t.Errorf("%s is classified personal but does not require pii:read", coord)
			case open[coord] && req != nil:
				t.Errorf("%s is classified not personal but requires %v", coord, req)
			}
			delete(personal, coord)
			delete(open, coord)
		}
	}
	for coord := range personal {
		t.Errorf("%s is classified but not in the schema", coord)
	}
	for coord := range open {
		t.Errorf("%s is classified but not in the schema", coord)
	}
	var scopes []string
	for s := range used {
		scopes = append(scopes, s)
	}
	slices.Sort(scopes)
	if !slices.Equal(scopes, access.Known) {
		t.Errorf("the schema requires the scopes %v; access.Known lists %v", scopes, access.Known)
	}
}

func TestSatisfies(t *testing.T) {
	cases := []struct {
		granted []string
		req     [][]string
		want    bool
	}{
		{nil, [][]string{{"pii:read"}}, false},
		{[]string{"pii:read"}, [][]string{{"pii:read"}}, true},
		{[]string{"a"}, [][]string{{"a", "b"}}, false},
		{[]string{"b", "a"}, [][]string{{"a", "b"}}, true},
		{[]string{"c"}, [][]string{{"a", "b"}, {"c"}}, true},
		{[]string{"x"}, [][]string{}, false},
	}
	for _, tc := range cases {
		if got := access.Satisfies(tc.granted, tc.req); got != tc.want {
			t.Errorf("Satisfies(%v, %v) = %v", tc.granted, tc.req, got)
		}
	}
}

func TestMask(t *testing.T) {
	m, other := access.NewMasker("k1"), access.NewMasker("k2")
	a := m.Mask("27831000001")
	if a != m.Mask("27831000001") || a == m.Mask("27831000002") || a == other.Mask("27831000001") {
		t.Errorf("masks: %s", a)
	}
	if strings.Contains(a, "2783100000") || !strings.HasSuffix(a, "…01") || !strings.HasPrefix(a, "h:") || len(a) != len("h:")+16+len("…01") {
		t.Errorf("mask %q", a)
	}
}
