package upstream

import (
	"fmt"
	"net/url"
	"time"

	"customergraph/envconfig"
)

// Config is the upstream configuration, read from the environment. The
// variable names are fixed so deployments, tests and docs/configuration.md agree.
type Config struct {
	ProfilesURL       string `env:"MTN_PROFILES_URL"`       // e.g. https://host/profiles/v1
	PlansURL          string `env:"MTN_PLANS_URL"`          // e.g. https://host/plans/v2
	SubscriptionsURL  string `env:"MTN_SUBSCRIPTIONS_URL"`  // e.g. https://host/subscriptions/v2
	AccountholdersURL string `env:"MTN_ACCOUNTHOLDERS_URL"` // e.g. https://host/accountholders/v1

	APIKey       string `env:"MTN_API_KEY"`
	ClientID     string `env:"MTN_CLIENT_ID"`
	ClientSecret string `env:"MTN_CLIENT_SECRET"`
	TokenURL     string `env:"MTN_TOKEN_URL"`
	// PreferOAuth sends a bearer token instead of the API key to the
	// operations that accept either (Accountholders always uses OAuth2).
	PreferOAuth bool `env:"MTN_PREFER_OAUTH" envDefault:"false"`

	SourceSystemID string `env:"MTN_SOURCE_SYSTEM_ID" envDefault:"customer-graph"`

	Timeout        time.Duration `env:"MTN_TIMEOUT" envDefault:"10s" range:"1ms,10m"`       // per attempt
	MaxRetries     int           `env:"MTN_MAX_RETRIES" envDefault:"2" range:"0,10"`        // GETs only
	RetryBackoff   time.Duration `env:"MTN_RETRY_BACKOFF" envDefault:"100ms" range:"0s,1m"` // first backoff, doubled, jittered
	MaxRetryAfter  time.Duration `env:"MTN_MAX_RETRY_AFTER" envDefault:"2s" range:"0s,10m"` // longest Retry-After honoured
	MaxBodyBytes   int64         `env:"MTN_MAX_BODY_BYTES" envDefault:"4194304" range:"1024,"`
	MaxConcurrency int           `env:"MTN_MAX_CONCURRENCY" envDefault:"128" range:"1,"` // in-flight calls per API
	QueueWait      time.Duration `env:"MTN_QUEUE_WAIT" envDefault:"100ms" range:"0s,1m"` // longest wait for one of them
	// Shares of an API's slots (slots.go): one customer's reads and writes,
	// one client key's, and the writes' own pool.
	MaxConcurrencyPerCustomer int `env:"MTN_MAX_CONCURRENCY_PER_CUSTOMER" envDefault:"16" range:"1,"`
	MaxConcurrencyPerClient   int `env:"MTN_MAX_CONCURRENCY_PER_CLIENT" envDefault:"64" range:"1,"`
	MaxWriteConcurrency       int `env:"MTN_MAX_WRITE_CONCURRENCY" envDefault:"32" range:"1,"`
	// An API's breaker opens when, over BreakerWindow, it saw at least
	// BreakerMinCalls operations, BreakerFailureRatio of them failed, and the
	// failures came from at least BreakerMinCustomers distinct customers.
	BreakerWindow       time.Duration `env:"MTN_BREAKER_WINDOW" envDefault:"10s" range:"1ms,"`
	BreakerMinCalls     uint32        `env:"MTN_BREAKER_MIN_CALLS" envDefault:"20" range:"1,"`
	BreakerFailureRatio float64       `env:"MTN_BREAKER_FAILURE_RATIO" envDefault:"0.5" range:"0.01,1"`
	BreakerMinCustomers int           `env:"MTN_BREAKER_MIN_CUSTOMERS" envDefault:"5" range:"1,"`
	BreakerOpenFor      time.Duration `env:"MTN_BREAKER_OPEN_FOR" envDefault:"10s" range:"1ms,"` // before trial calls
	BreakerTrials       uint32        `env:"MTN_BREAKER_TRIALS" envDefault:"3" range:"1,"`       // trial calls while half-open
	MaxIdleConnsHost    int           `env:"MTN_MAX_IDLE_CONNS_PER_HOST" envDefault:"128" range:"1,"`
}

// ConfigFromEnv reads Config with getenv (os.Getenv in production).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var cfg Config
	if err := envconfig.Parse(&cfg, getenv); err != nil {
		return cfg, fmt.Errorf("upstream config: %w", err)
	}
	return cfg, nil
}

// Configured reports whether any API URL is set; with none, the server runs
// the embedded sandbox.
func (c Config) Configured() bool {
	return c.ProfilesURL != "" || c.PlansURL != "" || c.SubscriptionsURL != "" || c.AccountholdersURL != ""
}

// Validate checks the URLs and limits. It names variables, never values,
// so a misplaced secret is not echoed.
func (c Config) Validate() error {
	for _, u := range []struct{ name, v string }{{"MTN_PROFILES_URL", c.ProfilesURL}, {"MTN_PLANS_URL", c.PlansURL},
		{"MTN_SUBSCRIPTIONS_URL", c.SubscriptionsURL}, {"MTN_ACCOUNTHOLDERS_URL", c.AccountholdersURL}} {
		name, v := u.name, u.v
		if v == "" {
			return fmt.Errorf("%s is not set (set all four API URLs, or none for the sandbox)", name)
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s is not an http(s) URL", name)
		}
	}
	if c.AccountholdersURL != "" && (c.ClientID == "" || c.ClientSecret == "" || c.TokenURL == "") {
		return fmt.Errorf("accountholders needs OAuth2: set MTN_CLIENT_ID, MTN_CLIENT_SECRET and MTN_TOKEN_URL")
	}
	if c.APIKey == "" && !c.PreferOAuth {
		return fmt.Errorf("MTN_API_KEY is not set (or set MTN_PREFER_OAUTH=true)")
	}
	return nil
}

// EnvNames lists the variables Config reads (docs/configuration.md documents each).
func EnvNames() []string {
	names, _ := envconfig.Names(&Config{})
	return names
}
