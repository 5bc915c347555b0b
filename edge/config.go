package edge

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"customergraph/access"
	"customergraph/envconfig"
	"customergraph/sandbox"
	"customergraph/upstream"
)

// Config is everything the facade reads from the environment;
// docs/configuration.md lists each variable with its default.
type Config struct {
	Upstream upstream.Config `env:"-"`

	// RequestTimeout bounds a whole GraphQL request, upstream calls included.
	RequestTimeout  time.Duration `env:"GRAPH_REQUEST_TIMEOUT" envDefault:"15s" range:"1ms,10m"`
	ShutdownTimeout time.Duration `env:"GRAPH_SHUTDOWN_TIMEOUT" envDefault:"10s" range:"0s,10m"`
	// ShutdownDelay is how long /readyz answers 503 with the listener still
	// open before the facade stops taking requests (drain.go). Unset: 0
	// with the sandbox, 5s with real APIs.
	ShutdownDelay *time.Duration `env:"GRAPH_SHUTDOWN_DELAY" range:"0s,5m"`
	// PublicURL is the facade's public base URL, given to unsubscribe-all
	// as the base of its callback URL.
	PublicURL string `env:"GRAPH_PUBLIC_URL"`

	MaxBodyBytes int64 `env:"GRAPH_MAX_BODY_BYTES" envDefault:"65536" range:"1024,67108864"`
	// CacheControl is every GraphQL answer's Cache-Control: personal data,
	// so no cache stores it by default.
	CacheControl string `env:"GRAPH_CACHE_CONTROL" envDefault:"private, no-store"`
	MaxTokens    int    `env:"GRAPH_MAX_TOKENS" envDefault:"5000" range:"1,"`
	MaxDepth     int    `env:"GRAPH_MAX_DEPTH" envDefault:"20" range:"1,"`
	MaxAliases   int    `env:"GRAPH_MAX_ALIASES" envDefault:"30" range:"1,"`
	MaxFields    int    `env:"GRAPH_MAX_FIELDS" envDefault:"500" range:"1,"`
	MaxCost      int    `env:"GRAPH_MAX_COST" envDefault:"5000" range:"1,"`
	MaxMutations int    `env:"GRAPH_MAX_MUTATIONS" envDefault:"1" range:"1,"`
	QueryCache   int    `env:"GRAPH_QUERY_CACHE" envDefault:"1000" range:"1,"`
	// QueryCacheMiB bounds the parsed-document cache by size as well.
	QueryCacheMiB int `env:"GRAPH_QUERY_CACHE_MIB" envDefault:"16" range:"1,"`
	// APQCache is how many automatic persisted queries are kept; 0 turns APQ off.
	APQCache int `env:"GRAPH_APQ_CACHE" envDefault:"1000" range:"0,"`
	// A client registers at most APQRegistrationsPerMinute documents a
	// minute (per replica), each of at most APQMaxDocumentBytes; past
	// either, the operation runs and its document is not kept.
	APQRegistrationsPerMinute int `env:"GRAPH_APQ_REGISTRATIONS_PER_MINUTE" envDefault:"30" range:"1,"`
	APQMaxDocumentBytes       int `env:"GRAPH_APQ_MAX_DOCUMENT_BYTES" envDefault:"16384" range:"1,"`
	// PersistedOperations is the path of a manifest of trusted documents;
	// with PersistedOnly, no other document is run.
	PersistedOperations string `env:"GRAPH_PERSISTED_OPERATIONS"`
	PersistedOnly       bool   `env:"GRAPH_PERSISTED_ONLY" envDefault:"false"`
	// RedisURL, when set, shares state between replicas (persisted queries).
	RedisURL string `env:"REDIS_URL"`

	// Unset, these follow the mode: on with the sandbox, off with real APIs.
	Introspection    *bool `env:"GRAPH_INTROSPECTION"`
	FieldSuggestions *bool `env:"GRAPH_FIELD_SUGGESTIONS"`
	Playground       *bool `env:"GRAPH_PLAYGROUND"`
	AllowAnonymous   *bool `env:"GRAPH_ALLOW_ANONYMOUS"`

	// ClientKeys are "name=sha256-hex" pairs; clients send the key itself as
	// "Authorization: Bearer <key>".
	ClientKeys []string `env:"GRAPH_CLIENT_KEYS" envSeparator:","`
	// JWKSURL turns on JWT client authentication: tokens signed by a key
	// of this JWKS, for JWTIssuer and JWTAudience (both then required),
	// with JWTClockSkew allowed on exp, nbf and iat (edge/jwt.go).
	JWKSURL      string        `env:"GRAPH_JWKS_URL"`
	JWTIssuer    string        `env:"GRAPH_JWT_ISSUER"`
	JWTAudience  string        `env:"GRAPH_JWT_AUDIENCE"`
	JWTClockSkew time.Duration `env:"GRAPH_JWT_CLOCK_SKEW" envDefault:"30s" range:"0s,5m"`
	// AuthzMode is what a field the client lacks the scopes for does:
	// "filter" (it is null with FORBIDDEN, the rest is served) or "reject"
	// (the whole operation is refused).
	AuthzMode string `env:"GRAPH_AUTHZ_MODE" envDefault:"filter"`
	// AnonymousScopes are granted to requests that authenticate with
	// nothing ("none" for no scope). Unset: pii:read with the sandbox,
	// whose customers are made up, and none with real APIs.
	AnonymousScopes []string `env:"GRAPH_ANONYMOUS_SCOPES" envSeparator:" "`
	// LogHashKey keys the hash that stands for a customer's MSISDN in
	// logs and audit records; replicas that share it log the same hash.
	// Unset, each process draws its own.
	LogHashKey      string   `env:"GRAPH_LOG_HASH_KEY"`
	CORSOrigins     []string `env:"GRAPH_CORS_ORIGINS" envSeparator:","`
	CORSCredentials bool     `env:"GRAPH_CORS_CREDENTIALS" envDefault:"false"`
	// TrustTraceparent continues every caller's W3C trace context: for a
	// facade reached only through a gateway that sets it.
	TrustTraceparent bool `env:"GRAPH_TRUST_TRACEPARENT" envDefault:"false"`
	PProf            bool `env:"GRAPH_PPROF" envDefault:"false"`
	// OpsAddr, when set, serves /healthz, /readyz, /metrics (and pprof) on
	// this address instead of the public one.
	OpsAddr string `env:"GRAPH_OPS_ADDR"`

	CallbackSecret      string        `env:"GRAPH_CALLBACK_SECRET"`
	StreamTimeout       time.Duration `env:"GRAPH_STREAM_TIMEOUT" envDefault:"5m" range:"1s,"`
	PollInterval        time.Duration `env:"GRAPH_POLL_INTERVAL" envDefault:"500ms" range:"10ms,1h"`
	MaxStreams          int           `env:"GRAPH_MAX_STREAMS" envDefault:"1000" range:"1,"`
	MaxStreamsPerClient int           `env:"GRAPH_MAX_STREAMS_PER_CLIENT" envDefault:"10" range:"1,"`
	// Open WebSocket and SSE connections: in all, per client (key, or IP
	// when anonymous), and WebSockets still waiting for their
	// connection_init to authenticate (conns.go).
	MaxConnections          int `env:"GRAPH_MAX_CONNECTIONS" envDefault:"1000" range:"1,"`
	MaxConnectionsPerClient int `env:"GRAPH_MAX_CONNECTIONS_PER_CLIENT" envDefault:"20" range:"1,"`
	MaxPendingConnections   int `env:"GRAPH_MAX_PENDING_CONNECTIONS" envDefault:"100" range:"1,"`

	// Admission control: at most MaxInFlight queries and mutations at once,
	// and at most MaxInFlightCost of summed cost (the cost GRAPH_MAX_COST
	// bounds per operation), a limit that falls while the Go scheduler's
	// delay exceeds AdmissionDelay with the facade at its limit
	// (admission/control.go). Below MinInFlight operations in flight,
	// any operation is admitted. An operation that does not fit waits
	// AdmissionWait at most, then is refused with 503 OVERLOADED.
	MaxInFlight     int           `env:"GRAPH_MAX_INFLIGHT" envDefault:"512" range:"1,"`
	MaxInFlightCost int           `env:"GRAPH_MAX_INFLIGHT_COST" envDefault:"100000" range:"1,"`
	MinInFlight     int           `env:"GRAPH_MIN_INFLIGHT" envDefault:"16" range:"0,"`
	AdmissionWait   time.Duration `env:"GRAPH_ADMISSION_WAIT" envDefault:"5ms" range:"0s,10s"`
	AdmissionDelay  time.Duration `env:"GRAPH_ADMISSION_DELAY" envDefault:"5ms" range:"0s,1s"`
	// MemoryLimitMiB sets the Go runtime's soft memory limit unless
	// GOMEMLIMIT is set; 0 leaves it off.
	MemoryLimitMiB int64 `env:"GRAPH_MEMORY_LIMIT_MIB" envDefault:"192" range:"0,"`
	// GCPercent is the Go collector's GOGC unless GOGC is set.
	GCPercent int `env:"GRAPH_GOGC" envDefault:"400" range:"0,"`

	sandbox bool
	clients []clientKey
	// upstreamHTTP replaces the upstream transport (benchmarks).
	upstreamHTTP *http.Client
	// wsInitTimeout, when set, replaces the 5 s a WebSocket has to send
	// connection_init (tests).
	wsInitTimeout time.Duration
	// admissionTicks, when set, replaces the admission controller's clock
	// (tests drive it window by window).
	admissionTicks <-chan time.Time
	// TracerProvider, from the OTEL_* variables (or a test), turns
	// OpenTelemetry tracing on; nil leaves it off.
	TracerProvider trace.TracerProvider `env:"-"`
}

type clientKey struct {
	name        string
	hash        []byte
	scopes      []string // granted to the client (access.Known)
	trace       bool     // may ask for extensions.upstreamCalls with real APIs
	traceparent bool     // its W3C trace context is continued (serverSpans)
}

func LoadConfig(getenv func(string) string) (Config, error) {
	up, err := upstream.ConfigFromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	var c Config
	if err := envconfig.Parse(&c, getenv); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	c.Upstream = up
	for _, kv := range c.ClientKeys {
		name, h, ok := strings.Cut(strings.TrimSpace(kv), "=")
		h, perms, _ := strings.Cut(h, ":")
		hash, err := hex.DecodeString(h)
		if !ok || name == "" || err != nil || len(hash) != 32 {
			return Config{}, fmt.Errorf("GRAPH_CLIENT_KEYS: each entry must be name=<sha256 of the key, in hex>, optionally followed by :<permissions> joined by + (trace, traceparent, or a scope: %s)", strings.Join(access.Known, ", "))
		}
		k := clientKey{name: name, hash: hash}
		for _, p := range strings.Split(perms, "+") {
			switch p {
			case "":
			case "trace":
				k.trace = true
			case "traceparent":
				k.traceparent = true
			default:
				if !slices.Contains(access.Known, p) {
					return Config{}, fmt.Errorf("GRAPH_CLIENT_KEYS: %s has an unknown permission %q (there are: trace, traceparent and the scopes %s)", name, p, strings.Join(access.Known, ", "))
				}
				k.scopes = append(k.scopes, p)
			}
		}
		c.clients = append(c.clients, k)
	}
	for _, o := range c.CORSOrigins {
		if strings.TrimSpace(o) == "*" && c.CORSCredentials {
			return Config{}, fmt.Errorf("GRAPH_CORS_ORIGINS may not be * when GRAPH_CORS_CREDENTIALS is true")
		}
	}
	if err := c.checkAuth(); err != nil {
		return Config{}, err
	}
	if c.PersistedOnly && c.PersistedOperations == "" {
		return Config{}, fmt.Errorf("GRAPH_PERSISTED_ONLY needs GRAPH_PERSISTED_OPERATIONS, the manifest of the operations to allow")
	}
	return c, nil
}

// UseSandbox points every API at the sandbox with its documented credentials.
func (c *Config) UseSandbox(base string) {
	c.sandbox = true
	u := &c.Upstream
	u.ProfilesURL, u.PlansURL = base+sandbox.Roots[sandbox.Profiles], base+sandbox.Roots[sandbox.Plans]
	u.SubscriptionsURL, u.AccountholdersURL = base+sandbox.Roots[sandbox.Subscriptions], base+sandbox.Roots[sandbox.Accountholders]
	u.TokenURL, u.APIKey, u.ClientID, u.ClientSecret = base+"/oauth/token", sandbox.APIKey, sandbox.ClientID, sandbox.ClientSecret
}

// shutdownDelay is GRAPH_SHUTDOWN_DELAY, or its default for the mode.
func (c *Config) shutdownDelay() time.Duration {
	switch {
	case c.ShutdownDelay != nil:
		return *c.ShutdownDelay
	case c.sandbox:
		return 0
	}
	return 5 * time.Second
}

// on resolves a mode-dependent switch: explicit value, else on in sandbox mode.
func (c *Config) on(v *bool) bool {
	if v != nil {
		return *v
	}
	return c.sandbox
}

// check refuses an unsafe production setup: real APIs with no client keys
// must be opened explicitly.
func (c *Config) check() error {
	if !c.sandbox && len(c.clients) == 0 && c.JWKSURL == "" && !c.on(c.AllowAnonymous) {
		return fmt.Errorf("real upstream APIs are configured but neither GRAPH_CLIENT_KEYS nor GRAPH_JWKS_URL: set client keys or a JWKS, or GRAPH_ALLOW_ANONYMOUS=true to serve without client authentication")
	}
	return nil
}

// checkAuth refuses a JWT set-up that would accept tokens minted for
// another API, and values of the authorization settings it cannot read.
func (c *Config) checkAuth() error {
	if c.JWKSURL != "" {
		u, err := url.Parse(c.JWKSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("GRAPH_JWKS_URL must be an absolute http(s) URL")
		}
		if c.JWTIssuer == "" || c.JWTAudience == "" {
			return fmt.Errorf("GRAPH_JWKS_URL needs GRAPH_JWT_ISSUER and GRAPH_JWT_AUDIENCE: without them a token issued for any other API would be accepted")
		}
	}
	if c.AuthzMode != "filter" && c.AuthzMode != "reject" {
		return fmt.Errorf("GRAPH_AUTHZ_MODE must be filter or reject")
	}
	for _, s := range c.AnonymousScopes {
		if s != "none" && !slices.Contains(access.Known, s) {
			return fmt.Errorf("GRAPH_ANONYMOUS_SCOPES: unknown scope %q (there are: %s, or none)", s, strings.Join(access.Known, ", "))
		}
	}
	return nil
}

// anonymousScopes are the scopes of a request without credentials.
func (c *Config) anonymousScopes() []string {
	switch {
	case slices.Contains(c.AnonymousScopes, "none"):
		return nil
	case len(c.AnonymousScopes) > 0:
		return c.AnonymousScopes
	case c.sandbox:
		return []string{access.PIIRead}
	}
	return nil
}
