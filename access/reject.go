package access

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"customergraph/codes"
)

// DeniedIn lists the fields of op (as "Type.field", each once, sorted)
// that granted does not cover: what GRAPH_AUTHZ_MODE=reject refuses an
// operation for. Every field written in the operation counts, whatever
// @skip and @include say; each fragment is walked once, however often it
// is spread, so a document of fragments nested in fragments costs its
// size, not the product of its spreads.
func DeniedIn(op *ast.OperationDefinition, granted []string) (fields, needs []string) {
	if op == nil {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if req := Required(s.Definition); req != nil && !Satisfies(granted, req) {
					coord := s.ObjectDefinition.Name + "." + s.Name
					if !slices.Contains(out, coord) {
						out = append(out, coord)
					}
					if n := phrase(req); !slices.Contains(needs, n) {
						needs = append(needs, n)
					}
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if !seen[s.Name] && s.Definition != nil {
					seen[s.Name] = true
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	slices.Sort(out)
	slices.Sort(needs)
	return out, needs
}

// Rejected is the error of an operation refused whole for fields.
func Rejected(fields, needs []string) *gqlerror.Error {
	return &gqlerror.Error{
		Message: "this operation selects fields this client may not read, and GRAPH_AUTHZ_MODE=reject refuses it whole: " +
			strings.Join(fields, ", ") + " need the scope " + strings.Join(needs, "; ") + " (docs/personal-data.md)",
		Extensions: map[string]any{"code": codes.Forbidden},
	}
}
