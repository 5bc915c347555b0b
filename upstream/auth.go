package upstream

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokens caches one OAuth2 client-credentials token for all APIs. The
// mutex is held during a fetch so that concurrent callers wait for that one
// fetch instead of starting their own (no token storms).
type tokens struct {
	cfg  *clientcredentials.Config
	http *http.Client

	mu  sync.Mutex
	tok *oauth2.Token
}

func newTokens(c Config, hc *http.Client) *tokens {
	if c.ClientID == "" || c.TokenURL == "" {
		return nil
	}
	return &tokens{
		cfg:  &clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.TokenURL, AuthStyle: oauth2.AuthStyleInHeader},
		http: hc,
	}
}

// get returns a valid access token, fetching one if none is cached or the
// cached one expires within oauth2's expiry margin.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok.Valid() {
		return t.tok.AccessToken, nil
	}
	tok, err := t.cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, t.http))
	if err != nil {
		return "", err
	}
	t.tok = tok
	return tok.AccessToken, nil
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
	return &Error{API: api, Op: op, Kind: KindUnavailable, Message: "no access token: the token endpoint could not be reached"}
}
