package main

import (
	"fmt"
	"time"

	"github.com/caarlos0/env/v11"

	"customergraph/sandbox"
	"customergraph/upstream"
)

// config is everything the facade reads from the environment. The README's
// configuration table lists each variable with its default.
type config struct {
	Upstream upstream.Config `env:"-"`

	// RequestTimeout bounds a whole GraphQL request, upstream calls included.
	RequestTimeout  time.Duration `env:"GRAPH_REQUEST_TIMEOUT" envDefault:"15s"`
	ShutdownTimeout time.Duration `env:"GRAPH_SHUTDOWN_TIMEOUT" envDefault:"10s"`
	// CallbackBaseURL is the facade's public URL, given to unsubscribe-all as
	// the base of its callback URL.
	CallbackBaseURL string `env:"GRAPH_PUBLIC_URL"`

	sandbox bool
}

func loadConfig(getenv func(string) string) (config, error) {
	up, err := upstream.ConfigFromEnv(getenv)
	if err != nil {
		return config{}, err
	}
	environ := map[string]string{}
	for _, k := range []string{"GRAPH_REQUEST_TIMEOUT", "GRAPH_SHUTDOWN_TIMEOUT", "GRAPH_PUBLIC_URL"} {
		if v := getenv(k); v != "" {
			environ[k] = v
		}
	}
	var c config
	if err := env.ParseWithOptions(&c, env.Options{Environment: environ}); err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	c.Upstream = up
	return c, nil
}

// useSandbox points every API at the sandbox with its documented credentials.
func (c *config) useSandbox(base string) {
	c.sandbox = true
	u := &c.Upstream
	u.ProfilesURL, u.PlansURL = base+sandbox.Roots[sandbox.Profiles], base+sandbox.Roots[sandbox.Plans]
	u.SubscriptionsURL, u.AccountholdersURL = base+sandbox.Roots[sandbox.Subscriptions], base+sandbox.Roots[sandbox.Accountholders]
	u.TokenURL, u.APIKey, u.ClientID, u.ClientSecret = base+"/oauth/token", sandbox.APIKey, sandbox.ClientID, sandbox.ClientSecret
}
