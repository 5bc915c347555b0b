package edge

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"

	"customergraph/access"
	"customergraph/admission"
	"customergraph/callbacks"
	"customergraph/graph"
	"customergraph/limits"
	"customergraph/metrics"
	"customergraph/persisted"
	"customergraph/redisstore"
	"customergraph/request"
	"customergraph/resolvers"
	"customergraph/upstream"
)

// App is the facade: the upstream client, the GraphQL server over it, and
// the HTTP guard rails around both.
type App struct {
	cfg       Config
	log       zerolog.Logger
	client    *upstream.Client
	gql       *handler.Server
	auth      *credentials
	masker    *access.Masker // MSISDNs in logs and audit records
	metrics   *metrics.Metrics
	callbacks *callbacks.Registry
	streams   *limits.Streams
	admission *admission.Limiter
	conns     *connLimits
	docs      *limits.DocumentCache
	redis     *redis.Client // nil without REDIS_URL
	open      *openStreams  // ended when the facade drains (drain.go)
	draining  atomic.Bool   // set by Drain: /readyz answers 503
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
	masker := access.NewMasker(cfg.LogHashKey)
	client, err := upstream.New(cfg.Upstream, upstream.Options{Logger: log, OnCall: onUpstreamCall(m), OnBreaker: m.Breaker, Mask: masker.Mask,
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
	streams := &limits.Streams{PerClient: cfg.MaxStreamsPerClient, Total: cfg.MaxStreams}
	if rdb != nil {
		streams.Shared = redisstore.Streams{Client: rdb, TTL: cfg.StreamTimeout + time.Minute}
	}
	res := &resolvers.Resolver{Client: client, Log: log, Callbacks: cb, Streams: streams,
		StreamTimeout: cfg.StreamTimeout, PollInterval: cfg.PollInterval}
	auth := &credentials{keys: cfg.clients}
	if cfg.JWKSURL != "" {
		if auth.tokens, err = newTokens(ctx, cfg, log); err != nil {
			return nil, err
		}
	}
	es := graph.NewExecutableSchema(graph.Config{Resolvers: res, Complexity: resolvers.Complexity(),
		Directives: graph.DirectiveRoot{RequiresScopes: access.RequiresScopes}})
	open := &openStreams{}
	gql := handler.New(es)
	gql.AddTransport(transport.Websocket{
		// The browser's Origin must be this host or one of the CORS origins.
		Implementation:        transportWS{goingAwayWS{transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{OriginPatterns: originHosts(cfg.CORSOrigins)}}, open}},
		KeepAlivePingInterval: 10 * time.Second,
		// A socket that has not said who it is is held briefly: it counts
		// against GRAPH_MAX_PENDING_CONNECTIONS until then.
		InitTimeout:      cmp.Or(cfg.wsInitTimeout, 5*time.Second),
		InitFunc:         wsInit(auth),
		PayloadReadLimit: &cfg.MaxBodyBytes,
	})
	gql.AddTransport(transport.SSE{})
	gql.AddTransport(multipartTransport{Heartbeat: multipartHeartbeat})
	gql.AddTransport(transport.Options{})
	gql.AddTransport(oneAnswer{})
	docs := limits.NewDocumentCache(max(cfg.QueryCache, 1), cfg.QueryCacheMiB<<20)
	gql.SetQueryCache(docs)
	gql.SetParserTokenLimit(cfg.MaxTokens)
	gql.SetDisableSuggestion(!cfg.on(cfg.FieldSuggestions))
	// Persisted queries first: the limits below must see the document a
	// hash stands for.
	persistedOps := persisted.Extension{Only: cfg.PersistedOnly, MaxDocumentBytes: cfg.APQMaxDocumentBytes,
		Quota: &persisted.Quota{PerMinute: cfg.APQRegistrationsPerMinute}, Client: func(ctx context.Context) string { return request.From(ctx).Identity() },
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
	gql.AroundResponses(noteResponse)
	gql.AroundResponses(resolvers.StreamEnds)
	lim := admission.New(admission.Options{MaxRequests: cfg.MaxInFlight, MaxWeight: cfg.MaxInFlightCost,
		MinRequests: cfg.MinInFlight, Wait: cfg.AdmissionWait, TargetDelay: cfg.AdmissionDelay})
	if cfg.admissionTicks == nil {
		t := time.NewTicker(admissionWindow)
		context.AfterFunc(ctx, t.Stop)
		cfg.admissionTicks = t.C
	}
	go lim.Run(ctx, cfg.admissionTicks, admissionWindow, admission.NewSchedulingDelay(admissionQuantile).Sample)
	m.Admission(lim.Stats)
	a := &App{cfg: cfg, log: log, auth: auth, masker: masker, client: client, gql: gql, metrics: m, callbacks: cb, streams: streams, admission: lim, redis: rdb,
		docs: docs, conns: newConnLimits(cfg.MaxConnections, cfg.MaxConnectionsPerClient, cfg.MaxPendingConnections), open: open}
	gql.AroundOperations(a.operations(tracer, es.Schema()))
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
