package upstream

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/sync/singleflight"
)

// tokenFailureTTL is how long a failed token fetch is remembered: callers
// in that window get the same error at once instead of each hammering a
// failing token endpoint.
const tokenFailureTTL = time.Second

// tokens caches one OAuth2 client-credentials token for all APIs.
// Concurrent callers share one fetch (no token storms); each waits for it
// no longer than its own deadline, and the fetch itself is bounded by
// MTN_TIMEOUT, so a black-holed token endpoint costs a request at most that.
type tokens struct {
	cfg     *clientcredentials.Config
	http    *http.Client
	timeout time.Duration
	fetches singleflight.Group

	mu       sync.Mutex
	tok      *oauth2.Token
	failed   error
	failedAt time.Time
}

func newTokens(c Config, hc *http.Client) *tokens {
	if c.ClientID == "" || c.TokenURL == "" {
		return nil
	}
	return &tokens{
		cfg:     &clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.TokenURL, AuthStyle: oauth2.AuthStyleInHeader},
		http:    hc,
		timeout: c.Timeout,
	}
}

// get returns a valid access token, fetching one if none is cached or the
// cached one expires within oauth2's expiry margin.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.tok.Valid() {
		tok := t.tok.AccessToken
		t.mu.Unlock()
		return tok, nil
	}
	if t.failed != nil && time.Since(t.failedAt) < tokenFailureTTL {
		err := t.failed
		t.mu.Unlock()
		return "", err
	}
	t.mu.Unlock()
	ch := t.fetches.DoChan("token", func() (any, error) {
		// A fetch that finished between this caller's look at the cache
		// and here has left a token: use it. (Without this look a caller
		// that came late started a second fetch: the cause of the flaky
		// "token fetches 2" under load.)
		t.mu.Lock()
		if t.tok.Valid() {
			tok := t.tok.AccessToken
			t.mu.Unlock()
			return tok, nil
		}
		t.mu.Unlock()
		// Detached from the first caller: its hanging up must not fail the
		// others waiting on the same fetch.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.timeout)
		defer cancel()
		tok, err := t.cfg.Token(context.WithValue(fctx, oauth2.HTTPClient, t.http))
		t.mu.Lock()
		defer t.mu.Unlock()
		if err != nil {
			t.failed, t.failedAt = err, time.Now()
			return nil, err
		}
		t.tok, t.failed = tok, nil
		return tok.AccessToken, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// invalidate drops the cached token if it is still the one that was refused,
// so that of many calls refused together only the first causes a fetch.
func (t *tokens) invalidate(refused string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != nil && t.tok.AccessToken == refused {
		t.tok = nil
	}
}

// tokenError classifies a failed token fetch without its text: oauth2's
// errors quote the token endpoint's body.
func tokenError(api, op string, err error) *Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		k := kindForStatus(re.Response.StatusCode)
		if k == KindInvalid || k == KindNotFound {
			k = KindUnauthorized
		}
		return &Error{API: api, Op: op, Kind: k, HTTPStatus: re.Response.StatusCode, Message: "the token endpoint refused the client credentials"}
	}
	msg := "no access token: the token endpoint could not be reached"
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "no access token: the token endpoint did not answer in time"
	}
	return &Error{API: api, Op: op, Kind: KindUnavailable, Message: msg}
}
