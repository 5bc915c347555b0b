// Command testsum reads `go test -json` on stdin, prints the tests' output
// as go test would, and ends with the totals: packages, tests, subtests and
// skips, then a "N passed, N failed" line. It exits 1 if anything failed
// (or a package did not build), so the test script keeps go test's verdict.
//
//	go test -json ./... | go run ./scripts/testsum
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	var packages, tests, subtests, passed, failed, skipped, pkgFailed int
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // a build error, not JSON
			continue
		}
		switch e.Action {
		case "output":
			if !verbose(e.Output) {
				fmt.Print(e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action != "skip" {
					packages++
				}
				if e.Action == "fail" {
					pkgFailed++
				}
				continue
			}
			if strings.Contains(e.Test, "/") {
				subtests++
			} else {
				tests++
			}
			switch e.Action {
			case "pass":
				passed++
			case "fail":
				failed++
			case "skip":
				skipped++
			}
		}
	}
	fmt.Printf("\n== %d packages with tests, %d tests, %d subtests, %d skipped\n", packages, tests, subtests, skipped)
	fmt.Printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || pkgFailed > 0 || sc.Err() != nil {
		os.Exit(1)
	}
}

// verbose reports whether line is one that only -v would print.
func verbose(line string) bool {
	t := strings.TrimSpace(line)
	for _, p := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME", "--- PASS", "--- SKIP"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
