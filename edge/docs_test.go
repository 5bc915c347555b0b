package edge

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"customergraph/codes"
	"customergraph/envconfig"
	"customergraph/sandbox"
	"customergraph/upstream"
)

// The reference in docs/ is checked against the code it describes.

// TestDocsListScenarios keeps the sandbox page's scenario table honest.
func TestDocsListScenarios(t *testing.T) {
	b, err := os.ReadFile("../docs/sandbox.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sandbox.Scenarios {
		row := "| `" + s.ID + "` | " + s.Name + " | " + s.Behaves + " |"
		if !strings.Contains(string(b), row) {
			t.Errorf("docs/sandbox.md lacks the row for %s (%s)", s.ID, s.Name)
		}
	}
}

// TestDocsExamples runs every example of docs/queries.md and checks the
// server answers what the page shows (transaction ids, which are
// generated, and the order of errors aside).
func TestDocsExamples(t *testing.T) {
	b, err := os.ReadFile("../docs/queries.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	end := strings.Index(text, "\n## Live updates")
	if end < 0 {
		t.Fatal("docs/queries.md's sections moved")
	}
	sections := strings.Split(text[:end], "\n## ")[1:]
	if len(sections) < 5 {
		t.Fatalf("%d example sections", len(sections))
	}
	for _, sec := range sections {
		title := strings.SplitN(sec, "\n", 2)[0]
		t.Run(title, func(t *testing.T) {
			var query string
			var jsons []string
			for _, block := range strings.Split(sec, "```")[1:] {
				switch {
				case strings.HasPrefix(block, "graphql\n") && query == "":
					query = strings.TrimPrefix(block, "graphql\n")
				case strings.HasPrefix(block, "json\n"):
					jsons = append(jsons, strings.TrimPrefix(block, "json\n"))
				}
			}
			if query == "" || len(jsons) == 0 {
				t.Fatalf("no query or no response in %q", title)
			}
			var vars map[string]any
			if len(jsons) == 2 {
				if err := json.Unmarshal([]byte(jsons[0]), &vars); err != nil {
					t.Fatalf("variables: %v", err)
				}
			}
			g := newTestGraph(t, sandbox.Options{}, nil)
			// A fixed transaction id: a provisioning id carries it.
			got := g.query(query, vars, "transactionId", "readme-example")
			var want gqlResponse
			if err := json.Unmarshal([]byte(jsons[len(jsons)-1]), &want); err != nil {
				t.Fatalf("response shown: %v", err)
			}
			if a, b := normalize(got), normalize(&want); a != b {
				t.Errorf("the server answers\n%s\nthe page shows\n%s", a, b)
			}
			// "This costs five upstream calls", "two profile calls": the
			// stated costs hold too.
			for _, m := range statedCalls.FindAllStringSubmatch(sec, -1) {
				n, op := numbers[m[1]], "total"
				if m[2] == "profile" {
					op = "profiles.getCustomer"
				}
				if got := g.calls()[op]; got != n {
					t.Errorf("the page says %q; the query made %d", m[0], got)
				}
			}
		})
	}
}

var (
	statedCalls = regexp.MustCompile(`\b(one|two|three|four|five|six|seven|eight|nine|ten) (upstream|profile) calls?\b`)
	numbers     = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
)

// normalize renders a response without generated transaction ids, with
// errors sorted by path.
func normalize(r *gqlResponse) string {
	errs := append([]gqlError(nil), r.Errors...)
	sort.Slice(errs, func(i, j int) bool { return errs[i].pathString() < errs[j].pathString() })
	for i := range errs {
		if up, ok := errs[i].Extensions["upstream"].(map[string]any); ok {
			up["transactionId"] = "…"
		}
	}
	out, _ := json.MarshalIndent(map[string]any{"data": r.Data, "errors": errs}, "", "  ")
	return string(out)
}

// TestDocsDocumentEveryVariable: each environment variable the facade
// reads has a row in docs/configuration.md.
func TestDocsDocumentEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	graphEnv, err := envconfig.Names(&Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(upstream.EnvNames(), graphEnv...) {
		if !strings.Contains(string(b), "| `"+name+"`") && !strings.Contains(string(b), "`"+name+"`, `") && !strings.Contains(string(b), ", `"+name+"` |") {
			t.Errorf("docs/configuration.md has no row for %s", name)
		}
	}
	// And each range, in the row of its variable.
	for _, typ := range []reflect.Type{reflect.TypeOf(Config{}), reflect.TypeOf(upstream.Config{})} {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			r := envconfig.Range(f)
			if r == "" {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
			row := ""
			for _, line := range strings.Split(string(b), "\n") {
				if strings.Contains(line, "`"+name+"`") && strings.HasPrefix(line, "| ") {
					row = line
					break
				}
			}
			if !strings.Contains(row, "| "+r+" |") {
				t.Errorf("docs/configuration.md: the row of %s does not give its range %s", name, r)
			}
		}
	}
}

// TestDocsListEveryCode: docs/errors.md has a row for every code of
// codes/codes.go, and names no code that is not there.
func TestDocsListEveryCode(t *testing.T) {
	b, err := os.ReadFile("../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	all := codes.All()
	for _, c := range all {
		if !strings.Contains(string(b), "`"+c+"`") {
			t.Errorf("docs/errors.md has no row for %s", c)
		}
	}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)`").FindAllStringSubmatch(string(b), -1) {
		if !slices.Contains(all, m[1]) {
			t.Errorf("docs/errors.md lists %s, which codes/codes.go does not define", m[1])
		}
	}
}
