package main

import (
	"os"
	"strings"
	"testing"

	"customergraph/sandbox"
)

// TestREADMEListsScenarios keeps the README's scenario table honest.
func TestREADMEListsScenarios(t *testing.T) {
	b, err := os.ReadFile("README.md")
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
