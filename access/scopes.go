// Package access decides what a client may read: the scopes the schema's
// @requiresScopes directives require, checked against the scopes the
// request's client holds (request.State), and the audit record of every
// read of personal data that was allowed.
package access

import (
	"context"
	"slices"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"customergraph/request"
)

// PIIRead is the scope every personal field requires
// (docs/personal-data.md).
const PIIRead = "pii:read"

// Known are the scopes the schema uses: a client key may be granted only
// these, so that a typo in GRAPH_CLIENT_KEYS stops the start instead of
// granting nothing. A test keeps the list equal to the schema's.
var Known = []string{PIIRead}

// Satisfies reports whether granted holds every scope of one of the
// alternatives (Apollo Federation's @requiresScopes: the outer list is OR,
// each inner list AND).
func Satisfies(granted []string, alternatives [][]string) bool {
	for _, all := range alternatives {
		ok := true
		for _, s := range all {
			ok = ok && slices.Contains(granted, s)
		}
		if ok {
			return true
		}
	}
	return false
}

// Required returns the scopes def's @requiresScopes asks for, or nil when
// the field is open to every client. Read from the schema once per field.
func Required(def *ast.FieldDefinition) [][]string {
	if def == nil {
		return nil
	}
	if v, ok := required.Load(def); ok {
		return v.([][]string)
	}
	var out [][]string
	if d := def.Directives.ForName("requiresScopes"); d != nil {
		if arg := d.Arguments.ForName("scopes"); arg != nil && arg.Value != nil {
			for _, inner := range arg.Value.Children {
				var all []string
				for _, s := range inner.Value.Children {
					all = append(all, s.Value.Raw)
				}
				out = append(out, all)
			}
		}
	}
	required.Store(def, out)
	return out
}

var required sync.Map // *ast.FieldDefinition → [][]string

// Denied reports whether the request's client may not read the field def.
func Denied(ctx context.Context, def *ast.FieldDefinition) bool {
	req := Required(def)
	return req != nil && !Satisfies(request.From(ctx).Scopes(), req)
}
