package graph

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// SDL is the schema the server runs, as the tools that read a schema file
// (relay-compiler, graphql-inspector, code generators) need it: every
// definition of the schema files, then the definitions of the Federation
// directives they use and the scalars those take, which gqlgen's federation
// plugin declares and the formatter leaves out as built in. The federation
// plumbing itself (_entities, _service, _Any) is for gateways, which read
// the subgraph's own SDL from _service, and so is the schema's @link, which
// relay-compiler cannot read (it has no schema extensions).
func SDL() string {
	s := new(ast.Schema)
	*s = *NewExecutableSchema(Config{}).Schema()
	s.SchemaDirectives = nil
	var b bytes.Buffer
	b.WriteString("# The customer graph's schema, as the server runs it. Generated: go test ./graph -update\n")
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(s)
	b.WriteString("\n# Declared by the Federation spec (https://specs.apollo.dev/federation/v2.5), used above.\n")
	formatter.NewFormatter(&b, formatter.WithIndent("  "), formatter.WithBuiltin()).FormatSchemaDocument(federationDefinitions(s))
	return b.String()
}

// federationDefinitions are the built-in, non-prelude directive definitions
// the schema's own definitions use, and the scalars their arguments take.
func federationDefinitions(s *ast.Schema) *ast.SchemaDocument {
	used := map[string]bool{}
	note := func(l ast.DirectiveList) {
		for _, d := range l {
			used[d.Name] = true
		}
	}
	note(s.SchemaDirectives)
	for _, def := range s.Types {
		if builtIn(def.Position) {
			continue
		}
		note(def.Directives)
		for _, f := range def.Fields {
			note(f.Directives)
			for _, a := range f.Arguments {
				note(a.Directives)
			}
		}
		for _, v := range def.EnumValues {
			note(v.Directives)
		}
	}
	doc := &ast.SchemaDocument{}
	scalars := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(used)) {
		d := s.Directives[name]
		if d == nil || !builtIn(d.Position) || d.Position.Src.Name == "prelude.graphql" {
			continue
		}
		doc.Directives = append(doc.Directives, d)
		for _, a := range d.Arguments {
			t := a.Type
			for t.Elem != nil {
				t = t.Elem
			}
			if def := s.Types[t.NamedType]; def != nil && def.Kind == ast.Scalar && builtIn(def.Position) && def.Position.Src.Name != "prelude.graphql" {
				scalars[t.NamedType] = true
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(scalars)) {
		doc.Definitions = append(doc.Definitions, s.Types[name])
	}
	return doc
}

func builtIn(p *ast.Position) bool { return p != nil && p.Src != nil && p.Src.BuiltIn }

// SubgraphSDL is what _service { sdl } answers: the schema files as written,
// with their @link, @key and @requiresScopes, for composing the facade into
// a supergraph offline (docs/federation.md).
func SubgraphSDL() string {
	var sdl []string
	for _, src := range sources {
		if !src.BuiltIn {
			sdl = append(sdl, src.Input)
		}
	}
	return strings.Join(sdl, "\n")
}
