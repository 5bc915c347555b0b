package limits

import (
	"context"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
)

func calculate(ctx context.Context, s graphql.ExecutableSchema, op *graphql.OperationContext) int {
	return complexity.Calculate(ctx, s, op.Operation, op.Variables)
}
