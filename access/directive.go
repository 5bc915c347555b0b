package access

import (
	"context"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"customergraph/codes"
	"customergraph/request"
)

// RequiresScopes is the @requiresScopes directive: a field the client
// lacks the scopes for is null with FORBIDDEN at its path, and its
// resolver (and so any upstream call of its own) never runs; a field it
// may read, and that answered a value, is noted in the operation's audit
// record.
func RequiresScopes(ctx context.Context, obj any, next graphql.Resolver, scopes [][]string) (any, error) {
	if !Satisfies(request.From(ctx).Scopes(), scopes) {
		return nil, Forbidden(scopes)
	}
	res, err := next(ctx)
	if a := auditOf(ctx); a != nil && err == nil && !isNil(res) && res != nil {
		// Read: only a field that answered something is recorded.
		fc := graphql.GetFieldContext(ctx)
		a.read(subject(obj, fc), fc.Object+"."+fc.Field.Name)
	}
	return res, err
}

// Forbidden is the error of a field the client lacks scopes for.
func Forbidden(scopes [][]string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    "this client may not read this field: it needs the scope " + phrase(scopes) + " (docs/personal-data.md)",
		Extensions: map[string]any{"code": codes.Forbidden},
	}
}

// Subject is a value that belongs to one customer: the audit record names
// the customer of the nearest such value above a personal field.
type Subject interface{ AuditSubject() string }

// subject finds the customer a field belongs to: obj, or the nearest
// resolved value above it.
func subject(obj any, fc *graphql.FieldContext) string {
	if s, ok := subjectOf(obj); ok {
		return s
	}
	for p := fc.Parent; p != nil; p = p.Parent {
		if s, ok := subjectOf(p.Result); ok {
			return s
		}
	}
	return ""
}

func subjectOf(v any) (string, bool) {
	if s, ok := v.(Subject); ok && !isNil(v) {
		id := s.AuditSubject()
		return id, id != ""
	}
	// A list element's field context holds a pointer to the element.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().CanInterface() {
		if e := rv.Elem().Interface(); !isNil(e) {
			if s, ok := e.(Subject); ok {
				id := s.AuditSubject()
				return id, id != ""
			}
		}
	}
	return "", false
}

func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// phrase says what scopes satisfy: "a and b, or c".
func phrase(scopes [][]string) string {
	alts := make([]string, len(scopes))
	for i, all := range scopes {
		alts[i] = strings.Join(all, " and ")
	}
	return strings.Join(alts, ", or ")
}
