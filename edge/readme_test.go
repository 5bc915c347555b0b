package edge

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"customergraph/envconfig"
	"customergraph/sandbox"
	"customergraph/upstream"
)

// TestREADMEListsScenarios keeps the README's scenario table honest.
func TestREADMEListsScenarios(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sandbox.Scenarios {
		row := "| `" + s.ID + "` | " + s.Name + " | " + s.Behaves + " |"
		if !strings.Contains(string(b), row) {
			t.Errorf("README lacks the row for %s (%s)", s.ID, s.Name)
		}
	}
}

// TestREADMEExamples runs every example of the README's "Example queries"
// and checks the server answers what the README shows (transaction ids,
// which are generated, and the order of errors aside).
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## Example queries")
	end := strings.Index(text, "### Live updates")
	if start < 0 || end < start {
		t.Fatal("README sections moved")
	}
	sections := strings.Split(text[start:end], "\n### ")[1:]
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
				t.Fatalf("README response: %v", err)
			}
			if a, b := normalize(got), normalize(&want); a != b {
				t.Errorf("the server answers\n%s\nthe README shows\n%s", a, b)
			}
			// "This costs five upstream calls", "two profile calls": the
			// README's stated costs hold too.
			for _, m := range statedCalls.FindAllStringSubmatch(sec, -1) {
				n, op := numbers[m[1]], "total"
				if m[2] == "profile" {
					op = "profiles.getCustomer"
				}
				if got := g.calls()[op]; got != n {
					t.Errorf("the README says %q; the query made %d", m[0], got)
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

// TestREADMEDocumentsEveryVariable: each environment variable the facade
// reads has a row in the README's configuration table.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	graphEnv, err := envconfig.Names(&Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(upstream.EnvNames(), graphEnv...) {
		if !strings.Contains(string(b), "| `"+name+"`") && !strings.Contains(string(b), "`"+name+"`, `") && !strings.Contains(string(b), ", `"+name+"` |") {
			t.Errorf("README's configuration table has no row for %s", name)
		}
	}
}
