package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalSliceInline is graphql.MarshalSliceConcurrently without the
// goroutine per element, for lists whose elements never wait on anything
// (graph/codegen chooses them): same field contexts, same recovery of a
// panic into an error on that element.
func marshalSliceInline(ctx context.Context, n int, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	for i := range n {
		ctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(ctx, graphql.Recover(ctx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshal(ctx, i)
		}()
	}
	return ret
}

// plainField answers a field that only reads a struct member of a leaf
// type (graph/codegen chooses them): the field context errors are reported
// under, then the marshaller. It is graphql.ResolveField without what such
// a field never needs: the resolver and middleware closures, boxing the
// value, and a deferred recover around a read that cannot panic.
func plainField[T any](ctx context.Context, field graphql.CollectedField,
	fieldContext func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
	v T, marshal func(context.Context, ast.SelectionSet, T) graphql.Marshaler,
) graphql.Marshaler {
	fc, err := fieldContext(ctx, field)
	if err != nil {
		return graphql.Null
	}
	return marshal(graphql.WithFieldContext(ctx, fc), field.Selections, v)
}
