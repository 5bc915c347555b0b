// Package limits guards the GraphQL executor against abusive documents.
// gqlgen checks its token limit while parsing, but validation runs before any
// extension sees the parsed document, and gqlparser's overlapping-fields
// rule is quadratic (2,000 duplicated fields cost ~0.3 s here). So this
// extension parses the query itself first, under the token limit, and counts
// depth, aliases and fields with fragments expanded; only documents within
// the limits reach validation. Approved query texts are remembered so a
// repeated query is parsed once.
package limits

import (
	"context"
	"crypto/sha256"
	"customergraph/codes"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits are the bounds of one document. Zero disables a bound.
type Limits struct {
	Bytes     int // the document's length: the same bound on every transport
	Tokens    int // lexical tokens
	Depth     int // nesting of selection sets, fragments expanded
	Aliases   int // aliased fields, fragments expanded
	Fields    int // field selections, fragments expanded
	Mutations int // root fields of a mutation
}

// Extension is the gqlgen extension enforcing Limits.
type Extension struct {
	Limits   Limits
	approved *lru.LRU[struct{}]
}

var (
	_ graphql.HandlerExtension          = &Extension{}
	_ graphql.OperationParameterMutator = &Extension{}
)

// New returns the extension.
func New(l Limits) *Extension {
	return &Extension{Limits: l, approved: lru.New[struct{}](1000)}
}

// ExtensionName implements graphql.HandlerExtension.
func (e *Extension) ExtensionName() string { return "QueryLimits" }

// Validate implements graphql.HandlerExtension.
func (e *Extension) Validate(graphql.ExecutableSchema) error { return nil }

// Error builds a limit error.
func Error(limit string, max, actual int) *gqlerror.Error {
	err := gqlerror.Errorf("the query exceeds the %s limit: %d, at most %d", limit, actual, max)
	err.Extensions = map[string]any{"code": codes.QueryLimitExceeded, "limit": limit, "max": max, "actual": actual}
	return err
}

// MutateOperationParameters runs before gqlgen parses or validates.
func (e *Extension) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if e.Limits.Bytes > 0 && len(p.Query) > e.Limits.Bytes {
		return Error("size", e.Limits.Bytes, len(p.Query))
	}
	sum := sha256.Sum256([]byte(p.Query))
	key := string(sum[:])
	if _, ok := e.approved.Get(ctx, key); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, e.Limits.Tokens)
	if err != nil {
		if ge, ok := err.(*gqlerror.Error); ok && e.Limits.Tokens > 0 && isTokenLimit(ge) {
			return Error("token", e.Limits.Tokens, e.Limits.Tokens+1)
		}
		return nil // gqlgen reports the syntax error itself
	}
	if le := e.check(doc); le != nil {
		return le
	}
	e.approved.Add(ctx, key, struct{}{})
	return nil
}

func isTokenLimit(e *gqlerror.Error) bool {
	return strings.Contains(strings.ToLower(e.Message), "token limit")
}

// stats are counts over a selection set with fragments expanded.
type stats struct{ depth, aliases, fields int }

func (e *Extension) check(doc *ast.QueryDocument) *gqlerror.Error {
	frags := map[string]*ast.FragmentDefinition{}
	for _, f := range doc.Fragments {
		frags[f.Name] = f
	}
	memo := map[string]stats{}
	for _, op := range doc.Operations {
		s := measure(op.SelectionSet, frags, memo, map[string]bool{})
		if e.Limits.Depth > 0 && s.depth > e.Limits.Depth {
			return Error("depth", e.Limits.Depth, s.depth)
		}
		if e.Limits.Aliases > 0 && s.aliases > e.Limits.Aliases {
			return Error("alias", e.Limits.Aliases, s.aliases)
		}
		if e.Limits.Fields > 0 && s.fields > e.Limits.Fields {
			return Error("field", e.Limits.Fields, s.fields)
		}
		if op.Operation == ast.Mutation && e.Limits.Mutations > 0 {
			if n := rootFields(op.SelectionSet, frags, map[string]int{}, map[string]bool{}); n > e.Limits.Mutations {
				return Error("mutation", e.Limits.Mutations, n)
			}
		}
	}
	return nil
}

// measure counts a selection set; a fragment is measured once (memo) and a
// fragment cycle counts as nothing here, since validation rejects it.
func measure(set ast.SelectionSet, frags map[string]*ast.FragmentDefinition, memo map[string]stats, visiting map[string]bool) stats {
	var s stats
	add := func(c stats) {
		s.aliases += c.aliases
		s.fields += c.fields
		s.depth = max(s.depth, c.depth)
	}
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			c := measure(x.SelectionSet, frags, memo, visiting)
			c.fields++
			if x.Alias != "" && x.Alias != x.Name {
				c.aliases++
			}
			c.depth++
			add(c)
		case *ast.InlineFragment:
			add(measure(x.SelectionSet, frags, memo, visiting))
		case *ast.FragmentSpread:
			if c, ok := memo[x.Name]; ok {
				add(c)
				continue
			}
			f := frags[x.Name]
			if f == nil || visiting[x.Name] {
				continue
			}
			visiting[x.Name] = true
			c := measure(f.SelectionSet, frags, memo, visiting)
			visiting[x.Name] = false
			memo[x.Name] = c
			add(c)
		}
	}
	return s
}

// rootFields counts the root fields a mutation executes, with every
// fragment spread and inline fragment expanded at any depth: each one may
// move money. A fragment is counted once (memo) however often it is spread,
// so doubling spreads cannot blow up the count's cost; the count saturates.
// A fragment cycle counts nothing (validation rejects it), and __typename
// writes nothing and is not counted.
func rootFields(set ast.SelectionSet, frags map[string]*ast.FragmentDefinition, memo map[string]int, visiting map[string]bool) int {
	const most = 1 << 30
	n := 0
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if x.Name != "__typename" {
				n++
			}
		case *ast.InlineFragment:
			n += rootFields(x.SelectionSet, frags, memo, visiting)
		case *ast.FragmentSpread:
			if c, ok := memo[x.Name]; ok {
				n += c
				break
			}
			f := frags[x.Name]
			if f == nil || visiting[x.Name] {
				continue
			}
			visiting[x.Name] = true
			c := rootFields(f.SelectionSet, frags, memo, visiting)
			visiting[x.Name] = false
			memo[x.Name] = c
			n += c
		}
		n = min(n, most)
	}
	return n
}

// Complexity rejects operations whose cost, from the schema's complexity
// functions, exceeds Max. Unlike gqlgen's FixedComplexityLimit it uses the
// same error shape and code as the other limits.
type Complexity struct {
	Max    int
	schema graphql.ExecutableSchema
}

var (
	_ graphql.HandlerExtension        = &Complexity{}
	_ graphql.OperationContextMutator = &Complexity{}
)

// ExtensionName implements graphql.HandlerExtension.
func (c *Complexity) ExtensionName() string { return "CostLimit" }

// Validate implements graphql.HandlerExtension.
func (c *Complexity) Validate(s graphql.ExecutableSchema) error {
	c.schema = s
	return nil
}

// MutateOperationContext runs after validation, before execution.
func (c *Complexity) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	n := calculate(ctx, c.schema, op)
	op.Stats.SetExtension(costStat, n)
	if c.Max > 0 && n > c.Max {
		return Error("cost", c.Max, n)
	}
	return nil
}

const costStat = "cost"

// Cost is the operation's computed cost, once Complexity has run; admission
// control weighs an operation by it.
func Cost(op *graphql.OperationContext) int {
	n, _ := op.Stats.GetExtension(costStat).(int)
	return n
}
