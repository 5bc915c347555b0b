package sandbox

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// auth is the security requirement of one operation, as its spec declares it.
type auth int

const (
	authNone       auth = iota // Profiles declares no security
	authKeyOrToken             // ApiKeyAuth or OAuth2
	authKeyOnly                // operations that override with ApiKeyAuth
	authTokenOnly              // Accountholders: OAuth2 only
)

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	p, pl, su, ah := Roots[Profiles], Roots[Plans], Roots[Subscriptions], Roots[Accountholders]

	s.handle(mux, Profiles, "profiles.getCustomer", authNone, "GET "+p+"/customers/{customerId}", s.getProfile)

	s.handle(mux, Plans, "plans.getPlans", authKeyOrToken, "GET "+pl+"/customers/{customerId}/plans", s.getPlans)
	s.handle(mux, Plans, "plans.requestPremium", authKeyOrToken, "POST "+pl+"/customers/{customerId}/plans", s.requestPremium)
	s.handle(mux, Plans, "plans.getPlan", authKeyOnly, "GET "+pl+"/customers/{customerId}/plans/{productCode}", s.getPlan)
	s.handle(mux, Plans, "plans.refill", authKeyOnly, "PATCH "+pl+"/customers/{customerId}/plans/refill", s.refill)

	subs := su + "/customers/{customerId}/subscriptions"
	s.handle(mux, Subscriptions, "subscriptions.list", authKeyOrToken, "GET "+subs, s.listSubscriptions)
	s.handle(mux, Subscriptions, "subscriptions.subscribe", authKeyOrToken, "POST "+subs, s.subscribe)
	s.handle(mux, Subscriptions, "subscriptions.unsubscribeAll", authKeyOrToken, "DELETE "+subs, s.unsubscribeAll)
	s.handle(mux, Subscriptions, "subscriptions.get", authKeyOrToken, "GET "+subs+"/{subscriptionId}", s.getSubscription)
	s.handle(mux, Subscriptions, "subscriptions.unsubscribe", authKeyOrToken, "DELETE "+subs+"/{subscriptionId}", s.unsubscribe)
	s.handle(mux, Subscriptions, "subscriptions.status", authKeyOrToken, "GET "+subs+"/{subscriptionId}/status/{statusId}", s.provisioningStatus)
	s.handle(mux, Subscriptions, "subscriptions.providers", authKeyOrToken, "GET "+su+"/customers/{customerId}/subscriptions-providers", s.providers)

	acc := ah + "/accountholders/{id}"
	s.handle(mux, Accountholders, "accountholders.get", authTokenOnly, "GET "+acc, s.getAccountholder)
	s.handle(mux, Accountholders, "accountholders.validate", authTokenOnly, "GET "+acc+"/validate", s.validateAccountholder)
	s.handle(mux, Accountholders, "accountholders.verify", authTokenOnly, "POST "+acc+"/verify", s.verifyAccountholder)

	s.handle(mux, OAuth, "oauth.token", authNone, "POST /oauth/token", s.token)

	mux.HandleFunc("GET /_sandbox/calls", s.hookCalls)
	mux.HandleFunc("GET /_sandbox/log", s.hookLog)
	mux.HandleFunc("POST /_sandbox/reset", s.hookReset)
	mux.HandleFunc("PUT /_sandbox/latency", s.hookLatency)
	mux.HandleFunc("POST /_sandbox/revoke-tokens", s.hookRevoke)
	mux.HandleFunc("GET /_sandbox/scenarios", s.hookScenarios)
	return mux
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

// Unwrap lets a Drop fault hijack the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) handle(mux *http.ServeMux, api, op string, a auth, pattern string, h http.HandlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		s.count(op)
		s.enter(api)
		defer s.leave(api)
		defer func() {
			s.record(LogEntry{API: api, Op: op, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
				Status: sw.status, TransactionID: r.Header.Get("transactionId"), Traceparent: r.Header.Get("traceparent"),
				Tracestate: r.Header.Get("tracestate"), Baggage: r.Header.Get("baggage")})
		}()
		s.delay(r.Context(), api)
		if !s.authorized(r, a) {
			apiError(sw, r, api, op, http.StatusUnauthorized, "Unauthorized", "missing or invalid credentials")
			return
		}
		if f := s.takeFault(op); f != nil {
			serveFault(sw, r, f, api, op, h)
			return
		}
		h(sw, r)
	})
}

func (s *Server) authorized(r *http.Request, a auth) bool {
	if a == authNone {
		return true
	}
	keyOK := subtle.ConstantTimeCompare([]byte(r.Header.Get("X-API-Key")), []byte(APIKey)) == 1
	tokenOK := false
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		s.mu.Lock()
		exp, found := s.tokens[tok]
		s.mu.Unlock()
		tokenOK = found && time.Now().Before(exp)
	}
	switch a {
	case authKeyOnly:
		return keyOK
	case authTokenOnly:
		return tokenOK
	default:
		return keyOK || tokenOK
	}
}
