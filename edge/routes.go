package edge

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/pprof"
	"slices"
	"strings"

	"github.com/rs/cors"

	"customergraph/callbacks"
	"customergraph/codes"
	"customergraph/redisstore"
	"customergraph/web"
)

// Handler is the facade's public HTTP handler: every route it answers.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", a.graphqlHandler())
	// The Subscription Management API posts unsubscribe-all results here; it
	// holds no client key, so the unguessable request id (and the optional
	// GRAPH_CALLBACK_SECRET) is what admits it.
	mux.Handle("POST "+callbacks.Path+"/{requestId}", a.callbacks.Handler())
	if a.cfg.OpsAddr == "" {
		// On the public port, what tells an attacker about the process
		// (metrics, profiles) needs a client key when keys are configured;
		// the probes stay open for load balancers.
		a.mountOps(mux, a.auth)
	}
	if a.cfg.on(a.cfg.Playground) {
		mux.HandleFunc("GET /playground.json", playgroundSettings(a.cfg.on(a.cfg.Introspection)))
		playground := web.Handler()
		mux.Handle("GET /{$}", playground)
		mux.Handle("GET /index.html", playground)
		mux.Handle("GET /assets/", playground)
	}
	if len(a.cfg.CORSOrigins) == 0 {
		return mux
	}
	return cors.New(cors.Options{
		AllowedOrigins: a.cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization", "X-Authorization", "transactionId", "X-Request-ID", TraceHeader, "traceparent", "tracestate",
			clientNameHeader, clientVersionHeader},
		ExposedHeaders:   []string{"X-Request-ID"},
		AllowCredentials: a.cfg.CORSCredentials,
		MaxAge:           600,
	}).Handler(mux)
}

// graphqlHandler is /graphql: gqlgen's server behind the edge's
// middleware, which a request meets in this order, outermost first.
func (a *App) graphqlHandler() http.Handler {
	return chain(a.gql,
		serverSpans(a.cfg.TracerProvider, a.trustsTraceContext), // its OpenTelemetry span (tracing.go)
		withState(a.cfg.CacheControl, a.cfg.anonymousScopes()),  // its request.State: transaction id, transport, who sent it (state.go)
		accessLog(a.log, a.metrics),                             // one line and the metrics when it is answered (accesslog.go)
		compressed,                                              // zstd, brotli or gzip, as the client accepts (compress.go)
		authenticate(a.auth),                                    // a client key or JWT when either is configured (auth.go)
		capConnections(a.conns, a.auth.required()),              // WebSocket and SSE connection caps (conns.go)
		endStreamsOnDrain(a.open),                               // SSE and multipart streams end when the facade drains (drain.go)
		shedEarly(a.admission),                                  // 503 before the body is read when at capacity (admission.go)
		guardBody(a.cfg.MaxBodyBytes),                           // bounds and checks the body or query string (guard.go)
		allowMethods,                                            // GET and POST only (below)
	)
	// Then gqlgen: the transports (oneAnswer for plain GET and POST,
	// multipart, SSE, WebSocket), persisted queries and limits, and each
	// operation's pipeline: deadline, admission, loaders (operation.go).
}

// chain wraps h in middleware, the first given outermost.
func chain(h http.Handler, middleware ...func(http.Handler) http.Handler) http.Handler {
	for _, m := range slices.Backward(middleware) {
		h = m(h)
	}
	return h
}

// allowMethods lets GET, POST (and OPTIONS, for CORS) reach GraphQL; any
// other method is 405 with Allow.
func allowMethods(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodOptions:
			next.ServeHTTP(w, r)
		case http.MethodPut:
			// graphql-sse's single connection mode reserves its stream
			// with a PUT; the facade serves the distinct connections mode.
			w.Header().Set("Allow", "GET, POST")
			writeError(w, codes.MethodNotAllowed,
				"graphql-sse's single connection mode is not supported: use its distinct connections mode (singleConnection: false, the default), or WebSocket")
		default:
			w.Header().Set("Allow", "GET, POST")
			writeError(w, codes.MethodNotAllowed, "send GraphQL requests with POST (or GET, for queries)")
		}
	})
}

// playgroundSettings tells the playground whether it may introspect.
func playgroundSettings(introspection bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		_ = json.NewEncoder(w).Encode(map[string]any{"introspection": introspection})
	}
}

// OpsHandler serves the operator endpoints alone, for GRAPH_OPS_ADDR.
func (a *App) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	a.mountOps(mux, nil)
	return mux
}

// healthz is 200 while the process serves.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte("ok\n"))
}

// mountOps adds /healthz, /readyz, /metrics and, with GRAPH_PPROF, pprof.
// With keys, /metrics and pprof need one of them; on GRAPH_OPS_ADDR, an
// internal address, nothing does.
func (a *App) mountOps(mux *http.ServeMux, keys *credentials) {
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", authenticate(keys)(a.metrics.Handler()))
	if a.cfg.PProf {
		for p, h := range map[string]http.HandlerFunc{"/debug/pprof/": pprof.Index, "/debug/pprof/cmdline": pprof.Cmdline,
			"/debug/pprof/profile": pprof.Profile, "/debug/pprof/symbol": pprof.Symbol, "/debug/pprof/trace": pprof.Trace} {
			mux.Handle(p, authenticate(keys)(h))
		}
	}
}

// ready is 200 while at least one API's circuit breaker is not open; its
// body names each API's breaker state, for whoever is looking at why.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	states := a.client.BreakerStates()
	apis := make([]string, 0, len(states))
	open := 0
	for api, s := range states {
		apis = append(apis, api)
		if s == "open" {
			open++
		}
	}
	slices.Sort(apis)
	var b strings.Builder
	if a.draining.Load() {
		http.Error(w, "not ready: shutting down", http.StatusServiceUnavailable)
		return
	}
	if open == len(states) {
		b.WriteString("not ready: every upstream circuit breaker is open\n")
	} else {
		b.WriteString("ready\n")
	}
	for _, api := range apis {
		fmt.Fprintf(&b, "%s breaker: %s\n", api, states[api])
	}
	// Redis shares state between replicas; without it a replica still
	// answers every query, so it reports, and does not decide, readiness.
	if a.redis != nil {
		if err := redisstore.Ping(r.Context(), a.redis); err != nil {
			b.WriteString("redis: degraded (unreachable: persisted queries are misses and not shared)\n")
		} else {
			b.WriteString("redis: ok\n")
		}
	}
	w.Header().Set("Content-Type", "text/plain")
	if open == len(states) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_, _ = w.Write([]byte(b.String()))
}
