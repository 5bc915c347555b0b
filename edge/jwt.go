package edge

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"customergraph/request"
)

// Tokens are verified by github.com/golang-jwt/jwt/v5 against keys that
// github.com/MicahParks/keyfunc/v3 keeps from the JWKS: both are the
// libraries most Go services use for this, and writing JWS verification or
// JWKS caching ourselves would be a security risk for no gain.

// asymmetric are the only algorithms accepted: a key from a JWKS is
// public, so an HMAC token "signed" with it (or alg none) proves nothing.
var asymmetric = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// jwksRefresh: the keys are fetched at start and every hour; a token
// signed with an unknown key (kid) fetches them again at most this often,
// so that rotation needs no restart and a flood of made-up kids costs the
// identity provider one request per interval. Between fetches, and while
// the JWKS cannot be reached, the keys last fetched are used.
const (
	jwksInterval      = time.Hour
	jwksUnknownKeyGap = 30 * time.Second
)

// tokens verifies bearer JWTs.
type tokens struct {
	keys   keyfunc.Keyfunc
	parser *jwt.Parser
}

func newTokens(ctx context.Context, cfg Config, log zerolog.Logger) (*tokens, error) {
	// The JWKS is fetched from the configured URL only: no redirect is
	// followed to another host.
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	noError := true
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.JWKSURL}, keyfunc.Override{
		Client:                    hc,
		HTTPTimeout:               10 * time.Second,
		NoErrorReturnFirstHTTPReq: &noError, // start, and fetch again when a token needs a key
		RefreshInterval:           jwksInterval,
		RefreshUnknownKID:         rate.NewLimiter(rate.Every(jwksUnknownKeyGap), 1),
		// A request never waits for the limiter: past it, an unknown key
		// is refused at once.
		RateLimitWaitMax: 10 * time.Second,
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(ctx context.Context, err error) {
				log.Warn().Str("jwks", u).Str("error", err.Error()).Msg("the JWKS could not be fetched: tokens are verified with the keys fetched before")
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("GRAPH_JWKS_URL: %w", err)
	}
	return &tokens{keys: kf, parser: jwt.NewParser(
		jwt.WithValidMethods(asymmetric),
		jwt.WithIssuer(cfg.JWTIssuer),
		jwt.WithAudience(cfg.JWTAudience),
		jwt.WithLeeway(cfg.JWTClockSkew),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)}, nil
}

// claims are what the facade reads from a token.
type claims struct {
	jwt.RegisteredClaims
	Scope    string          `json:"scope"`     // RFC 8693: space-separated
	Scp      json.RawMessage `json:"scp"`       // an array (Okta) or a space-separated string (Entra ID)
	AZP      string          `json:"azp"`       // OpenID Connect: the client the token was issued to
	ClientID string          `json:"client_id"` // RFC 9068
}

func (c *claims) scopes() []string {
	out := strings.Fields(c.Scope)
	var list []string
	var one string
	switch {
	case json.Unmarshal(c.Scp, &list) == nil:
		out = append(out, list...)
	case json.Unmarshal(c.Scp, &one) == nil:
		out = append(out, strings.Fields(one)...)
	}
	return out
}

// verify returns who the token says the client is, or why it is refused
// (a message safe to show the client: it never quotes the token).
func (t *tokens) verify(ctx context.Context, raw string) (request.Principal, error) {
	var c claims
	if _, err := t.parser.ParseWithClaims(raw, &c, t.keys.KeyfuncCtx(ctx)); err != nil {
		return request.Principal{}, tokenRefusal(err)
	}
	client := cmp.Or(c.AZP, c.ClientID, c.Subject)
	if client == "" {
		return request.Principal{}, errors.New("the token names no client or subject (azp, client_id or sub)")
	}
	return request.Principal{Client: client, Subject: c.Subject, Scopes: c.scopes(), Token: true}, nil
}

// tokenRefusal says why a token was refused, in words that quote nothing
// of it.
func tokenRefusal(err error) error {
	reason := "the token is not valid"
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		reason = "the token is not a well-formed JWT"
	case errors.Is(err, jwt.ErrTokenExpired):
		reason = "the token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		reason = "the token is not valid yet"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		reason = "the token lacks a required claim (exp, iss or aud)"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		reason = "the token's issuer is not the one configured"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		reason = "the token is not for this API (its audience)"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		reason = "the token's signature cannot be verified with the issuer's keys (an unknown key, or an algorithm other than RS, PS, ES or EdDSA)"
	}
	return errors.New(reason)
}
