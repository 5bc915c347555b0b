// Package callbacks receives the results that the Subscription Management
// API posts after an unsubscribe-all (its /callback/delete-all-subscriptions
// operation). Each unsubscribe-all gets its own unguessable URL, so every
// callback is matched to the request that caused it; results are kept for a
// bounded time and streamed to the client that made that request.
//
// The request id travels to the client, so it admits nothing by itself:
// each callback URL also carries a per-request token that only the API is
// given (in the callback URL), and only the client that started the
// request may watch its results.
package callbacks

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"customergraph/customer"
	"customergraph/upstream"
)

// Path is where the facade receives callbacks: Path + "/{requestId}".
const Path = "/callback/delete-all-subscriptions"

// Options bound the registry.
type Options struct {
	TTL        time.Duration // how long a request's results are kept (default 10 min)
	MaxPending int           // requests kept at once (default 10,000)
	MaxBody    int64         // bytes of one callback body (default 16 KiB)
	// Secret, when set, must come with every callback, as the query parameter
	// "secret" (it is part of the URL given to the API) or the header
	// X-Callback-Secret.
	Secret string
}

// Registry matches callbacks to unsubscribe-all requests.
type Registry struct {
	opts Options

	mu      sync.Mutex
	base    string
	pending map[string]*request
	relay   Relay // nil: this replica only
	log     zerolog.Logger
}

type request struct {
	token    string // unguessable, in the callback URL only
	owner    string // the client that started it
	provider string // the provider whose subscriptions are removed
	created  time.Time
	expected map[string]bool // subscription ids still to come
	results  []customer.UnsubscribeResult
	changed  chan struct{} // closed and replaced at each result
}

// ErrUnknown is returned for a request id the registry does not hold.
var ErrUnknown = errors.New("no unsubscribe-all request with that id (unknown or expired)")

// New returns an empty registry.
func New(opts Options) *Registry {
	if opts.TTL <= 0 {
		opts.TTL = 10 * time.Minute
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = 10000
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 16 << 10
	}
	return &Registry{opts: opts, pending: map[string]*request{}}
}

// SetBaseURL sets the facade's public base URL; callback URLs are built on it.
func (r *Registry) SetBaseURL(base string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.base = strings.TrimRight(base, "/")
}

// Enabled reports whether a public URL is known, so callbacks can be asked for.
func (r *Registry) Enabled() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.base != ""
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Register opens a request of owner expecting one result per subscription
// id, and returns its id and the callback URL to give the API.
func (r *Registry) Register(owner, providerID string, expected []string) (id, callbackURL string, err error) {
	id = randomHex()
	token := randomHex()
	r.mu.Lock()
	if r.base == "" {
		r.mu.Unlock()
		return "", "", errors.New("no public URL is configured for callbacks")
	}
	r.sweep(time.Now())
	if len(r.pending) >= r.opts.MaxPending {
		r.mu.Unlock()
		return "", "", errors.New("too many unsubscribe-all requests are waiting for results")
	}
	req := &request{token: token, owner: owner, provider: providerID, created: time.Now(), expected: map[string]bool{}, changed: make(chan struct{})}
	for _, e := range expected {
		req.expected[e] = true
	}
	r.pending[id] = req
	q := url.Values{"token": {token}}
	if r.opts.Secret != "" {
		q.Set("secret", r.opts.Secret)
	}
	u := r.base + Path + "/" + id + "?" + q.Encode()
	relay, log := r.relay, r.log
	r.mu.Unlock()
	share(relay, log, id, Route{Token: token, Provider: providerID}, r.opts.TTL)
	return id, u, nil
}

// Forget drops a request, e.g. when the unsubscribe-all call failed.
func (r *Registry) Forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.pending, id)
}

func (r *Registry) sweep(now time.Time) {
	for id, req := range r.pending {
		if now.Sub(req.created) > r.opts.TTL {
			delete(r.pending, id)
		}
	}
}

// Handler receives POST Path/{requestId} with an Unsubscribe body.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.opts.Secret != "" {
			got := req.URL.Query().Get("secret")
			if got == "" {
				got = req.Header.Get("X-Callback-Secret")
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(r.opts.Secret)) != 1 {
				http.Error(w, "wrong or missing callback secret", http.StatusUnauthorized)
				return
			}
		}
		token := req.URL.Query().Get("token")
		if token == "" {
			http.Error(w, "missing callback token", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(req.Body, r.opts.MaxBody+1))
		if err != nil || int64(len(raw)) > r.opts.MaxBody {
			http.Error(w, "callback body too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := upstream.ParseUnsubscribeCallback(raw)
		if err != nil {
			http.Error(w, "the body must be an Unsubscribe object with subscriptionId, status and statusCode", http.StatusBadRequest)
			return
		}
		switch err := r.deliver(req.PathValue("requestId"), token, body); {
		case errors.Is(err, errWrongToken):
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

var errWrongToken = errors.New("wrong callback token")

func (r *Registry) deliver(id, token string, res customer.UnsubscribeResult) error {
	r.mu.Lock()
	req, ok := r.pending[id]
	if !ok || time.Since(req.created) > r.opts.TTL {
		r.mu.Unlock()
		return r.relayed(id, token, res) // another replica's request, if any
	}
	defer r.mu.Unlock()
	if subtle.ConstantTimeCompare([]byte(token), []byte(req.token)) != 1 {
		return errWrongToken
	}
	r.record(req, res)
	return nil
}

// record adds a checked result to req, dropping repeats; r.mu is held.
func (r *Registry) record(req *request, res customer.UnsubscribeResult) {
	if res.ProviderID == "" {
		res.ProviderID = req.provider
	}
	key := string(res.SubscriptionID)
	waiting, known := req.expected[key]
	if known && !waiting {
		return // a repeated callback for a subscription already reported
	}
	if !known && len(req.results) >= len(req.expected)+100 {
		return // an API that keeps posting cannot grow memory without bound
	}
	req.expected[key] = false
	req.results = append(req.results, res)
	close(req.changed)
	req.changed = make(chan struct{})
}

// Watch streams the results of request id to its owner: those already in,
// then each new one, until every expected result arrived, wait passes, or
// ctx ends. Another client is told the id is unknown, as if it were.
func (r *Registry) Watch(ctx context.Context, id, owner string, wait time.Duration) (<-chan customer.UnsubscribeResult, error) {
	r.mu.Lock()
	req, ok := r.pending[id]
	r.mu.Unlock()
	if !ok || req.owner != owner {
		return nil, ErrUnknown
	}
	out := make(chan customer.UnsubscribeResult, 1)
	go func() {
		defer close(out)
		timer := time.NewTimer(wait)
		defer timer.Stop()
		sent := 0
		for {
			r.mu.Lock()
			req, ok := r.pending[id]
			if !ok {
				r.mu.Unlock()
				return
			}
			fresh := append([]customer.UnsubscribeResult(nil), req.results[sent:]...)
			complete := true
			for _, waiting := range req.expected {
				complete = complete && !waiting
			}
			changed := req.changed
			r.mu.Unlock()
			for _, res := range fresh {
				select {
				case out <- res:
					sent++
				case <-ctx.Done():
					return
				}
			}
			if complete {
				return
			}
			select {
			case <-changed:
			case <-timer.C:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
