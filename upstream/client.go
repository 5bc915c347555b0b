// Package upstream holds the typed REST clients of the four customer APIs:
// one service per API, one method per operation (15 in all), one error type
// with a closed set of kinds, and the resilience every call needs: retries
// for reads only, a circuit breaker and a concurrency bound per API, a
// response-size cap, OAuth2 token caching and one log line per call.
package upstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"

	"github.com/rs/zerolog"
	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/otel/trace"
)

// API names, as used in errors, logs and metrics.
const (
	APIProfiles       = "profiles"
	APIPlans          = "plans"
	APISubscriptions  = "subscriptions"
	APIAccountholders = "accountholders"
)

// Call describes one finished upstream operation (all its attempts), for
// logs and metrics.
type Call struct {
	API, Op, Method string
	Status          int  // last HTTP status, 0 if none came
	Kind            Kind // when Failed
	Failed          bool
	Path            string // the spec's path template (Template), never the path sent
	Start           time.Time
	Duration        time.Duration
	Attempts        int
	TransactionID   string
	Customer        string // for writes: whose money or service it touched
}

// Options are the non-environment settings of a Client.
type Options struct {
	Logger zerolog.Logger
	// HTTPClient overrides the transport (tests); it must not have a Timeout
	// shorter than Config.Timeout.
	HTTPClient *http.Client
	// OnCall, when set, is told about every finished operation, with the
	// context of the request that caused it.
	OnCall func(context.Context, Call)
	// OnBreaker, when set, is told when an API's breaker changes state.
	OnBreaker func(api string, state gobreaker.State)
	// TracerProvider, when set, traces every HTTP attempt (otelhttp) and
	// sends its W3C traceparent to the API.
	TracerProvider trace.TracerProvider
	// Mask, when set, stands in for a customer's id on log lines (a keyed
	// hash): no full MSISDN is logged.
	Mask func(id string) string
}

// Client bundles the four services.
type Client struct {
	Profiles       *ProfilesService
	Plans          *PlansService
	Subscriptions  *SubscriptionsService
	Accountholders *AccountholdersService

	apis []*api
}

// New builds a Client. It does not contact any upstream.
func New(cfg Config, opts Options) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	hc := opts.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = cfg.MaxIdleConnsHost * 4
		tr.MaxIdleConnsPerHost = cfg.MaxIdleConnsHost
		hc = &http.Client{Transport: tr}
	}
	if opts.TracerProvider != nil {
		hc = traced(hc, opts.TracerProvider)
	}
	hc = noRedirects(hc)
	tok := newTokens(cfg, hc)
	mk := func(name, base string) *api {
		a := &api{name: name, base: strings.TrimRight(base, "/"), cfg: cfg, http: hc, tokens: tok, traced: opts.TracerProvider != nil,
			slots: newSlots(name, cfg), log: opts.Logger, onCall: opts.OnCall, mask: opts.Mask}
		a.failing = &failingCustomers{window: cfg.BreakerWindow}
		a.breaker = gobreaker.NewCircuitBreaker[*reply](breakerSettings(name, cfg, a.failing, func(name string, to gobreaker.State) {
			opts.Logger.Warn().Str("api", name).Str("breaker", to.String()).Msg("upstream circuit breaker changed state")
			if opts.OnBreaker != nil {
				opts.OnBreaker(name, to)
			}
		}))
		return a
	}
	c := &Client{}
	pr, pl, su, ah := mk(APIProfiles, cfg.ProfilesURL), mk(APIPlans, cfg.PlansURL), mk(APISubscriptions, cfg.SubscriptionsURL), mk(APIAccountholders, cfg.AccountholdersURL)
	c.apis = []*api{pr, pl, su, ah}
	c.Profiles, c.Plans, c.Subscriptions, c.Accountholders = &ProfilesService{pr}, &PlansService{pl}, &SubscriptionsService{su}, &AccountholdersService{ah}
	return c, nil
}

// BreakerStates reports each API's breaker state ("closed", "half-open", "open").
func (c *Client) BreakerStates() map[string]string {
	out := map[string]string{}
	for _, a := range c.apis {
		out[a.name] = a.breaker.State().String()
	}
	return out
}

type authMode int

const (
	authNone       authMode = iota // Profiles declares no security; the key is still sent if configured
	authKeyOrToken                 // ApiKeyAuth or OAuth2
	authKeyOnly                    // ApiKeyAuth only
	authTokenOnly                  // OAuth2 only
)

type api struct {
	name    string
	base    string
	cfg     Config
	http    *http.Client
	tokens  *tokens
	breaker *gobreaker.CircuitBreaker[*reply]
	failing *failingCustomers
	slots   *slots
	log     zerolog.Logger
	onCall  func(context.Context, Call)
	mask    func(string) string // nil: ids are logged as the last two characters only
	traced  bool
}

// call is one operation to perform.
type call struct {
	op           string
	method       string
	path         string // already escaped, relative to the API root
	query        url.Values
	body         any         // JSON-encoded when non-nil
	header       http.Header // extra headers
	auth         authMode
	forwardAuthz bool   // forward the end user's X-Authorization
	out          any    // decoded from a 2xx body when non-nil
	customer     string // logged with the outcome of a write
	// secrets are values of the body (a voucher code) that must never reach
	// a log or a client, even if the upstream quotes them in an error.
	secrets []string
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// do performs c with retries (GET only), and logs it once.
//
// A write (any method but GET) is sent at most once: never retried, never
// re-sent after a refused token, never redirected. Once it may have left,
// it runs on a context detached from the caller's, bounded by MTN_TIMEOUT,
// so a client that hangs up does not cut off an answer that says whether
// money moved; and anything but a 2xx or a 4xx is KindOutcomeUnknown.
func (a *api) do(ctx context.Context, c call) (*reply, error) {
	caller := callerFrom(ctx)
	start := time.Now()
	write := c.method != http.MethodGet
	if err := checkPath(c.path); err != nil {
		return nil, &Error{API: a.name, Op: c.op, Kind: KindInvalid, Message: err.Error(), TransactionID: caller.TransactionID, local: true}
	}
	if write {
		if err := ctx.Err(); err != nil {
			return nil, &Error{API: a.name, Op: c.op, Kind: KindUnavailable, Message: "the request was cancelled before the write was sent", Err: err, TransactionID: caller.TransactionID}
		}
		var cancel context.CancelFunc
		// A little longer than the attempt's own timeout, which is what
		// should end a slow write (and count against the API).
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), a.cfg.Timeout+time.Second)
		defer cancel()
	}
	attempts := 0
	// The breaker sees the operation, retries included, once.
	rep, err := a.breaker.Execute(func() (*reply, error) {
		rep, err := a.attempts(ctx, c, caller, write, &attempts)
		if err != nil && countsAgainst(err) && !excludedFromBreaker(err) {
			a.failing.add(customerOf(c.path), time.Now())
		}
		return rep, err
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		err = &Error{Kind: KindUnavailable, Message: "circuit breaker open: the API failed for many customers", Err: errBreakerOpen, unsent: true}
	}
	if write && err != nil {
		err = writeOutcome(err.(*Error))
	}
	return a.finish(ctx, c, caller, start, attempts, rep, err)
}

// attempts sends c, retrying a read as the configuration allows.
func (a *api) attempts(ctx context.Context, c call, caller caller, write bool, attempts *int) (*reply, error) {
	refreshed := false
	var rep *reply
	var err error
	for {
		*attempts++
		var token string
		began := time.Now()
		rep, token, err = a.attempt(ctx, c, caller, *attempts)
		took := time.Since(began)
		if err == nil {
			if c.out != nil && len(rep.body) > 0 {
				if jerr := json.Unmarshal(rep.body, c.out); jerr != nil {
					err = &Error{Kind: KindBadResponse, HTTPStatus: rep.status, Message: "the response body is not the JSON the spec describes", Err: jerr}
				}
			}
			break
		}
		e := err.(*Error)
		if e.Kind == KindUnauthorized && token != "" {
			// A revoked or expired token: the next call fetches a fresh one.
			a.tokens.invalidate(token)
			if !write && !refreshed {
				refreshed = true // one refresh and one retry, for reads only
				continue
			}
		}
		if write || *attempts > a.cfg.MaxRetries || !(e.Kind == KindUnavailable || e.Kind == KindRateLimited) || e.callerGone {
			break
		}
		wait := a.backoff(*attempts)
		if e.RetryAfter > 0 {
			if e.RetryAfter > a.cfg.MaxRetryAfter {
				break
			}
			wait = e.RetryAfter
		}
		// The failed attempt is the best guess of how long the next takes:
		// a retry that could not finish inside the caller's deadline would
		// only hold the request longer and add load to a struggling API.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait+took {
			break
		}
		if !sleepCtx(ctx, wait) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// finish records and logs a finished operation.
func (a *api) finish(ctx context.Context, c call, caller caller, start time.Time, attempts int, rep *reply, err error) (*reply, error) {
	status := 0
	if rep != nil {
		status = rep.status
	}
	var kind Kind
	if err != nil {
		e := err.(*Error)
		e.API, e.Op, e.TransactionID = a.name, c.op, caller.TransactionID
		e.Message = redact(e.Message, c.secrets)
		if e.HTTPStatus != 0 {
			status = e.HTTPStatus
		}
		kind = e.Kind
	}
	rec := Call{API: a.name, Op: c.op, Method: c.method, Path: Template(c.op), Status: status, Kind: kind, Failed: err != nil,
		Start: start, Duration: time.Since(start), Attempts: attempts, TransactionID: caller.TransactionID}
	if c.method != http.MethodGet {
		rec.Customer = c.customer
	}
	a.logCall(ctx, rec, err)
	if a.onCall != nil {
		a.onCall(ctx, rec)
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// writeOutcome keeps "nothing happened" for the answers that say so: a 4xx
// from the upstream, or a failure before the request left. Every other
// failure of a write (5xx, 3xx, 999, an undecodable or oversized 2xx, a
// timeout or dropped connection after sending) may have moved money.
func writeOutcome(e *Error) *Error {
	if e.Kind == KindOutcomeUnknown || e.local || e.unsent {
		return e
	}
	if e.HTTPStatus >= 400 && e.HTTPStatus < 500 {
		return e
	}
	e.Kind = KindOutcomeUnknown
	if e.Message == "" {
		e.Message = "no message"
	}
	e.Message = "the write was sent but its outcome is not known (" + e.Message + "); it may or may not have taken effect"
	return e
}

// logCall writes one line per call: a read that worked at debug (the
// access line already counts it), a write at info (its outcome is the audit
// trail of money moved), a failure at warn.
func (a *api) logCall(ctx context.Context, c Call, err error) {
	ev := a.log.Debug()
	if c.Method != http.MethodGet {
		ev = a.log.Info()
	}
	if err != nil {
		msg := err.Error()
		if c.Customer != "" {
			msg = strings.ReplaceAll(msg, c.Customer, a.maskID(c.Customer))
		}
		ev = a.log.Warn().Str("kind", c.Kind.String()).Str("error", msg)
	}
	ev = ev.Ctx(ctx).Str("api", c.API).Str("op", c.Op).Str("method", c.Method).Int("status", c.Status).
		Dur("duration", c.Duration).Int("attempts", c.Attempts).Str("transactionId", c.TransactionID)
	if c.Method != http.MethodGet {
		outcome := "done"
		if err != nil {
			outcome = "not done"
			if c.Kind == KindOutcomeUnknown {
				outcome = "unknown"
			}
		}
		ev.Str("customer", a.maskID(c.Customer)).Str("outcome", outcome).Msg("upstream write")
		return
	}
	ev.Msg("upstream call")
}

// maskID is the stand-in for id on a log line: Options.Mask's, or without
// one only its last two characters.
func (a *api) maskID(id string) string {
	if a.mask != nil {
		return a.mask(id)
	}
	if len(id) > 2 {
		return "…" + id[len(id)-2:]
	}
	return id
}

// backoff is exponential with full jitter.
func (a *api) backoff(attempt int) time.Duration {
	d := a.cfg.RetryBackoff << (attempt - 1)
	return d/2 + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

var errBreakerOpen = errors.New("circuit breaker open")

// attempt sends c once through the concurrency bound. It returns the
// bearer token it used, if any.
func (a *api) attempt(ctx context.Context, c call, caller caller, n int) (*reply, string, error) {
	release, err := a.slots.take(ctx, c.method != http.MethodGet, customerOf(c.path), caller.Client)
	if err != nil {
		return nil, "", err
	}
	defer release()
	return a.send(ctx, c, caller, n)
}

func (a *api) send(ctx context.Context, c call, caller caller, attempt int) (*reply, string, error) {
	actx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	var body io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return nil, "", &Error{Kind: KindInvalid, Message: "request body could not be encoded", Err: err, local: true}
		}
		body = bytes.NewReader(b)
	}
	u := a.base + c.path
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	// Writes are never re-sent by us; net/http re-sends only idempotent
	// methods or requests carrying an Idempotency-Key, which we never set.
	// From the first header byte on, a write may have reached the API.
	var wrote atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	req, err := http.NewRequestWithContext(actx, c.method, u, body)
	if err != nil {
		return nil, "", &Error{Kind: KindInvalid, Message: "request could not be built", Err: err, local: true}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("transactionId", caller.TransactionID)
	for k, v := range c.header {
		req.Header[k] = v
	}
	if c.forwardAuthz && caller.Authorization != "" {
		req.Header.Set("X-Authorization", caller.Authorization)
	}
	token, aerr := a.authorize(ctx, req, c)
	if aerr != nil {
		return nil, "", aerr
	}
	if a.traced { // on the request alone: a token fetch is not this operation
		req = req.WithContext(withAttempt(req.Context(), attemptInfo{api: a.name, op: c.op, method: c.method, template: Template(c.op), base: a.base, n: attempt}))
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, token, a.transportError(ctx, c, wrote.Load(), err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > a.cfg.MaxBodyBytes {
		return nil, token, &Error{Kind: KindBadResponse, HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("response body of %d bytes exceeds the %d-byte limit", resp.ContentLength, a.cfg.MaxBodyBytes)}
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, a.cfg.MaxBodyBytes+1))
	if err != nil {
		if c.method != http.MethodGet {
			return nil, token, &Error{Kind: KindOutcomeUnknown, HTTPStatus: resp.StatusCode, Message: "the answer to a write was cut off; it may or may not have taken effect", Err: err}
		}
		return nil, token, &Error{Kind: KindUnavailable, HTTPStatus: resp.StatusCode, Message: "the response was cut off", Err: err}
	}
	if int64(len(raw)) > a.cfg.MaxBodyBytes {
		return nil, token, &Error{Kind: KindBadResponse, HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("response body exceeds the %d-byte limit", a.cfg.MaxBodyBytes)}
	}
	if err := CheckResponse(a.name, c.op, resp, raw); err != nil {
		return nil, token, err.(*Error)
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: raw}, token, nil
}

func (a *api) transportError(ctx context.Context, c call, wrote bool, err error) *Error {
	msg := "the API could not be reached"
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "the API did not answer in time"
	}
	callerGone := ctx.Err() != nil
	if callerGone {
		msg = "the request was cancelled or ran out of time"
		err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	if wrote && c.method != http.MethodGet {
		return &Error{Kind: KindOutcomeUnknown, Message: "the write was sent but no answer came; it may or may not have taken effect", Err: err, callerGone: callerGone}
	}
	return &Error{Kind: KindUnavailable, Message: msg, Err: err, unsent: !wrote, callerGone: callerGone}
}

func (a *api) authorize(ctx context.Context, req *http.Request, c call) (string, error) {
	useToken := c.auth == authTokenOnly || (c.auth == authKeyOrToken && (a.cfg.PreferOAuth || a.cfg.APIKey == ""))
	if !useToken {
		if a.cfg.APIKey != "" {
			req.Header.Set("X-API-Key", a.cfg.APIKey)
		}
		return "", nil
	}
	if a.tokens == nil {
		return "", &Error{Kind: KindUnauthorized, Message: "this operation needs OAuth2 client credentials, which are not configured", local: true}
	}
	tok, err := a.tokens.get(ctx)
	if err != nil {
		e := tokenError(a.name, c.op, err)
		e.unsent = true
		return "", e
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return tok, nil
}

// redact replaces every secret in s (of 3 characters or more: a shorter
// one would garble the message and hide next to nothing).
func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 3 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// noRedirects returns a copy of hc that hands every 3xx back as it is.
// Following one would re-send a write (a second refill) and could carry the
// API key, the bearer token and the end user's X-Authorization to another
// host; the specs declare no redirect, so a 3xx is an upstream fault.
func noRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// path joins escaped segments.
func path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}
