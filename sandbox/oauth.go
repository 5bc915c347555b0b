package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"time"
)

// token implements the OAuth2 client-credentials grant (RFC 6749 §4.4).
// Credentials may come by HTTP Basic or as form fields.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<14)
	if err := r.ParseForm(); err != nil {
		apiError(w, r, OAuth, "oauth.token", http.StatusBadRequest, "invalid_request", "form body expected")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		apiError(w, r, OAuth, "oauth.token", http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if subtle.ConstantTimeCompare([]byte(id), []byte(ClientID)) != 1 || subtle.ConstantTimeCompare([]byte(secret), []byte(ClientSecret)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="sandbox"`)
		apiError(w, r, OAuth, "oauth.token", http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	tok := hex.EncodeToString(buf)
	s.mu.Lock()
	s.tokens[tok] = time.Now().Add(s.opts.TokenTTL)
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(s.opts.TokenTTL.Seconds())})
}
