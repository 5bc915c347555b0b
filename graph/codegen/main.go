// Command codegen is how `go generate` runs gqlgen for this repository:
// gqlgen's own generator, plus four rewrites of its output that take work
// off the hot path without changing what any query answers. gqlgen runs
// every resolver field, and marshals every element of every list of
// objects, on a goroutine of its own (99designs/gqlgen #3202, #1574,
// #4269), and wraps every field, even a plain struct member, in the same
// general machinery. That is right for what may block on upstream (a
// loader), and pure cost for what only reads data already loaded. So:
//
//   - the objects in inlineResolvers run their resolvers on the caller's
//     goroutine (gqlgen's Object.DisableConcurrency, which it sets itself
//     for Mutation), set by a plugin before the exec code is generated;
//   - a list whose elements can never block (no concurrent resolver at any
//     depth below them) is marshalled element after element
//     (graph/inline.go) instead of by graphql.MarshalSliceConcurrently:
//     the generated files are rewritten after gqlgen wrote them;
//   - an object none of whose fields runs concurrently skips
//     graphql.NewDeferredGroup: only a concurrent field can be @defer'd,
//     and the group (the object's whole path, a field set, a map) was
//     built for every object marshalled, a tenth of a query's allocations;
//   - a field that only reads a struct field of a leaf type (a scalar or an
//     enum) calls its marshaller directly, without graphql.ResolveField's
//     field context, closures, boxing, deferred recover and field-middleware
//     chain; a type whose marshaller can report an error (DateTime, Date)
//     keeps the field context, through graph.plainField, so the error has
//     its path. The facade installs no field middleware (AroundFields); a
//     field that computes (a method, a resolver) or holds an object keeps
//     the full path.
//
// Lists of Customer, Accountholder, Node and _Entity (which may be
// Customers) keep their goroutines: their resolvers wait on loaders, and
// those waits must overlap.
//
// gqlgen's federation plugin (gqlgen.yml) marks @requiresScopes as a
// directive with no runtime, since a gateway enforces it; this subgraph
// also answers clients directly, so the plugin below gives it back its
// runtime (access.RequiresScopes).
//
// Three of the rewrites edit gqlgen's output by pattern, so a gqlgen
// upgrade can make them miss. Each counts what it changed, and the command
// fails when one changed nothing or the lists kept concurrent are not the
// three above (checkReport); codegen_test.go pins the counts on the real
// schema. After a gqlgen upgrade: run go generate, and if it fails, compare
// gqlgen's new output for a plain field, a list marshaller and an object
// marshaller with the patterns below (testdata/ holds the shapes they
// were written against).
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"golang.org/x/tools/imports"
)

// inlineResolvers are the objects whose resolvers only read what is already
// loaded (a 207's missing part becomes an error, an id is built from
// fields). A resolver that calls a loader or an API must not be listed here.
var inlineResolvers = []string{"Plans", "Premium", "ProviderSubscriptions", "PendingProvisioning"}

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		fail(err)
	}
	p := &plugin{}
	if err := api.Generate(cfg, api.AddPlugin(p)); err != nil {
		fail(err)
	}
	var r report
	if r.lists, r.kept, err = inlineLists(cfg.Exec.Dir(), p.blocking); err != nil {
		fail(err)
	}
	if r.groups, err = rewriteFuncs(cfg.Exec.Dir(), objectMarshaller, noDeferredGroup); err != nil {
		fail(err)
	}
	leaves := leafTypes(cfg)
	if r.plain, err = rewriteFuncs(cfg.Exec.Dir(), fieldResolver, func(body string) string { return plainFields(body, leaves) }); err != nil {
		fail(err)
	}
	if err := checkReport(r); err != nil {
		fail(err)
	}
}

// report counts what each rewrite changed.
type report struct {
	lists, groups, plain int      // list marshallers inlined, deferred groups dropped, plain fields
	kept                 []string // element types whose lists stay concurrent
}

// keptConcurrent are the list element types that must keep their
// goroutines (see the package comment).
var keptConcurrent = []string{"Accountholder", "Customer", "Node", "_Entity"}

// checkReport fails a generation in which a rewrite changed nothing (its
// pattern no longer matches gqlgen's output) or another set of lists stays
// concurrent (a new blocking type is fine, but should be a decision).
func checkReport(r report) error {
	var problems []string
	for name, n := range map[string]int{"inline lists": r.lists, "drop deferred groups": r.groups, "plain fields": r.plain} {
		if n == 0 {
			problems = append(problems, fmt.Sprintf("the rewrite %q changed nothing: gqlgen's output no longer matches its pattern", name))
		}
	}
	if kept := slices.Compact(slices.Sorted(slices.Values(r.kept))); !slices.Equal(kept, keptConcurrent) {
		problems = append(problems, fmt.Sprintf("lists marshalled concurrently: %v, expected %v", kept, keptConcurrent))
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "codegen:", err)
	os.Exit(1)
}

// plugin disables concurrency on inlineResolvers and notes which types may
// block, for inlineLists.
type plugin struct{ blocking map[string]bool }

func (*plugin) Name() string { return "inline-resolvers" }

// MutateConfig runs after the federation plugin's: the directive it marked
// SkipRuntime runs again.
func (*plugin) MutateConfig(cfg *config.Config) error {
	if _, ok := cfg.Schema.Directives["requiresScopes"]; !ok {
		return errors.New("the schema no longer has @requiresScopes: drop this mutation")
	}
	cfg.Directives["requiresScopes"] = config.DirectiveConfig{}
	return nil
}

func (p *plugin) GenerateCode(data *codegen.Data) error {
	for _, name := range inlineResolvers {
		obj := data.Objects.ByName(name)
		if obj == nil {
			return fmt.Errorf("inlineResolvers names %s, which the schema does not have", name)
		}
		obj.DisableConcurrency = true
	}
	p.blocking = blockingTypes(data)
	return nil
}

// blockingTypes are the object, union and interface types whose marshalling
// may wait: a concurrent (resolver) field, or a field of such a type.
func blockingTypes(data *codegen.Data) map[string]bool {
	blocking := map[string]bool{}
	for changed := true; changed; {
		changed = false
		mark := func(name string) {
			if !blocking[name] {
				blocking[name], changed = true, true
			}
		}
		for _, obj := range data.Objects {
			for _, f := range obj.Fields {
				if f.IsConcurrent() || blocking[f.TypeReference.Definition.Name] {
					mark(obj.Name)
				}
			}
		}
		for name, iface := range data.Interfaces {
			for _, impl := range iface.Implementors {
				if blocking[impl.Name] {
					mark(name)
				}
			}
		}
	}
	return blocking
}

var (
	listMarshaller = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) marshal[NO](\w+?)2ᚕ`)
	concurrently   = regexp.MustCompile(`graphql\.MarshalSliceConcurrently\(ctx, len\(v\), \d+, (?:true|false), `)
)

// inlineLists rewrites, in the generated files, the list marshallers of
// element types that never block; it returns how many it rewrote and the
// element types of those it kept.
func inlineLists(dir string, blocking map[string]bool) (inlined int, kept []string, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil {
		return 0, nil, err
	}
	sort.Strings(files)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return 0, nil, err
		}
		src := string(b)
		out, n, k := inlineListsIn(src, blocking, kept)
		kept = k
		inlined += n
		if string(out) != src {
			if err := os.WriteFile(file, out, 0o644); err != nil {
				return 0, nil, err
			}
		}
	}
	return inlined, kept, nil
}

// inlineListsIn is inlineLists on one file's source.
func inlineListsIn(src string, blocking map[string]bool, kept []string) (out []byte, inlined int, _ []string) {
	starts := listMarshaller.FindAllStringSubmatchIndex(src, -1)
	last := 0
	for i, m := range starts {
		end := len(src)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		name := src[m[2]:m[3]]
		body := src[m[0]:end]
		if !concurrently.MatchString(body) {
			continue
		}
		if blocking[name] {
			kept = append(kept, name)
			continue
		}
		out = append(out, src[last:m[0]]...)
		out = append(out, concurrently.ReplaceAllString(body, "marshalSliceInline(ctx, len(v), ")...)
		last = end
		inlined++
	}
	return append(out, src[last:]...), inlined, kept
}

var (
	objectMarshaller = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) _\w+\(ctx context\.Context, sel ast\.SelectionSet`)
	newDeferredGroup = "deferred := graphql.NewDeferredGroup(ctx)"
)

// noDeferredGroup drops the deferred group of an object marshaller that
// never hands it to a concurrent field.
func noDeferredGroup(body string) string {
	if strings.Contains(body, "&deferred") {
		return body
	}
	return strings.Replace(body, newDeferredGroup, "var deferred graphql.DeferredGroup // no field here runs concurrently, so none can be deferred", 1)
}

// rewriteFuncs applies rewrite to every function of the generated files
// whose signature start matches, and returns how many it changed.
func rewriteFuncs(dir string, start *regexp.Regexp, rewrite func(string) string) (changed int, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil {
		return 0, err
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return 0, err
		}
		src := string(b)
		out, n := rewriteFuncsIn(src, start, rewrite)
		changed += n
		if out != src {
			// A rewritten body may no longer use an import the file has.
			clean, err := imports.Process(file, []byte(out), nil)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", file, err)
			}
			if err := os.WriteFile(file, clean, 0o644); err != nil {
				return 0, err
			}
		}
	}
	return changed, nil
}

// rewriteFuncsIn is rewriteFuncs on one file's source.
func rewriteFuncsIn(src string, start *regexp.Regexp, rewrite func(string) string) (string, int) {
	var out strings.Builder
	last, changed := 0, 0
	for _, m := range start.FindAllStringIndex(src, -1) {
		end := strings.Index(src[m[1]:], "\nfunc ")
		if end < 0 {
			end = len(src)
		} else {
			end += m[1] + 1
		}
		body := src[m[0]:end]
		rewritten := rewrite(body)
		if rewritten != body {
			changed++
		}
		out.WriteString(src[last:m[0]])
		out.WriteString(rewritten)
		last = end
	}
	out.WriteString(src[last:])
	return out.String(), changed
}

var (
	fieldResolver = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) _\w+_\w+\(ctx context\.Context, field graphql\.CollectedField, obj `)
	// plainFieldBody is gqlgen's body for a field that returns a struct
	// field, with no arguments and no middleware.
	plainFieldBody = regexp.MustCompile(`(?s)^(func \(ec \*executionContext\) _\w+_\w+\(ctx context\.Context, field graphql\.CollectedField, obj [^)]*\) \(ret graphql\.Marshaler\) \{)
\treturn graphql\.ResolveField\(
\t\tctx,
\t\tec\.OperationContext,
\t\tfield,
\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{
\t\t\treturn ec\.(fieldContext_\w+)\(ctx, field\)
\t\t\},
\t\tfunc\(ctx context\.Context\) \(any, error\) \{
\t\t\treturn obj\.(\w+), nil
\t\t\},
\t\tnil,
\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v [^)]*\) graphql\.Marshaler \{
\t\t\treturn ec\.(marshal([NO])(\w+?)2(ᚖ?)[^(]*)\(ctx, selections, v\)
\t\t\},
\t\ttrue,
\t\t(?:true|false),
\t\)
\}
`)
)

// plainFields rewrites a field function that reads a struct field of a
// leaf type; a non-null pointer keeps ResolveField, whose nil check
// reports the invalid null.
func plainFields(body string, leaves map[string]bool) string {
	m := plainFieldBody.FindStringSubmatch(body)
	if m == nil {
		return body
	}
	sig, fieldContext, member, marshal, nullability, typ, pointer := m[1], m[2], m[3], m[4], m[5], m[6], m[7]
	if !leaves[typ] || (nullability == "N" && pointer != "") {
		return body
	}
	if !reportsErrors[typ] {
		// Nothing below can report an error, so no field context is needed
		// to locate one.
		return sig + "\n\treturn ec." + marshal + "(ctx, field.Selections, obj." + member + ")\n}\n" + body[len(m[0]):]
	}
	return sig + "\n\treturn plainField(ctx, field, ec." + fieldContext + ", obj." + member + ", ec." + marshal + ")\n}\n" + body[len(m[0]):]
}

// reportsErrors are the leaf types whose marshaller may add an error at
// the field (graphql.ContextMarshaler: a DateTime without a zone, a NaN):
// their fields keep a field context for the error's path.
var reportsErrors = map[string]bool{"DateTime": true, "Date": true, "Float": true}

// leafTypes are the schema's scalars and enums.
func leafTypes(cfg *config.Config) map[string]bool {
	leaves := map[string]bool{}
	for name, def := range cfg.Schema.Types {
		if def.IsLeafType() {
			leaves[name] = true
		}
	}
	return leaves
}
