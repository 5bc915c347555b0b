package edge

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/redis/go-redis/v9"
	"github.com/rs/cors"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"

	"customergraph/admission"
	"customergraph/callbacks"
	"customergraph/calltrace"
	"customergraph/graph"
	"customergraph/limits"
	"customergraph/loaders"
	"customergraph/metrics"
	"customergraph/persisted"
	"customergraph/redisstore"
	"customergraph/resolvers"
	"customergraph/upstream"
	"customergraph/web"
)

// App is the facade: the upstream client, the GraphQL server over it, and
// the HTTP guard rails around both.
type App struct {
	cfg       Config
	log       zerolog.Logger
	client    *upstream.Client
	gql       *handler.Server
	metrics   *metrics.Metrics
	callbacks *callbacks.Registry
	streams   *resolvers.StreamLimiter
	admission *admission.Limiter
	conns     *connLimits
	docs      *limits.DocumentCache
	redis     *redis.Client // nil without REDIS_URL
}

// apqTTL is how long an automatic persisted query stays in Redis unused.
const apqTTL = 24 * time.Hour

// New builds the facade; ctx bounds its background work (the admission
// controller).
func New(ctx context.Context, cfg Config, log zerolog.Logger) (*App, error) {
	if err := cfg.Upstream.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	// A line written with a request's context carries its trace id.
	log = log.Hook(traceIDs{})
	var tracer trace.Tracer // nil: no spans
	if cfg.TracerProvider != nil {
		tracer = cfg.TracerProvider.Tracer("customergraph")
	}
	m := metrics.New()
	client, err := upstream.New(cfg.Upstream, upstream.Options{Logger: log, OnCall: onUpstreamCall(m), OnBreaker: m.Breaker,
		HTTPClient: cfg.upstreamHTTP, TracerProvider: cfg.TracerProvider})
	if err != nil {
		return nil, err
	}
	var rdb *redis.Client
	if cfg.RedisURL != "" {
		c, unreachable, err := redisstore.Open(ctx, cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		if unreachable != nil {
			log.Warn().Str("error", unreachable.Error()).Msg("Redis does not answer: this replica runs on its own until it does")
		}
		rdb = c
		go func() { <-ctx.Done(); _ = c.Close() }()
	}
	cb := callbacks.New(callbacks.Options{Secret: cfg.CallbackSecret})
	if rdb != nil {
		cb.UseRelay(ctx, redisstore.Callbacks{Client: rdb, Log: log}, log)
	}
	if cfg.PublicURL != "" {
		cb.SetBaseURL(cfg.PublicURL)
	}
	streams := &resolvers.StreamLimiter{PerClient: cfg.MaxStreamsPerClient, Total: cfg.MaxStreams}
	if rdb != nil {
		streams.Shared = redisstore.Streams{Client: rdb, TTL: cfg.StreamTimeout + time.Minute}
	}
	res := &resolvers.Resolver{Client: client, Log: log, Callbacks: cb, Streams: streams,
		StreamTimeout: cfg.StreamTimeout, PollInterval: cfg.PollInterval}
	es := graph.NewExecutableSchema(graph.Config{Resolvers: res, Complexity: resolvers.Complexity()})
	gql := handler.New(es)
	gql.AddTransport(transport.Websocket{
		// The browser's Origin must be this host or one of the CORS origins.
		Implementation:        transportWS{transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{OriginPatterns: originHosts(cfg.CORSOrigins)}}},
		KeepAlivePingInterval: 10 * time.Second,
		// A socket that has not said who it is is held briefly: it counts
		// against GRAPH_MAX_PENDING_CONNECTIONS until then.
		InitTimeout:      cmp.Or(cfg.wsInitTimeout, 5*time.Second),
		InitFunc:         wsInit(cfg.clients),
		PayloadReadLimit: &cfg.MaxBodyBytes,
	})
	gql.AddTransport(transport.SSE{})
	gql.AddTransport(multipartTransport{Heartbeat: multipartHeartbeat})
	gql.AddTransport(transport.Options{})
	gql.AddTransport(wholeAnswers{transport.GET{}})
	gql.AddTransport(wholeAnswers{transport.POST{}})
	docs := limits.NewDocumentCache(max(cfg.QueryCache, 1), cfg.QueryCacheMiB<<20)
	gql.SetQueryCache(docs)
	gql.SetParserTokenLimit(cfg.MaxTokens)
	gql.SetDisableSuggestion(!cfg.on(cfg.FieldSuggestions))
	// Persisted queries first: the limits below must see the document a
	// hash stands for.
	persistedOps := persisted.Extension{Only: cfg.PersistedOnly, MaxDocumentBytes: cfg.APQMaxDocumentBytes,
		Quota: &persisted.Quota{PerMinute: cfg.APQRegistrationsPerMinute}, Client: resolvers.ClientID,
		Mismatch: func(ctx context.Context, hash string) {
			log.Warn().Ctx(ctx).Str("hash", hash).Msg("the persisted query store returned a document that is not its hash's: refused, answered as a miss")
		}}
	switch {
	case cfg.APQCache > 0 && rdb != nil:
		persistedOps.Cache = &redisstore.APQ{Client: rdb, TTL: apqTTL, Log: log}
	case cfg.APQCache > 0:
		persistedOps.Cache = lru.New[string](cfg.APQCache)
	}
	if cfg.PersistedOperations != "" {
		m, err := persisted.Load(cfg.PersistedOperations)
		if err != nil {
			return nil, fmt.Errorf("GRAPH_PERSISTED_OPERATIONS: %w", err)
		}
		persistedOps.Manifest = m
		log.Info().Int("operations", len(m)).Bool("only", cfg.PersistedOnly).Msg("persisted operations loaded")
	}
	gql.Use(persistedOps)
	gql.Use(limits.New(limits.Limits{Bytes: int(cfg.MaxBodyBytes), Tokens: cfg.MaxTokens, Depth: cfg.MaxDepth, Aliases: cfg.MaxAliases, Fields: cfg.MaxFields, Mutations: cfg.MaxMutations}))
	gql.Use(&limits.Complexity{Max: cfg.MaxCost})
	if cfg.on(cfg.Introspection) {
		gql.Use(extension.Introspection{})
	}
	// No field middleware (AroundFields) here: plain struct fields are
	// answered without it (graph/codegen), so it would see only resolvers.
	gql.AroundResponses(collectResponse)
	gql.AroundResponses(resolvers.StreamEnds)
	// Loaders live for one operation: a WebSocket carries many, and none may
	// see another's cached answers.
	lim := admission.New(admission.Options{MaxRequests: cfg.MaxInFlight, MaxWeight: cfg.MaxInFlightCost,
		MinRequests: cfg.MinInFlight, Wait: cfg.AdmissionWait, TargetDelay: cfg.AdmissionDelay})
	if cfg.admissionTicks == nil {
		t := time.NewTicker(admissionWindow)
		context.AfterFunc(ctx, t.Stop)
		cfg.admissionTicks = t.C
	}
	go lim.Run(ctx, cfg.admissionTicks, admissionWindow, admission.NewSchedulingDelay(admissionQuantile).Sample)
	m.Admission(lim.Stats)
	a := &App{cfg: cfg, log: log, client: client, gql: gql, metrics: m, callbacks: cb, streams: streams, admission: lim, redis: rdb,
		docs: docs, conns: newConnLimits(cfg.MaxConnections, cfg.MaxConnectionsPerClient, cfg.MaxPendingConnections)}
	gql.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ended := func(*graphql.Response) {}
		if tracer != nil {
			ctx, ended = traceOperation(ctx, tracer)
		}
		ctx, refused := operationBounds(ctx, cfg, streams, log)
		if refused != nil {
			ended(refused)
			return graphql.OneShot(refused)
		}
		calls := a.callTrace(ctx)
		if calls != nil {
			ctx = calltrace.With(ctx, calls)
		}
		respond := admit(ctx, lim, log, func(ctx context.Context) graphql.ResponseHandler {
			return next(resolvers.WithStreamEnd(loaders.With(ctx, loaders.New(client, m.Batch, tracer))))
		})
		first := !answeredWhole(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := respond(ctx)
			if first && resp != nil && resp.HasNext != nil && *resp.HasNext {
				// Sent in parts: the deferred fields are pending, not null.
				resp.Data = withoutDeferred(graphql.GetOperationContext(ctx), es.Schema(), resp.Data)
			}
			first = false
			if calls != nil {
				a.withCallTrace(ctx, calls, resp)
			}
			ended(resp)
			return resp
		}
	})
	present := resolvers.ErrorPresenter(log)
	if !cfg.on(cfg.FieldSuggestions) {
		// gqlgen's switch covers field names only; arguments, input fields,
		// enum values and type names are suggested by other rules.
		present = func(ctx context.Context, err error) *gqlerror.Error {
			e := resolvers.ErrorPresenter(log)(ctx, err)
			e.Message = withoutSuggestion(e.Message)
			return e
		}
	}
	gql.SetErrorPresenter(present)
	gql.SetRecoverFunc(resolvers.Recover(log))
	return a, nil
}

// suggestion is the tail gqlparser's validation rules add to a message.
var suggestion = regexp.MustCompile(` Did you mean [^?]*\?$`)

func withoutSuggestion(msg string) string { return suggestion.ReplaceAllString(msg, "") }

// The admission controller reads the scheduler's delay at this quantile
// over windows of this length.
const (
	admissionWindow   = 100 * time.Millisecond
	admissionQuantile = 0.99
)

func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	graphqlHandler := serverSpans(a.cfg.TracerProvider, a.trustsTraceContext, accessLog(a.log, a.metrics,
		compressed(
			authenticate(a.cfg.clients,
				capConnections(a.conns, len(a.cfg.clients) > 0,
					shedEarly(a.admission,
						guardBody(a.cfg.MaxBodyBytes,
							httpStatuses(
								a.perRequest(a.gql)))))))))
	mux.Handle("/graphql", graphqlHandler)
	// The Subscription Management API posts unsubscribe-all results here; it
	// holds no client key, so the unguessable request id (and the optional
	// GRAPH_CALLBACK_SECRET) is what admits it.
	mux.Handle("POST "+callbacks.Path+"/{requestId}", a.callbacks.Handler())
	if a.cfg.OpsAddr == "" {
		// On the public port, what tells an attacker about the process
		// (metrics, profiles) needs a client key when keys are configured;
		// the probes stay open for load balancers.
		a.mountOps(mux, a.cfg.clients)
	}
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

// OpsHandler serves the operator endpoints alone, for GRAPH_OPS_ADDR.
func (a *App) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	a.mountOps(mux, nil)
	return mux
}

// mountOps adds /healthz, /readyz, /metrics and, with GRAPH_PPROF, pprof.
// With keys, /metrics and pprof need one of them; on GRAPH_OPS_ADDR, an
// internal address, nothing does.
func (a *App) mountOps(mux *http.ServeMux, keys []clientKey) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", authenticate(keys, a.metrics.Handler()))
	if a.cfg.PProf {
		for p, h := range map[string]http.HandlerFunc{"/debug/pprof/": pprof.Index, "/debug/pprof/cmdline": pprof.Cmdline,
			"/debug/pprof/profile": pprof.Profile, "/debug/pprof/symbol": pprof.Symbol, "/debug/pprof/trace": pprof.Trace} {
			mux.Handle(p, authenticate(keys, h))
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

// perRequest gives each GraphQL request its transaction id (the client's
// transactionId or X-Request-ID when valid, else a fresh one, echoed back),
// the end user's X-Authorization for upstream, a deadline that reaches every
// upstream call, and its own dataloaders.
func (a *App) perRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		// Streams (WebSocket, SSE) live longer than a request: they get
		// neither the request deadline nor the server's read/write timeouts
		// (which would cut them after 30/90 s); each subscription bounds
		// itself with GRAPH_STREAM_TIMEOUT instead, and every query or
		// mutation they carry gets GRAPH_REQUEST_TIMEOUT (operationBounds).
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			ctx = resolvers.OnWebSocket(ctx)
		} else if isStream(r) {
			ctx = resolvers.OnEventStream(ctx)
		}
		if isStream(r) {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
		} else {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, a.cfg.RequestTimeout)
			defer cancel()
		}
		// Answers hold personal data: no shared cache keeps them unless
		// the operator says otherwise (GRAPH_CACHE_CONTROL).
		w.Header().Set("Cache-Control", a.cfg.CacheControl)
		ctx = upstream.WithCaller(ctx, upstream.Caller{TransactionID: w.Header().Get("X-Request-ID"), Authorization: r.Header.Get("X-Authorization"), Client: clientIdentity(r)})
		ctx = resolvers.WithClientID(ctx, clientIdentity(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// isStream: a WebSocket, SSE, or multipart (which may carry a
// subscription, and is answered as SSE is: no request deadline on the
// connection, a stream slot while an operation runs).
func isStream(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || strings.Contains(accept, "text/event-stream") ||
		strings.Contains(accept, "multipart/mixed")
}

// clientIdentity names who is asking, for per-client stream limits: the
// client key's name, or the remote IP.
func clientIdentity(r *http.Request) string {
	if s := statsFrom(r.Context()); s != nil && s.client != "anonymous" {
		return "key:" + s.client
	}
	return "ip:" + remoteHost(r)
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// originHosts turns CORS origins into WebSocket origin host patterns.
func originHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if u, err := url.Parse(strings.TrimSpace(o)); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
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
