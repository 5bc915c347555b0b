package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"customergraph/graph"
)

// builtIn reports the types and directives the GraphQL spec defines, and
// those gqlgen's federation plugin declares (_entities, _Any, @key, …):
// their descriptions are not ours to write.
func builtIn(name string) bool {
	return strings.HasPrefix(name, "__") || slices.Contains([]string{"String", "Int", "Float", "Boolean", "ID"}, name)
}

func declaredBy(p *ast.Position) bool { return p != nil && p.Src != nil && p.Src.BuiltIn }

// TestSchemaContract holds the schema to what typed clients and readers of
// the playground's docs rely on: every element described, every id
// non-null, every custom scalar specified.
func TestSchemaContract(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	described := func(what, desc string) {
		if strings.TrimSpace(desc) == "" {
			add("%s has no description", what)
		}
	}
	for name, def := range schema.Types {
		if builtIn(name) || declaredBy(def.Position) {
			continue
		}
		described("type "+name, def.Description)
		if def.Kind == ast.Scalar && def.Directives.ForName("specifiedBy") == nil {
			add("scalar %s has no @specifiedBy", name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") || declaredBy(f.Position) {
				continue
			}
			described(name+"."+f.Name, f.Description)
			for _, a := range f.Arguments {
				described(name+"."+f.Name+"("+a.Name+")", a.Description)
			}
			if def.Kind != ast.InputObject && f.Type.Name() == "ID" && !f.Type.NonNull {
				add("%s.%s is a nullable ID", name, f.Name)
			}
		}
		for _, v := range def.EnumValues {
			described(name+"."+v.Name, v.Description)
		}
	}
	for name, d := range schema.Directives {
		if slices.Contains([]string{"include", "skip", "deprecated", "specifiedBy", "oneOf", "defer"}, name) || declaredBy(d.Position) {
			continue
		}
		described("directive @"+name, d.Description)
	}
	slices.Sort(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) > 0 {
		t.Logf("%d problems", len(problems))
	}
}
