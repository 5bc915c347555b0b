package edge

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"customergraph/sandbox"
)

// abuseCase is one file of testdata/abuse: a hostile request and the
// precise answer it must get.
type abuseCase struct {
	Name        string `json:"name"`
	Method      string `json:"method"`
	ContentType string `json:"contentType"`
	Query       string `json:"query"` // a template; sent as {"query": …} or ?query=
	Body        string `json:"body"`  // a template; sent as is
	Status      int    `json:"status"`
	Code        string `json:"code"`
	Limit       string `json:"limit"`
}

var abuseFuncs = template.FuncMap{
	"repeat": func(n int, s string) string { return strings.Repeat(s, n) },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
}

func render(t *testing.T, text string) string {
	t.Helper()
	tpl, err := template.New("").Funcs(abuseFuncs).Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tpl.Execute(&b, nil); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestAbuseCorpus sends every request of testdata/abuse: each gets a clear
// error with a code, no upstream call is made, and the server stays up.
func TestAbuseCorpus(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	files, _ := filepath.Glob(filepath.Join("testdata", "abuse", "*.json"))
	if len(files) < 10 {
		t.Fatalf("corpus has %d files", len(files))
	}
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		var c abuseCase
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			method, ct := c.Method, c.ContentType
			if method == "" {
				method = "POST"
			}
			if ct == "" {
				ct = "application/json"
			}
			var req *http.Request
			switch {
			case method == "GET":
				req, _ = http.NewRequest("GET", g.url+"/graphql?query="+url.QueryEscape(render(t, c.Query)), nil)
			case c.Body != "":
				req, _ = http.NewRequest(method, g.url+"/graphql", strings.NewReader(render(t, c.Body)))
			default:
				body, _ := json.Marshal(map[string]string{"query": render(t, c.Query)})
				req, _ = http.NewRequest(method, g.url+"/graphql", bytes.NewReader(body))
			}
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Accept", "application/graphql-response+json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.Status {
				t.Errorf("status %d, want %d: %.300s", resp.StatusCode, c.Status, body)
			}
			var out gqlResponse
			if err := json.Unmarshal(body, &out); err != nil || len(out.Errors) == 0 {
				t.Fatalf("not a GraphQL error: %.300s", body)
			}
			e := out.Errors[0]
			if c.Code != "" && e.code() != c.Code {
				t.Errorf("code %q, want %q: %s", e.code(), c.Code, e.Message)
			}
			if c.Limit != "" && e.Extensions["limit"] != c.Limit {
				t.Errorf("limit %v, want %s: %s", e.Extensions["limit"], c.Limit, e.Message)
			}
			if e.Message == "" || len(e.Message) > 300 {
				t.Errorf("message %q", e.Message)
			}
			if n := g.calls()["total"]; n != 0 {
				t.Errorf("%d upstream calls", n)
			}
		})
	}
	r := g.query(`{ customer(id: "27831000001") { location { country } } }`, nil)
	if at(r.Data, "customer.location.country") != "ZA" {
		t.Errorf("server no longer answers: %+v", r)
	}
}
