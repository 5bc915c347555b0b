package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/pprof"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"

	"customergraph/graph"
	"customergraph/limits"
	"customergraph/loaders"
	"customergraph/metrics"
	"customergraph/resolvers"
	"customergraph/upstream"
	"customergraph/web"
)

// app is the facade: the upstream client, the GraphQL server over it, and
// the HTTP guard rails around both.
type app struct {
	cfg     config
	log     zerolog.Logger
	client  *upstream.Client
	gql     *handler.Server
	metrics *metrics.Metrics
}

func newApp(cfg config, log zerolog.Logger) (*app, error) {
	if err := cfg.Upstream.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	m := metrics.New()
	client, err := upstream.New(cfg.Upstream, upstream.Options{Logger: log, OnCall: onUpstreamCall(m), OnBreaker: m.Breaker})
	if err != nil {
		return nil, err
	}
	res := &resolvers.Resolver{Client: client, Log: log}
	if cfg.PublicURL != "" {
		res.CallbackURL = strings.TrimRight(cfg.PublicURL, "/") + "/callback/delete-all-subscriptions"
	}
	gql := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: res, Complexity: resolvers.Complexity()}))
	gql.AddTransport(transport.Options{})
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](max(cfg.QueryCache, 1)))
	gql.SetParserTokenLimit(cfg.MaxTokens)
	gql.SetDisableSuggestion(!cfg.on(cfg.FieldSuggestions))
	gql.Use(limits.New(limits.Limits{Tokens: cfg.MaxTokens, Depth: cfg.MaxDepth, Aliases: cfg.MaxAliases, Fields: cfg.MaxFields, Mutations: cfg.MaxMutations}))
	gql.Use(&limits.Complexity{Max: cfg.MaxCost})
	if cfg.on(cfg.Introspection) {
		gql.Use(extension.Introspection{})
	}
	gql.AroundResponses(collectResponse)
	gql.SetErrorPresenter(resolvers.ErrorPresenter(log))
	gql.SetRecoverFunc(resolvers.Recover(log))
	return &app{cfg: cfg, log: log, client: client, gql: gql, metrics: m}, nil
}

func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	graphqlHandler := accessLog(a.log, a.metrics,
		authenticate(a.cfg.clients,
			guardBody(a.cfg.MaxBodyBytes,
				httpStatuses(
					a.perRequest(a.gql)))))
	mux.Handle("/graphql", graphqlHandler)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.metrics.Handler())
	if a.cfg.on(a.cfg.Playground) {
		introspection := a.cfg.on(a.cfg.Introspection)
		mux.HandleFunc("GET /playground.json", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-cache")
			_ = json.NewEncoder(w).Encode(map[string]any{"introspection": introspection})
		})
		playground := web.Handler()
		mux.Handle("GET /{$}", playground)
		mux.Handle("GET /index.html", playground)
		mux.Handle("GET /assets/", playground)
	}
	if a.cfg.PProf {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	if len(a.cfg.CORSOrigins) == 0 {
		return mux
	}
	return cors.New(cors.Options{
		AllowedOrigins:   a.cfg.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Content-Type", "Accept", "Authorization", "X-Authorization", "transactionId", "X-Request-ID"},
		ExposedHeaders:   []string{"X-Request-ID"},
		AllowCredentials: a.cfg.CORSCredentials,
		MaxAge:           600,
	}).Handler(mux)
}

// ready is 200 while at least one API's circuit breaker is not open.
func (a *app) ready(w http.ResponseWriter, _ *http.Request) {
	states := a.client.BreakerStates()
	open := 0
	for _, s := range states {
		if s == "open" {
			open++
		}
	}
	w.Header().Set("Content-Type", "text/plain")
	if open == len(states) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: every upstream circuit breaker is open\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// perRequest gives each GraphQL request its transaction id (the client's
// transactionId or X-Request-ID when valid, else a fresh one, echoed back),
// the end user's X-Authorization for upstream, a deadline that reaches every
// upstream call, and its own dataloaders.
func (a *app) perRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), a.cfg.RequestTimeout)
		defer cancel()
		ctx = upstream.WithCaller(ctx, upstream.Caller{TransactionID: w.Header().Get("X-Request-ID"), Authorization: r.Header.Get("X-Authorization")})
		ctx = loaders.With(ctx, loaders.New(a.client, a.metrics.Batch))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// transactionID picks the request's transaction id.
func transactionID(r *http.Request) string {
	for _, h := range []string{"transactionId", "X-Request-ID"} {
		if v := r.Header.Get(h); upstream.ValidTransactionID(v) {
			return v
		}
	}
	return upstream.NewTransactionID()
}
