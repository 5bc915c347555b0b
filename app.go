package main

import (
	"context"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"

	"customergraph/graph"
	"customergraph/loaders"
	"customergraph/resolvers"
	"customergraph/upstream"
)

// app is the facade: the upstream client and the GraphQL server over it.
type app struct {
	cfg    config
	log    zerolog.Logger
	client *upstream.Client
	gql    *handler.Server
}

func newApp(cfg config, log zerolog.Logger) (*app, error) {
	client, err := upstream.New(cfg.Upstream, upstream.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	res := &resolvers.Resolver{Client: client, Log: log}
	if cfg.CallbackBaseURL != "" {
		res.CallbackURL = strings.TrimRight(cfg.CallbackBaseURL, "/") + "/callback/delete-all-subscriptions"
	}
	gql := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: res}))
	gql.AddTransport(transport.Options{})
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	gql.Use(extension.Introspection{})
	gql.SetErrorPresenter(resolvers.ErrorPresenter(log))
	gql.SetRecoverFunc(resolvers.Recover(log))
	return &app{cfg: cfg, log: log, client: client, gql: gql}, nil
}

func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", a.perRequest(a.gql))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}

// perRequest gives each GraphQL request its transaction id (the client's
// transactionId or X-Request-ID when valid, else a fresh one, echoed back),
// the end user's X-Authorization for upstream, a deadline that reaches every
// upstream call, and its own dataloaders.
func (a *app) perRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		txn := r.Header.Get("transactionId")
		if !upstream.ValidTransactionID(txn) {
			txn = r.Header.Get("X-Request-ID")
		}
		if !upstream.ValidTransactionID(txn) {
			txn = upstream.NewTransactionID()
		}
		w.Header().Set("X-Request-ID", txn)
		ctx, cancel := context.WithTimeout(r.Context(), a.cfg.RequestTimeout)
		defer cancel()
		ctx = upstream.WithCaller(ctx, upstream.Caller{TransactionID: txn, Authorization: r.Header.Get("X-Authorization")})
		ctx = loaders.With(ctx, loaders.New(a.client))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
