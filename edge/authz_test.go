package edge

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"

	"customergraph/sandbox"
)

// issuer is an identity provider on loopback: a JWKS whose keys the test
// rotates, and the private keys to mint tokens with.
type issuer struct {
	t    *testing.T
	url  string
	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey // kid → key, all served
	down bool                       // the JWKS answers 503
}

func newIssuer(t *testing.T, kids ...string) *issuer {
	t.Helper()
	is := &issuer{t: t, keys: map[string]*rsa.PrivateKey{}}
	for _, kid := range kids {
		is.addKey(kid)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		defer is.mu.Unlock()
		if is.down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var set []map[string]string
		for kid, k := range is.keys {
			set = append(set, map[string]string{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
				"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": set})
	}))
	t.Cleanup(srv.Close)
	is.url = srv.URL + "/.well-known/jwks.json"
	return is
}

// addKey makes a key and serves it; it may be called while the facade runs
// (rotation).
func (is *issuer) addKey(kid string) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		is.t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys[kid] = k
	return k
}

func (is *issuer) setDown(down bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.down = down
}

func (is *issuer) key(kid string) *rsa.PrivateKey {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.keys[kid]
}

const (
	testIssuer   = "https://id.example.test/"
	testAudience = "customer-graph"
)

// claimsFor are a valid token's claims for client, with scope.
func claimsFor(client, scope string) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"iss": testIssuer, "aud": testAudience, "sub": "user-" + client, "azp": client,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if scope != "" {
		c["scope"] = scope
	}
	return c
}

// mint signs claims with the issuer's key kid (RS256).
func (is *issuer) mint(kid string, claims jwt.MapClaims) string {
	is.t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(is.key(kid))
	if err != nil {
		is.t.Fatal(err)
	}
	return s
}

func withJWKS(is *issuer) func(*Config) {
	return func(c *Config) {
		c.JWKSURL, c.JWTIssuer, c.JWTAudience = is.url, testIssuer, testAudience
	}
}

// TestTokensRefused: every kind of bad token is 401 UNAUTHENTICATED,
// decided before the document is parsed and before any upstream call.
func TestTokensRefused(t *testing.T) {
	t.Parallel()
	is := newIssuer(t, "k1")
	g := newTestGraph(t, sandbox.Options{}, withJWKS(is))
	other := newIssuer(t, "k1") // same kid, another key: a forged signature

	pubDER, _ := x509.MarshalPKIXPublicKey(&is.key("k1").PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hmacWithPublicKey := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claimsFor("web", "pii:read"))
		tok.Header["kid"] = "k1"
		s, _ := tok.SignedString(pubPEM)
		return s
	}()
	algNone := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, claimsFor("web", "pii:read"))
		tok.Header["kid"] = "k1"
		s, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		return s
	}()
	with := func(change func(jwt.MapClaims)) string {
		c := claimsFor("web", "pii:read")
		change(c)
		return is.mint("k1", c)
	}
	cases := []struct{ name, token, reason string }{
		{"expired", with(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), "the token has expired"},
		{"not yet valid", with(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() }), "the token is not valid yet"},
		{"no expiry", with(func(c jwt.MapClaims) { delete(c, "exp") }), "the token lacks a required claim (exp, iss or aud)"},
		{"wrong issuer", with(func(c jwt.MapClaims) { c["iss"] = "https://evil.example.test/" }), "the token's issuer is not the one configured"},
		{"wrong audience", with(func(c jwt.MapClaims) { c["aud"] = "another-api" }), "the token is not for this API (its audience)"},
		{"alg none", algNone, "the token's signature cannot be verified with the issuer's keys (an unknown key, or an algorithm other than RS, PS, ES or EdDSA)"},
		{"HMAC signed with the public key", hmacWithPublicKey, "the token's signature cannot be verified with the issuer's keys (an unknown key, or an algorithm other than RS, PS, ES or EdDSA)"},
		{"signed by another key", other.mint("k1", claimsFor("web", "pii:read")), "the token's signature cannot be verified with the issuer's keys (an unknown key, or an algorithm other than RS, PS, ES or EdDSA)"},
		{"unknown key", func() string { is2 := newIssuer(t, "k9"); return is2.mint("k9", claimsFor("web", "")) }(), "the token's signature cannot be verified with the issuer's keys (an unknown key, or an algorithm other than RS, PS, ES or EdDSA)"},
		{"garbage", "eyJhbGciOiJSUzI1NiJ9.not-json.sig", "the token is not a well-formed JWT"},
		{"a key that is not configured", "some-client-key", "the credentials are neither a configured client key nor a JWT"},
		{"nothing", "", "send a client key or token as Authorization: Bearer <key or token>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			auth := "Bearer " + tc.token
			if tc.token == "" {
				auth = ""
			}
			// A malformed body: a 401 proves the token was judged first.
			resp, body := post(t, g.url+"/graphql", `{"query": `, "Authorization", auth)
			reason := strings.NewReplacer("<", `\u003c`, ">", `\u003e`).Replace(tc.reason) // as encoding/json writes them
			want := `{"errors":[{"message":"` + reason + `","extensions":{"code":"UNAUTHENTICATED"}}]}`
			if resp.StatusCode != 401 || strings.TrimSpace(body) != want {
				t.Errorf("%d %s\nwant 401 %s", resp.StatusCode, body, want)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Bearer realm="customer-graph"`) {
				t.Errorf("WWW-Authenticate: %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	if n := g.sb.Calls()["total"]; n != 0 {
		t.Errorf("%d upstream calls for refused tokens", n)
	}
	// Within the allowed clock skew (30 s), a token just expired passes.
	late := with(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-5 * time.Second).Unix() })
	if r := g.query(`{ __typename }`, nil, "Authorization", "Bearer "+late); r.status != 200 {
		t.Errorf("token 5 s past exp with 30 s skew: %d %v", r.status, r.Errors)
	}
}

// TestTokenKeyRotation: a token signed by a key the JWKS gained after the
// start is accepted without a restart, and while the JWKS is down the keys
// fetched before still verify tokens.
func TestTokenKeyRotation(t *testing.T) {
	t.Parallel()
	is := newIssuer(t, "2026-11")
	g := newTestGraph(t, sandbox.Options{}, withJWKS(is))
	ask := func(token string) int {
		return g.query(`{ __typename }`, nil, "Authorization", "Bearer "+token).status
	}
	if s := ask(is.mint("2026-11", claimsFor("web", ""))); s != 200 {
		t.Fatalf("first key: %d", s)
	}
	is.addKey("2026-12")
	if s := ask(is.mint("2026-12", claimsFor("web", ""))); s != 200 {
		t.Errorf("rotated key: %d", s)
	}
	is.setDown(true)
	if s := ask(is.mint("2026-11", claimsFor("web", ""))); s != 200 {
		t.Errorf("JWKS down, known key: %d", s)
	}
	if s := ask(is.mint("2026-12", claimsFor("web", ""))); s != 200 {
		t.Errorf("JWKS down, rotated key: %d", s)
	}
}

const personalQuery = `query Who($id: ID!) { customer(id: $id) { msisdn location { country } kyc { idNumber dateOfBirth firstName } devices { imsiCount handsets { deviceMake imei } } } }`

// TestScopesOnFields: without pii:read every personal field is null with
// FORBIDDEN at its path and the rest is served; with it, everything is.
func TestScopesOnFields(t *testing.T) {
	t.Parallel()
	is := newIssuer(t, "k1")
	g := newTestGraph(t, sandbox.Options{}, withJWKS(is))
	vars := map[string]any{"id": sandbox.HappyCustomer}

	denied := g.query(personalQuery, vars, "Authorization", "Bearer "+is.mint("k1", claimsFor("care-web", "profile:read")))
	if denied.status != 200 {
		t.Fatalf("filter mode: %d", denied.status)
	}
	c := denied.Data["customer"].(map[string]any)
	if c["kyc"] != nil || c["location"] == nil || c["msisdn"] != sandbox.HappyCustomer {
		t.Errorf("filtered answer: %v", c)
	}
	want := map[string]bool{"customer.kyc": true}
	devices, _ := c["devices"].([]any)
	for i, d := range devices {
		for j, h := range d.(map[string]any)["handsets"].([]any) {
			if h.(map[string]any)["imei"] != nil || h.(map[string]any)["deviceMake"] == nil {
				t.Errorf("handset: %v", h)
			}
			want["customer.devices."+itoa(int64(i))+".handsets."+itoa(int64(j))+".imei"] = true
		}
	}
	if len(devices) == 0 {
		t.Fatal("the happy customer has no devices: the test proves nothing about them")
	}
	for _, e := range denied.Errors {
		if !want[e.pathString()] || e.code() != "FORBIDDEN" || e.Message != "this client may not read this field: it needs the scope pii:read (docs/personal-data.md)" {
			t.Errorf("unexpected error: %+v", e)
		}
		delete(want, e.pathString())
	}
	if len(want) > 0 {
		t.Errorf("no FORBIDDEN at %v", want)
	}

	granted := g.query(personalQuery, vars, "Authorization", "Bearer "+is.mint("k1", claimsFor("kyc-desk", "profile:read pii:read")))
	if len(granted.Errors) > 0 || granted.Data["customer"].(map[string]any)["kyc"] == nil {
		t.Errorf("with pii:read: %v %v", granted.Errors, granted.Data)
	}
	// scp as an array (Okta), as a string (Entra ID).
	for _, scp := range []any{[]string{"pii:read"}, "openid pii:read"} {
		cl := claimsFor("scp-client", "")
		cl["scp"] = scp
		r := g.query(`query($id: ID!) { customer(id: $id) { kyc { idNumber } } }`, vars, "Authorization", "Bearer "+is.mint("k1", cl))
		if len(r.Errors) > 0 {
			t.Errorf("scp %v: %v", scp, r.Errors)
		}
	}
}

// TestDeniedFieldsCostNoCall: a query of only denied profile fields makes
// the existence check (the basic profile) and no full profile call.
func TestDeniedFieldsCostNoCall(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.AnonymousScopes = []string{"none"} })
	r := g.query(`query($id: ID!) { customer(id: $id) { kyc { idNumber firstName } } }`, map[string]any{"id": sandbox.HappyCustomer})
	if e := r.errorAt("customer.kyc"); e == nil || e.code() != "FORBIDDEN" {
		t.Fatalf("errors: %v", r.Errors)
	}
	var queries []string
	for _, e := range g.sb.Log() {
		if e.Op == "profiles.getCustomer" {
			queries = append(queries, e.Query)
		}
	}
	if g.sb.Calls()["total"] != 1 || len(queries) != 1 || strings.Contains(queries[0], "full") {
		t.Errorf("upstream calls %v, profile queries %q: want only the basic profile", g.sb.Calls(), queries)
	}
}

// TestRejectMode: GRAPH_AUTHZ_MODE=reject refuses an operation that selects
// a field the client may not read, whole, before any upstream call.
func TestRejectMode(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.AuthzMode = "reject"
		c.clients = []clientKey{{name: "care", hash: hashKey("care-k3y")}, {name: "kyc", hash: hashKey("kyc-k3y"), scopes: []string{"pii:read"}}}
	})
	vars := map[string]any{"id": sandbox.HappyCustomer}
	q := `query($id: ID!) { customer(id: $id) { msisdn ...Id } } fragment Id on Customer { kyc { ...Num } } fragment Num on KycRecord { idNumber }`
	resp, body := g.send(q, vars, "Authorization", "Bearer care-k3y")
	want := `{"errors":[{"message":"this operation selects fields this client may not read, and GRAPH_AUTHZ_MODE=reject refuses it whole: Customer.kyc, KycRecord.idNumber need the scope pii:read (docs/personal-data.md)","extensions":{"code":"FORBIDDEN"}}]}`
	if resp.StatusCode != 403 || strings.TrimSpace(string(body)) != want {
		t.Errorf("%d %s\nwant 403 %s", resp.StatusCode, body, want)
	}
	if n := g.sb.Calls()["total"]; n != 0 {
		t.Errorf("%d upstream calls for a rejected operation", n)
	}
	if r := g.query(q, vars, "Authorization", "Bearer kyc-k3y"); r.status != 200 || len(r.Errors) > 0 {
		t.Errorf("client key with pii:read: %d %v", r.status, r.Errors)
	}
	if r := g.query(`query($id: ID!) { customer(id: $id) { msisdn } }`, vars, "Authorization", "Bearer care-k3y"); r.status != 200 || len(r.Errors) > 0 {
		t.Errorf("nothing personal: %d %v", r.status, r.Errors)
	}
}

// TestTokensOverWebSocketAndSSE: the token rules hold on every transport.
func TestTokensOverWebSocketAndSSE(t *testing.T) {
	t.Parallel()
	is := newIssuer(t, "k1")
	g := newTestGraph(t, sandbox.Options{}, withJWKS(is))

	expired := claimsFor("web", "pii:read")
	expired["exp"] = time.Now().Add(-time.Hour).Unix()
	conn, status, _ := dialRaw(t, g, nil)
	if status != 101 {
		t.Fatalf("upgrade: %d", status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := initWS(t, conn, `{"Authorization":"Bearer `+is.mint("k1", expired)+`"}`); websocket.CloseStatus(err) != closeForbidden {
		t.Errorf("expired token in connection_init: %v, want close 4403", err)
	}

	conn, _, _ = dialRaw(t, g, nil)
	if m, err := initWS(t, conn, `{"Authorization":"Bearer `+is.mint("k1", claimsFor("web", ""))+`"}`); err != nil || !strings.Contains(m, "connection_ack") {
		t.Fatalf("valid token: %s %v", m, err)
	}
	sub := `{"id":"1","type":"subscribe","payload":{"query":"{ customer(id: \"` + sandbox.HappyCustomer + `\") { msisdn kyc { idNumber } } }"}}`
	if err := conn.Write(ctx, websocket.MessageText, []byte(sub)); err != nil {
		t.Fatal(err)
	}
	_, msg, err := conn.Read(ctx)
	if err != nil || !strings.Contains(string(msg), `"path":["customer","kyc"]`) || !strings.Contains(string(msg), `"code":"FORBIDDEN"`) {
		t.Errorf("denied field over WebSocket: %s %v", msg, err)
	}

	req, _ := http.NewRequest("POST", g.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+is.mint("k1", expired))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("SSE with an expired token: %d", resp.StatusCode)
	}
	if n := g.sb.Calls()["total"]; n != 1 {
		t.Errorf("%d upstream calls, want 1 (the accepted socket's profile)", n)
	}
}
