package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func shapes(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "gqlgen-shapes.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rewriteAll runs the three pattern rewrites on src as main does, and
// reports what they changed.
func rewriteAll(src string) (string, report) {
	var r report
	out, lists, kept := inlineListsIn(src, map[string]bool{"Customer": true, "Accountholder": true, "Node": true}, nil)
	r.lists, r.kept = lists, kept
	s, groups := rewriteFuncsIn(string(out), objectMarshaller, noDeferredGroup)
	r.groups = groups
	s, r.plain = rewriteFuncsIn(s, fieldResolver, func(body string) string { return plainFields(body, map[string]bool{"String": true}) })
	return s, r
}

// TestRewritesMatchGqlgensShapes: each rewrite changes exactly the
// functions it is for in gqlgen's output, and leaves the others alone.
func TestRewritesMatchGqlgensShapes(t *testing.T) {
	out, r := rewriteAll(shapes(t))
	if r.lists != 1 || r.groups != 1 || r.plain != 1 || strings.Join(r.kept, ",") != "Customer" {
		t.Errorf("report %+v: want one of each rewrite, and the Customer list kept", r)
	}
	for _, want := range []string{
		"return ec.marshalOString2ᚖstring(ctx, field.Selections, obj.Country)", // the leaf field, direct
		"return obj.Balances, nil",                                                         // the object field, untouched
		"ret := marshalSliceInline(ctx, len(v), func(",                                     // DeviceUsage never blocks
		"ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(",             // Customer does
		"var deferred graphql.DeferredGroup // no field here runs concurrently, so none c", // no group built
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
}

// TestAMissedRewriteFails: when gqlgen's output changes so that a pattern
// no longer matches (here: one more argument to ResolveField, a renamed
// slice helper, a renamed group constructor), the rewrite changes nothing
// and the generation fails, naming it.
func TestAMissedRewriteFails(t *testing.T) {
	broken := shapes(t)
	broken = strings.ReplaceAll(broken, "\t\ttrue,\n\t\tfalse,\n\t)", "\t\ttrue,\n\t\tfalse,\n\t\tnil,\n\t)")
	broken = strings.ReplaceAll(broken, "graphql.MarshalSliceConcurrently(", "graphql.MarshalSliceInParallel(")
	broken = strings.ReplaceAll(broken, "graphql.NewDeferredGroup(ctx)", "graphql.NewDeferGroup(ctx)")
	_, r := rewriteAll(broken)
	err := checkReport(r)
	if err == nil {
		t.Fatalf("report %+v passed", r)
	}
	for _, name := range []string{"inline lists", "drop deferred groups", "plain fields"} {
		if !strings.Contains(err.Error(), `"`+name+`" changed nothing`) {
			t.Errorf("the error does not name %q: %v", name, err)
		}
	}
	if err := checkReport(report{lists: 1, groups: 1, plain: 1, kept: []string{"Customer", "Customer", "Node"}}); err == nil ||
		!strings.Contains(err.Error(), "lists marshalled concurrently: [Customer Node]") {
		t.Errorf("a changed set of concurrent lists: %v", err)
	}
}

// TestRewritesOnTheRealSchema pins what the rewrites did to the committed
// generated code (which the test command keeps equal to go generate's
// output). A schema change may change these counts: check the new figure
// is what the change explains, and update it.
func TestRewritesOnTheRealSchema(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "*.generated.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%v %v", files, err)
	}
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, c := range []struct {
		rewrite string
		marker  *regexp.Regexp
		want    int
	}{
		{"inline lists", regexp.MustCompile(`ret := marshalSliceInline\(ctx, len\(v\), `), 24},                                               // +1 with gqlgen's federation types
		{"lists kept concurrent", regexp.MustCompile(`ret := graphql\.MarshalSliceConcurrently\(`), 4},                                       // federation: + the _Entity list
		{"drop deferred groups", regexp.MustCompile(`var deferred graphql\.DeferredGroup // no field here runs concurrently`), 58},           // +2 with gqlgen's federation types (entity.generated.go)
		{"plain fields", regexp.MustCompile(`(?m)^\treturn (ec\.marshal[NO]\w+\(ctx, field\.Selections, obj\.|plainField\(ctx, field)`), 25}, // federation: + _Service.sdl; 26 before personal leaf fields took @requiresScopes, which keeps the full path
	} {
		if got := len(c.marker.FindAllStringIndex(src.String(), -1)); got != c.want {
			t.Errorf("%s: %d in the generated code, want %d", c.rewrite, got, c.want)
		}
	}
}
