// Command codegen is how `go generate` runs gqlgen for this repository:
// gqlgen's own generator, plus one change to where the generated code
// starts goroutines. gqlgen runs every resolver field, and marshals every
// element of every list of objects, on a goroutine of its own (99designs/gqlgen
// #3202, #1574, #4269). That is right for what may block on upstream (a
// loader), and pure cost for what only reads data already loaded: in the
// full customer view it was most of the ~250 goroutines per request, and a
// list of 100 customers' plain objects held hundreds of MB in parked
// goroutines under load. So:
//
//   - the objects in inlineResolvers run their resolvers on the caller's
//     goroutine (gqlgen's Object.DisableConcurrency, which it sets itself
//     for Mutation), set by a plugin before the exec code is generated;
//   - a list whose elements can never block (no concurrent resolver at any
//     depth below them) is marshalled element after element
//     (graph/inline.go) instead of by graphql.MarshalSliceConcurrently:
//     the generated files are rewritten after gqlgen wrote them.
//
// Lists of Customer and Accountholder keep their goroutines: their
// resolvers wait on loaders, and those waits must overlap.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
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
	if err := inlineLists(cfg.Exec.Dir(), p.blocking); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "codegen:", err)
	os.Exit(1)
}

// plugin disables concurrency on inlineResolvers and notes which types may
// block, for inlineLists.
type plugin struct{ blocking map[string]bool }

func (*plugin) Name() string { return "inline-resolvers" }

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
// element types that never block.
func inlineLists(dir string, blocking map[string]bool) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	var kept []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		src := string(b)
		starts := listMarshaller.FindAllStringSubmatchIndex(src, -1)
		out := []byte{}
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
		}
		out = append(out, src[last:]...)
		if string(out) != src {
			if err := os.WriteFile(file, out, 0o644); err != nil {
				return err
			}
		}
	}
	slices.Sort(kept)
	if want := []string{"Accountholder", "Customer"}; !slices.Equal(slices.Compact(kept), want) {
		// A new blocking list type is fine, but should be a decision: say so.
		fmt.Fprintf(os.Stderr, "codegen: lists marshalled concurrently: %v (expected %v)\n", slices.Compact(kept), want)
	}
	return nil
}
