// Command customergraph serves the customer graph: a GraphQL facade over the
// operator's Customer Profiles, Plans, Subscription Management and
// Accountholders REST APIs. With no MTN_*_URL configured it serves an
// embedded sandbox of those APIs, so `go run .` works anywhere.
//
//	go run .                                  # facade on :8080, sandbox upstream
//	go run . -addr 127.0.0.1:9000             # another address
//	go run . sandbox -addr 127.0.0.1:9400     # the sandbox alone
//	go run . help                             # every command
package main

//go:generate go run ./graph/codegen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"customergraph/edge"
	"customergraph/redisstore"
	"customergraph/sandbox"
)

func main() {
	// Dependencies that log do so through process-wide loggers (go-redis's,
	// and the standard library's, which gqlgen's WebSocket transport
	// uses): both go into the JSON log.
	deps := zerolog.New(os.Stdout).With().Timestamp().Logger()
	redis.SetLogger(redisstore.Logger{Log: deps})
	stdlog.SetFlags(0)
	stdlog.SetOutput(deps.With().Str("component", "library").Logger())
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run is the whole program, with its dependencies passed in so tests can
// start it like a user would.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	level, err := logLevel(getenv("LOG_LEVEL"))
	if err != nil {
		return err
	}
	log := zerolog.New(stdout).Level(level).With().Timestamp().Logger()
	command, rest := "serve", args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		command, rest = rest[0], rest[1:]
	}
	switch command {
	case "serve":
		return serve(ctx, rest, getenv, stdout, log)
	case "sandbox":
		return runSandbox(ctx, rest, stdout, log)
	case "version":
		return noArgs(command, rest, func() error { fmt.Fprintln(stdout, version()); return nil })
	case "schema":
		return printSchema(rest, stdout)
	case "config":
		return noArgs(command, rest, func() error { return printConfig(getenv, stdout) })
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q; run customergraph help", errUsage, command)
}

// serve runs the facade: the default command.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, log zerolog.Logger) error {
	fs := flag.NewFlagSet("customergraph", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() { fmt.Fprint(stdout, usage) }
	addr := fs.String("addr", ":8080", "address to listen on")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *showVersion {
		fmt.Fprintln(stdout, version())
		return nil
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q; run customergraph help", errUsage, fs.Arg(0))
	}
	cfg, err := edge.LoadConfig(getenv)
	if err != nil {
		return err
	}
	if !cfg.Upstream.Configured() {
		url, stopSandbox, err := startSandbox(log)
		if err != nil {
			return err
		}
		defer stopSandbox()
		cfg.UseSandbox(url)
		log.Info().Str("sandbox", url).Msg("no MTN_*_URL is set: serving the embedded sandbox of the four APIs")
	}
	if getenv("GOGC") == "" && cfg.GCPercent > 0 {
		// Answering a query allocates many short-lived objects (gqlgen,
		// JSON) over a live heap of a few MiB: at Go's default of 100 the
		// collector took ~40% of the CPU of a full customer view.
		// BENCHMARKS.md has the figures behind the default.
		debug.SetGCPercent(cfg.GCPercent)
	}
	if getenv("GOMEMLIMIT") == "" && cfg.MemoryLimitMiB > 0 {
		// A soft limit: the collector works harder as the heap nears it, so
		// a burst the admission limit let through cannot grow the process
		// without bound. Admission, not the heap, is what should give way.
		debug.SetMemoryLimit(cfg.MemoryLimitMiB << 20)
		log.Info().Int64("memoryLimitMiB", cfg.MemoryLimitMiB).Msg("Go memory limit set from GRAPH_MEMORY_LIMIT_MIB")
	}
	tp, err := edge.Tracing(ctx, getenv, stdout)
	if err != nil {
		return err
	}
	if tp != nil {
		cfg.TracerProvider = tp
		defer func() {
			// Spans still in the batch go out before the process ends.
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = tp.Shutdown(sctx)
		}()
		log.Info().Msg("OpenTelemetry tracing on (OTEL_* variables)")
	}
	app, err := edge.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	app.Listening(ln.Addr())
	if cfg.OpsAddr != "" {
		opsLn, err := net.Listen("tcp", cfg.OpsAddr)
		if err != nil {
			return err
		}
		// The operations endpoints outlive the drain: /readyz must say
		// "shutting down" while it lasts.
		opsCtx, stopOps := context.WithCancel(context.WithoutCancel(ctx))
		defer stopOps()
		go func() {
			if err := edge.Serve(opsCtx, opsLn, app.OpsHandler(), cfg.ShutdownTimeout, log, "operations endpoints"); err != nil {
				log.Error().Err(err).Msg("operations endpoints stopped")
			}
		}()
	}
	return edge.Serve(ctx, ln, app.Handler(), cfg.ShutdownTimeout, log, "customer graph", app.Drain)
}

// logLevel reads LOG_LEVEL: debug adds a line per upstream read; info (the
// default) is one access line per request plus writes and state changes;
// warn and error keep only trouble.
func logLevel(v string) (zerolog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "info":
		return zerolog.InfoLevel, nil
	case "debug":
		return zerolog.DebugLevel, nil
	case "warn", "warning":
		return zerolog.WarnLevel, nil
	case "error":
		return zerolog.ErrorLevel, nil
	}
	return zerolog.NoLevel, fmt.Errorf("LOG_LEVEL=%q: use debug, info, warn or error", v)
}

func runSandbox(ctx context.Context, args []string, stdout io.Writer, log zerolog.Logger) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:9400", "address to listen on")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	return edge.Serve(ctx, ln, sandbox.New(sandbox.Options{}), 5*time.Second, log, "sandbox")
}

// startSandbox serves the sandbox on a loopback port in-process.
func startSandbox(log zerolog.Logger) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: sandbox.New(sandbox.Options{}), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("sandbox stopped")
		}
	}()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
