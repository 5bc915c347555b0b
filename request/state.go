// Package request holds what the facade knows about one incoming request:
// one State, made by the edge when the request arrives and read by
// everything below it (the operation pipeline, resolvers, the upstream
// client) from the request's context. A WebSocket or SSE connection is one
// request, whatever number of operations it carries.
package request

import (
	"context"
	"sync"
	"time"
)

// Transport is how the request is answered.
type Transport uint8

const (
	// Plain is one POST or GET answered with one JSON body.
	Plain Transport = iota
	// WebSocket is a graphql-transport-ws connection: many operations.
	WebSocket
	// EventStream is one long-lived HTTP answer: SSE, or multipart/mixed
	// (@defer parts, Apollo's multipart subscriptions).
	EventStream
)

// State is one request's state. The exported fields are set when the edge
// makes it and never change; the client and the report change only
// through the methods, which are safe for concurrent use.
type State struct {
	Arrived time.Time
	// TransactionID is the caller's transactionId or X-Request-ID when
	// valid, else a generated one: echoed as X-Request-ID, sent on every
	// upstream call, written on every log line.
	TransactionID string
	// Authorization is the end user's X-Authorization (encrypted ECW
	// credentials), forwarded to the operations that take it. Never logged.
	Authorization string
	Transport     Transport
	RemoteIP      string
	// AppName and AppVersion are what the app calls itself
	// (apollographql-client-name and -version), cleaned for logs.
	AppName, AppVersion string
	// AnonymousScopes are the scopes of a request that authenticated with
	// nothing (GRAPH_ANONYMOUS_SCOPES).
	AnonymousScopes []string

	mu        sync.Mutex
	principal Principal // zero while anonymous
	// onAuthenticate, when set, may refuse an authentication (a WebSocket
	// over its client's share of connections).
	onAuthenticate func(identity string) error
	report         Report
}

// Principal is the client a request proved to be: a client key, or a
// JWT verified against the configured JWKS.
type Principal struct {
	// Client names the client: the key's name, or the token's azp,
	// client_id or (lacking both) sub claim.
	Client string
	// Subject is the token's sub claim: the user or service the client
	// acts for; "" for a client key.
	Subject string
	// Scopes are the key's granted scopes, or the token's scope or scp
	// claim.
	Scopes []string
	// Token: authenticated by a JWT rather than a client key.
	Token bool
}

// Report is what a request did, for its access line and metrics: the
// GraphQL layer notes it as each response goes out.
type Report struct {
	Operation     string
	Codes         []string
	HasData       bool
	UpstreamCalls int
	// Refused: a WebSocket's connection_init carried no valid client key.
	Refused bool
}

// Stream reports whether the request outlives one answer (a WebSocket, SSE
// or multipart): it is then bound per operation, not per request.
func (s *State) Stream() bool { return s.Transport != Plain }

// Client is the name of the client the request authenticated as, or "" for
// an anonymous request.
func (s *State) Client() string { return s.Principal().Client }

// Principal is who the request authenticated as; zero while anonymous.
func (s *State) Principal() Principal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.principal
}

// Scopes are what the request's client was granted: its key's or token's,
// or AnonymousScopes.
func (s *State) Scopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.principal.Client == "" {
		return s.AnonymousScopes
	}
	return s.principal.Scopes
}

// Identity names whose share the request uses (upstream slots, streams,
// connections, persisted-query registrations): "key:<name>" for a client
// key, "jwt:<client>" for a token, "ip:<address>" for an anonymous client,
// "" for work of no request.
func (s *State) Identity() string {
	return s.Principal().identity(s.RemoteIP)
}

func (p Principal) identity(remoteIP string) string {
	switch {
	case p.Client != "" && p.Token:
		return "jwt:" + p.Client
	case p.Client != "":
		return "key:" + p.Client
	case remoteIP == "":
		return ""
	}
	return "ip:" + remoteIP
}

// OnAuthenticate sets what must agree before the request is counted as
// client's (the edge's connection caps).
func (s *State) OnAuthenticate(f func(identity string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onAuthenticate = f
}

// Authenticate records the client the request proved to be, unless the
// OnAuthenticate hook refuses.
func (s *State) Authenticate(p Principal) error {
	s.mu.Lock()
	hook := s.onAuthenticate
	s.mu.Unlock()
	if hook != nil {
		if err := hook(p.identity(s.RemoteIP)); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.principal = p
	return nil
}

// Note changes the report.
func (s *State) Note(f func(*Report)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.report)
}

// Report returns a copy of the report.
func (s *State) Report() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.report
	r.Codes = append([]string(nil), r.Codes...)
	return r
}

type key struct{}

// With attaches s to ctx.
func With(ctx context.Context, s *State) context.Context {
	return context.WithValue(ctx, key{}, s)
}

// From returns the request's state. Work that belongs to no request (a
// background poll, a test calling a package directly) gets an empty state
// of its own, so callers need no nil check.
func From(ctx context.Context) *State {
	if s, ok := ctx.Value(key{}).(*State); ok {
		return s
	}
	return &State{}
}
