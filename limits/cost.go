package limits

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
)

// costs holds computed costs by document. The schema's cost functions
// (resolvers/cost.go) read no argument but the length of a list
// (customers(ids:)), so a document's cost is the same for every request
// that sends it with lists of the same lengths: walking the whole
// operation again for each request is waste.
var costs = lru.New[int](1000)

func calculate(ctx context.Context, s graphql.ExecutableSchema, op *graphql.OperationContext) int {
	key := costKey(op)
	if n, ok := costs.Get(ctx, key); ok {
		return n
	}
	n := complexity.Calculate(ctx, s, op.Operation, op.Variables)
	costs.Add(ctx, key, n)
	return n
}

// costKey is the document, the operation and the length of every list
// variable.
func costKey(op *graphql.OperationContext) string {
	var b strings.Builder
	b.WriteString(op.OperationName)
	b.WriteByte(0)
	b.WriteString(op.RawQuery)
	names := make([]string, 0, len(op.Variables))
	for name, v := range op.Variables {
		if _, ok := v.([]any); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		b.WriteByte(0)
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(len(op.Variables[name].([]any))))
	}
	return b.String()
}
