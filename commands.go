package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"customergraph/edge"
	"customergraph/graph"
)

// errUsage is a command line the program does not understand: exit 2,
// and never a server started by mistake.
var errUsage = errors.New("usage")

const usage = `customergraph: the customer graph, a GraphQL facade over the operator's
customer REST APIs.

Usage:
  customergraph [serve] [-addr :8080]   serve the facade (the default); with no
                                        MTN_*_URL set, over an embedded sandbox
  customergraph sandbox [-addr addr]    serve the sandbox of the four APIs alone
  customergraph schema [-subgraph]      print the schema (SDL); -subgraph: the
                                        federation subgraph SDL, to compose
  customergraph config                  check the configuration and print it,
                                        secrets redacted
  customergraph version                 print the version
  customergraph help                    this text

Configuration is read from environment variables: docs/configuration.md
lists each, with its default and range. Signals: SIGTERM or Ctrl-C drains
(docs/operations.md#shutdown).
`

// version is set at build time (-ldflags "-X main.release=v1.2.3"), else
// read from the module and VCS stamps.
var release string

func version() string {
	v, rev, dirty, goVersion := release, "", false, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	parts := []string{goVersion}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "+modified"
		}
		parts = append([]string{"commit " + rev}, parts...)
	}
	return "customergraph " + v + " (" + strings.Join(parts, ", ") + ")"
}

func noArgs(command string, args []string, do func() error) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: %s takes no argument, got %q", errUsage, command, args[0])
	}
	return do()
}

func printSchema(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	fs.SetOutput(stdout)
	subgraph := fs.Bool("subgraph", false, "print the federation subgraph SDL (_service { sdl }) instead")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: schema takes no argument, got %q", errUsage, fs.Arg(0))
	}
	if *subgraph {
		fmt.Fprint(stdout, graph.SubgraphSDL())
		return nil
	}
	fmt.Fprint(stdout, graph.SDL())
	return nil
}

func printConfig(getenv func(string) string, stdout io.Writer) error {
	cfg, err := edge.LoadConfig(getenv)
	if err != nil {
		return err
	}
	for _, s := range cfg.Effective(getenv) {
		fmt.Fprintf(stdout, "%s=%s\n", s.Name, s.Value)
	}
	return nil
}
