package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestCommands: each command does its one thing and returns; a word or
// flag the program does not know is an error, and never starts a server.
func TestCommands(t *testing.T) {
	t.Parallel()
	sdl, err := os.ReadFile("schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args    []string
		want    string // the whole output, or with a trailing … its beginning
		wantErr error
	}{
		{[]string{"version"}, "customergraph …", nil},
		{[]string{"--version"}, "customergraph …", nil},
		{[]string{"schema"}, string(sdl), nil},
		{[]string{"help"}, usage, nil},
		{[]string{"-h"}, usage, nil},
		{[]string{"config"}, "…", nil},
		{[]string{"frobnicate"}, "", errUsage},
		{[]string{"serve", "extra"}, "", errUsage},
		{[]string{"version", "extra"}, "", errUsage},
		{[]string{"schema", "extra"}, "", errUsage},
		{[]string{"-no-such-flag"}, "…", errUsage},
		{[]string{"sandbox", "extra"}, "", errUsage},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"customergraph"}, c.args...), func(string) string { return "" }, &out)
			if !errors.Is(err, c.wantErr) || (c.wantErr == nil && err != nil) {
				t.Fatalf("run: %v, want %v", err, c.wantErr)
			}
			got := out.String()
			if prefix, ok := strings.CutSuffix(c.want, "…"); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("output %q, want it to begin %q", got, prefix)
				}
			} else if got != c.want {
				t.Errorf("output:\n%s\nwant:\n%s", got, c.want)
			}
			if strings.Contains(got, "listening") {
				t.Errorf("a server started: %s", got)
			}
		})
	}
}

// TestConfigCommandRedactsSecrets prints the effective configuration:
// defaults, the environment's values, and secrets only as set or unset.
func TestConfigCommandRedactsSecrets(t *testing.T) {
	t.Parallel()
	env := map[string]string{"MTN_API_KEY": "k-secret-1", "GRAPH_MAX_COST": "900", "GRAPH_LOG_HASH_KEY": "h-secret-2"}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"customergraph", "config"}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"GRAPH_MAX_COST=900\n", "GRAPH_MAX_DEPTH=20\n", "MTN_API_KEY=(set, redacted)\n", "GRAPH_LOG_HASH_KEY=(set, redacted)\n", "MTN_CLIENT_SECRET=(unset)\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("config output lacks %q", want)
		}
	}
	if strings.Contains(got, "secret-") {
		t.Errorf("a secret was printed:\n%s", got)
	}
	err := run(context.Background(), []string{"customergraph", "config"}, func(k string) string { return map[string]string{"GRAPH_MAX_COST": "-1"}[k] }, &out)
	if err == nil || !strings.Contains(err.Error(), "GRAPH_MAX_COST") {
		t.Errorf("a value out of range: %v, want an error naming GRAPH_MAX_COST", err)
	}
}

// TestSubgraphSchemaIsWhatServiceAnswers: `customergraph schema -subgraph`
// prints what a running facade's _service { sdl } answers.
func TestSubgraphSchemaIsWhatServiceAnswers(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"customergraph", "schema", "-subgraph"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	base, _ := startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)
	served := postJSON(t, base+"/graphql", `{"query": "{ _service { sdl } }"}`)
	if got := served["data"].(map[string]any)["_service"].(map[string]any)["sdl"]; got != out.String() {
		t.Errorf("schema -subgraph differs from the served _service.sdl")
	}
}

func postJSON(t *testing.T, url, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
