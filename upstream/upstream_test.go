package upstream_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"customergraph/request"
	"customergraph/sandbox"
	"customergraph/upstream"
)

// syncBuffer collects log lines from concurrent calls.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func sandboxConfig(base string) upstream.Config {
	return upstream.Config{
		ProfilesURL: base + "/profiles/v1", PlansURL: base + "/plans/v2", SubscriptionsURL: base + "/subscriptions/v2",
		AccountholdersURL: base + "/accountholders/v1", TokenURL: base + "/oauth/token",
		APIKey: sandbox.APIKey, ClientID: sandbox.ClientID, ClientSecret: sandbox.ClientSecret,
		SourceSystemID: "test", Timeout: 2 * time.Second, MaxRetries: 2, RetryBackoff: 10 * time.Millisecond,
		MaxRetryAfter: 2 * time.Second, MaxBodyBytes: 4 << 20, MaxConcurrency: 16, MaxConcurrencyPerCustomer: 16, MaxConcurrencyPerClient: 16, MaxWriteConcurrency: 16, QueueWait: 10 * time.Second,
		BreakerWindow: 10 * time.Second, BreakerMinCalls: 20, BreakerFailureRatio: 0.5, BreakerMinCustomers: 5,
		BreakerOpenFor: time.Minute, BreakerTrials: 3, MaxIdleConnsHost: 16,
	}
}

type fixture struct {
	sb     *sandbox.Server
	client *upstream.Client
	logs   *syncBuffer
}

func newFixture(t *testing.T, opts sandbox.Options, tweak func(*upstream.Config)) *fixture {
	t.Helper()
	sb := sandbox.New(opts)
	c, logs := newClientFor(t, sb, tweak)
	return &fixture{sb: sb, client: c, logs: logs}
}

func ctxWith(txn string) context.Context {
	return request.With(context.Background(), &request.State{TransactionID: txn, Authorization: "ecw-user-credential"})
}

func kindOf(t *testing.T, err error) upstream.Kind {
	t.Helper()
	var e *upstream.Error
	if !errors.As(err, &e) {
		t.Fatalf("not an *upstream.Error: %v", err)
	}
	return e.Kind
}

func TestAllOperationsAgainstSandbox(t *testing.T) {
	f := newFixture(t, sandbox.Options{}, nil)
	ctx := ctxWith("ops-test-01")
	h := sandbox.HappyCustomer
	c := f.client

	p, err := c.Profiles.Get(ctx, h, upstream.PropsetFull)
	if err != nil || deref(p.Location.Country) != "ZA" || len(p.KYC) != 3 || p.Loans.Eligibility.Status != "ELIGIBLE" ||
		p.Transactions.Received.Last6Months == nil || !p.Transactions.Received.Max6Months.Valid() || len(p.Devices[0].Handsets) != 2 {
		t.Fatalf("profile: %v %+v", err, p)
	}
	if n, _ := p.Transactions.Withdrawals.Count.Last3Months.Int(); p.Transactions.Withdrawals.Count.Last3Months == p.Transactions.Withdrawals.Count.LastMonth && n == 0 {
		t.Errorf("withdrawal counts not decoded: %+v", p.Transactions.Withdrawals)
	}
	plans, err := c.Plans.Get(ctx, h, upstream.PlansQuery{Momo: upstream.FlagTrue, IncludeReservations: upstream.FlagTrue})
	if err != nil || deref(plans.TariffPlan) == "" || len(plans.Balances) != 5 || plans.Balances[4].Momo.PositiveReservations == nil || plans.Offer == nil {
		t.Fatalf("plans: %v %+v", err, plans)
	}
	prod, err := c.Plans.GetProduct(ctx, h, "DATA1GB")
	if err != nil || len(prod.Balances) != 1 || deref(prod.Balances[0].BalanceType) != "DATA" {
		t.Fatalf("product: %v %+v", err, prod)
	}
	ref, err := c.Plans.Refill(ctx, h, upstream.RefillRequest{RefillType: "voucherless", RefillProfileID: "P1", TransactionAmount: "20"})
	if err != nil || ref.Amount == nil || ref.Amount.Amount.String() != "20.00" || ref.Amount.Currency != "ZAR" {
		t.Fatalf("refill: %v %+v", err, ref)
	}
	prem, err := c.Plans.RequestPremium(ctx, h, upstream.PremiumRequest{Amount: upstream.AmountInput{Type: "CURRENCY", Value: "100.00", Unit: "ZAR"},
		TransactionID: "ops-test-01", ReceivingCustomerID: sandbox.PartialPlansCustomer, Product: "aYo Life", TransactionType: "PREMIUM"})
	if err != nil || prem.Premium == nil || prem.Premium.Amount.String() != "5.00" || deref(prem.OriginReferenceID) == "" {
		t.Fatalf("premium: %v %+v", err, prem)
	}
	list, err := c.Subscriptions.List(ctx, h, "")
	if err != nil || len(list.Providers) != 2 || deref(list.Providers[0].Subscriptions[0].Name) != "CallerTunez" {
		t.Fatalf("list: %v %+v", err, list)
	}
	one, err := c.Subscriptions.Get(ctx, h, "4", "101")
	if err != nil || deref(one.Name) != "CallerTunez" || one.AutoRenew == nil || !*one.AutoRenew {
		t.Fatalf("get: %v %+v", err, one)
	}
	provs, err := c.Subscriptions.Providers(ctx, h)
	if err != nil || len(provs) != 2 || deref(provs[1].Name) != "MTN Play Services" {
		t.Fatalf("providers: %v %+v", err, provs)
	}
	sub, err := c.Subscriptions.Subscribe(ctx, h, upstream.SubscribeRequest{SubscriptionID: "9", ProviderID: "202", Name: "MTN Play Music"})
	if err != nil || sub.Subscription == nil || sub.Subscription.ID != "9" {
		t.Fatalf("subscribe: %v %+v", err, sub)
	}
	pend, err := c.Subscriptions.Subscribe(ctx, sandbox.AsyncCustomer, upstream.SubscribeRequest{SubscriptionID: "11", ProviderID: "202", Name: "Video"})
	if err != nil || pend.Pending == nil || pend.Pending.StatusID == "" || pend.Pending.Status != "Pending" {
		t.Fatalf("async subscribe: %v %+v", err, pend)
	}
	st, err := c.Subscriptions.Status(ctx, sandbox.AsyncCustomer, "11", "202", pend.Pending.StatusID)
	if err != nil || st.Status != "Pending" {
		t.Fatalf("status: %v %+v", err, st)
	}
	un, err := c.Subscriptions.Unsubscribe(ctx, h, "9", "202")
	if err != nil || un.SubscriptionID != "9" || un.Status != "Unsubscribe successful" {
		t.Fatalf("unsubscribe: %v %+v", err, un)
	}
	all, err := c.Subscriptions.UnsubscribeAll(ctx, h, "101", "")
	if err != nil || all.ProviderID != "101" {
		t.Fatalf("unsubscribe all: %v %+v", err, all)
	}
	ah, err := c.Accountholders.Get(ctx, h, true)
	if err != nil || ah.Status != "ACTIVE" || ah.Offnet == nil || len(ah.Fris) != 1 {
		t.Fatalf("accountholder: %v %+v", err, ah)
	}
	v, err := c.Accountholders.Validate(ctx, sandbox.BlockedCustomer)
	if err != nil || v.IsValid == nil || *v.IsValid {
		t.Fatalf("validate: %v %+v", err, v)
	}
	ver, err := c.Accountholders.Verify(ctx, h, upstream.VerifyRequest{Identity: []upstream.Identity{{Type: "MSISDN", Value: h}}})
	if err != nil || ver.IsValid == nil || !*ver.IsValid {
		t.Fatalf("verify: %v %+v", err, ver)
	}

	calls := f.sb.Calls()
	for _, op := range []string{"profiles.getCustomer", "plans.getPlans", "plans.getPlan", "plans.refill", "plans.requestPremium",
		"subscriptions.list", "subscriptions.get", "subscriptions.providers", "subscriptions.status", "subscriptions.unsubscribe",
		"subscriptions.unsubscribeAll", "accountholders.get", "accountholders.validate", "accountholders.verify"} {
		if calls[op] != 1 {
			t.Errorf("%s called %d times, want 1", op, calls[op])
		}
	}
	if calls["subscriptions.subscribe"] != 2 || calls["oauth.token"] != 1 {
		t.Errorf("subscribe %d, token %d", calls["subscriptions.subscribe"], calls["oauth.token"])
	}
	for _, e := range f.sb.Log() {
		if e.Op != "oauth.token" && e.TransactionID != "ops-test-01" {
			t.Errorf("%s carried transactionId %q", e.Op, e.TransactionID)
		}
	}
}

func TestPartialAnswersAreValues(t *testing.T) {
	f := newFixture(t, sandbox.Options{}, nil)
	ctx := ctxWith("partial-01")
	p, err := f.client.Profiles.Get(ctx, sandbox.PartialProfileCustomer, upstream.PropsetFull)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Missing, ",") != "plans,kyc" || p.Location == nil || p.Loans == nil {
		t.Errorf("missing %v, location %v", p.Missing, p.Location)
	}
	pl, err := f.client.Plans.Get(ctx, sandbox.PartialPlansCustomer, upstream.PlansQuery{})
	if err != nil || !pl.BalancesMissing || deref(pl.TariffPlan) == "" {
		t.Errorf("plans 207: %v %+v", err, pl)
	}
	l, err := f.client.Subscriptions.List(ctx, sandbox.PartialProfileCustomer, "")
	if err != nil || len(l.Providers) != 2 || l.Providers[0].Missing || !l.Providers[1].Missing {
		t.Errorf("subscriptions 207: %v %+v", err, l)
	}
}

func TestKinds(t *testing.T) {
	// No case depends on the machine's speed: the huge body is four times
	// the cap (it is refused at the cap, not by a slow read), and the slow
	// scenarios never answer, so only the client's timeout can end them.
	f := newFixture(t, sandbox.Options{HugeBodyBytes: 1 << 20}, func(c *upstream.Config) {
		c.Timeout = 30 * time.Second
		c.MaxBodyBytes = 256 << 10
		c.MaxRetryAfter = 10 * time.Millisecond // so the always-429 customer is not retried
		c.BreakerMinCalls = 1000
	})
	slow := newFixture(t, sandbox.Options{SlowDelay: time.Hour}, func(c *upstream.Config) {
		c.Timeout = 100 * time.Millisecond
		c.MaxRetries = 0
		c.BreakerMinCalls = 1000
	})
	ctx := ctxWith("kinds-test-1")
	c := f.client
	cases := []struct {
		name string
		call func() error
		want upstream.Kind
	}{
		{"not found", func() error {
			_, err := c.Profiles.Get(ctx, sandbox.NotFoundCustomer, upstream.PropsetBasic)
			return err
		}, upstream.KindNotFound},
		{"invalid", func() error { _, err := c.Subscriptions.Get(ctx, sandbox.HappyCustomer, "4", ""); return err }, upstream.KindInvalid},
		{"rate limited", func() error {
			_, err := c.Plans.Get(ctx, sandbox.RateLimitedCustomer, upstream.PlansQuery{})
			return err
		}, upstream.KindRateLimited},
		{"unavailable 500", func() error { _, err := c.Plans.Get(ctx, sandbox.PlansDownCustomer, upstream.PlansQuery{}); return err }, upstream.KindUnavailable},
		{"unavailable timeout", func() error { _, err := slow.client.Subscriptions.List(ctx, sandbox.SlowCustomer, ""); return err }, upstream.KindUnavailable},
		{"bad response truncated", func() error {
			_, err := c.Profiles.Get(ctx, sandbox.TruncatedCustomer, upstream.PropsetFull)
			return err
		}, upstream.KindBadResponse},
		{"bad response huge", func() error {
			_, err := c.Profiles.Get(ctx, sandbox.HugeBodyCustomer, upstream.PropsetFull)
			return err
		}, upstream.KindBadResponse},
		{"outcome unknown", func() error {
			_, err := slow.client.Plans.Refill(ctx, sandbox.SlowRefillCustomer, upstream.RefillRequest{RefillType: "voucher", VoucherActivationCode: "1"})
			return err
		}, upstream.KindOutcomeUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if got := kindOf(t, err); got != tc.want {
				t.Fatalf("kind %v, want %v (%v)", got, tc.want, err)
			}
			var e *upstream.Error
			errors.As(err, &e)
			if e.TransactionID != "kinds-test-1" || e.API == "" || e.Op == "" {
				t.Errorf("error lacks context: %+v", e)
			}
		})
	}
	t.Run("rate limited carries Retry-After", func(t *testing.T) {
		_, err := c.Plans.Get(ctx, sandbox.RateLimitedCustomer, upstream.PlansQuery{})
		var e *upstream.Error
		if !errors.As(err, &e) || e.RetryAfter != time.Second || e.HTTPStatus != 429 {
			t.Errorf("%+v", e)
		}
	})
	t.Run("unauthorized", func(t *testing.T) {
		bad := newFixture(t, sandbox.Options{}, func(c *upstream.Config) { c.APIKey = "wrong"; c.ClientSecret = "wrong" })
		_, err := bad.client.Plans.Get(ctx, sandbox.HappyCustomer, upstream.PlansQuery{})
		if kindOf(t, err) != upstream.KindUnauthorized {
			t.Errorf("plans: %v", err)
		}
		_, err = bad.client.Accountholders.Get(ctx, sandbox.HappyCustomer, false)
		if kindOf(t, err) != upstream.KindUnauthorized {
			t.Errorf("accountholders: %v", err)
		}
	})
}

// counting wraps a handler and counts requests per method+path prefix.
type counting struct {
	h     http.Handler
	mu    sync.Mutex
	count map[string]int
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.count[r.Method+" "+r.URL.Path]++
	c.mu.Unlock()
	c.h.ServeHTTP(w, r)
}

func (c *counting) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[k]
}

func newClientFor(t *testing.T, h http.Handler, tweak func(*upstream.Config)) (*upstream.Client, *syncBuffer) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := sandboxConfig(srv.URL)
	if tweak != nil {
		tweak(&cfg)
	}
	logs := &syncBuffer{}
	c, err := upstream.New(cfg, upstream.Options{Logger: zerolog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	return c, logs
}

func TestWritesAreSentExactlyOnce(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    upstream.Kind
	}{
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body) // then net/http notices the client hang up
			<-r.Context().Done()               // never answers
		}, upstream.KindOutcomeUnknown},
		{"500", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"statusCode":"5000","statusMessage":"boom"}`))
		}, upstream.KindOutcomeUnknown}, // the API may have committed before failing
		{"503 with Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
		}, upstream.KindOutcomeUnknown},
		{"400: the API said no", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"statusCode":"4000","statusMessage":"bad voucher"}`))
		}, upstream.KindInvalid},
		{"307 redirect", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(307)
		}, upstream.KindOutcomeUnknown},
		{"999", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(999) }, upstream.KindOutcomeUnknown},
		{"undecodable 200", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"data":`)) }, upstream.KindOutcomeUnknown},
		{"504 from a gateway", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(504) }, upstream.KindOutcomeUnknown},
		{"connection dropped after the request", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, upstream.KindOutcomeUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &counting{h: tc.handler, count: map[string]int{}}
			c, _ := newClientFor(t, h, func(c *upstream.Config) { c.Timeout = 100 * time.Millisecond })
			ctx := ctxWith("once-test-01")
			_, err := c.Plans.Refill(ctx, "27831000001", upstream.RefillRequest{RefillType: "voucher", VoucherActivationCode: "1"})
			if got := kindOf(t, err); got != tc.want {
				t.Errorf("refill kind %v, want %v: %v", got, tc.want, err)
			}
			_, err = c.Plans.RequestPremium(ctx, "27831000001", upstream.PremiumRequest{TransactionID: "x"})
			if got := kindOf(t, err); got != tc.want {
				t.Errorf("premium kind %v, want %v: %v", got, tc.want, err)
			}
			if n := h.get("PATCH /plans/v2/customers/27831000001/plans/refill"); n != 1 {
				t.Errorf("refill sent %d times", n)
			}
			if n := h.get("POST /plans/v2/customers/27831000001/plans"); n != 1 {
				t.Errorf("premium sent %d times", n)
			}
		})
	}
}

func TestReadsAreRetried(t *testing.T) {
	t.Run("429 with Retry-After is retried once", func(t *testing.T) {
		f := newFixture(t, sandbox.Options{}, nil)
		start := time.Now()
		p, err := f.client.Plans.Get(ctxWith("retry-test-1"), sandbox.RateLimitedOnce, upstream.PlansQuery{})
		if err != nil || deref(p.TariffPlan) == "" {
			t.Fatalf("%v %+v", err, p)
		}
		if n := f.sb.Calls()["plans.getPlans"]; n != 2 {
			t.Errorf("calls %d, want 2", n)
		}
		if time.Since(start) < time.Second {
			t.Errorf("Retry-After not honoured")
		}
		if !strings.Contains(f.logs.String(), `"attempts":2`) {
			t.Errorf("log lacks attempts: %s", f.logs.String())
		}
	})
	t.Run("5xx GET is retried at most twice", func(t *testing.T) {
		f := newFixture(t, sandbox.Options{}, nil)
		_, err := f.client.Plans.Get(ctxWith("retry-test-2"), sandbox.PlansDownCustomer, upstream.PlansQuery{})
		if kindOf(t, err) != upstream.KindUnavailable || f.sb.Calls()["plans.getPlans"] != 3 {
			t.Errorf("%v, calls %d", err, f.sb.Calls()["plans.getPlans"])
		}
	})
	t.Run("no retry past the caller's deadline", func(t *testing.T) {
		f := newFixture(t, sandbox.Options{}, nil)
		ctx, cancel := context.WithTimeout(ctxWith("retry-test-3"), 300*time.Millisecond)
		defer cancel()
		_, err := f.client.Plans.Get(ctx, sandbox.RateLimitedOnce, upstream.PlansQuery{})
		if kindOf(t, err) != upstream.KindRateLimited || f.sb.Calls()["plans.getPlans"] != 1 {
			t.Errorf("%v, calls %d", err, f.sb.Calls()["plans.getPlans"])
		}
	})
}

// TestRetriesFitTheDeadline: a retry is only sent when the time left could
// hold another attempt as long as the failed one, so a slow, failing API
// costs one attempt, not a second cut off by the deadline.
func TestRetriesFitTheDeadline(t *testing.T) {
	f := newFixture(t, sandbox.Options{}, nil)
	// The fault: plans takes 100 ms, then answers 503, on every call.
	f.sb.SetLatency(sandbox.Plans, 100*time.Millisecond)
	f.sb.Inject("plans.getPlans", sandbox.Fault{Status: 503})
	ctx, cancel := context.WithTimeout(ctxWith("budget-test-1"), 150*time.Millisecond)
	defer cancel()
	_, err := f.client.Plans.Get(ctx, sandbox.HappyCustomer, upstream.PlansQuery{})
	if kindOf(t, err) != upstream.KindUnavailable {
		t.Errorf("%v", err)
	}
	if n := f.sb.Calls()["plans.getPlans"]; n != 1 {
		t.Errorf("%d attempts; 50 ms left could not fit a 100 ms one", n)
	}
}

func TestTokens(t *testing.T) {
	t.Run("concurrent calls share one token fetch", func(t *testing.T) {
		f := newFixture(t, sandbox.Options{}, nil)
		var wg sync.WaitGroup
		var failures atomic.Int32
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.client.Accountholders.Get(ctxWith("token-test-1"), sandbox.HappyCustomer, false); err != nil {
					failures.Add(1)
				}
			}()
		}
		wg.Wait()
		if failures.Load() != 0 || f.sb.Calls()["oauth.token"] != 1 {
			t.Errorf("failures %d, token fetches %d", failures.Load(), f.sb.Calls()["oauth.token"])
		}
	})
	t.Run("a revoked token is refreshed once", func(t *testing.T) {
		f := newFixture(t, sandbox.Options{}, nil)
		ctx := ctxWith("token-test-2")
		if _, err := f.client.Accountholders.Get(ctx, sandbox.HappyCustomer, false); err != nil {
			t.Fatal(err)
		}
		f.sb.RevokeTokens()
		if _, err := f.client.Accountholders.Get(ctx, sandbox.HappyCustomer, false); err != nil {
			t.Fatal(err)
		}
		calls := f.sb.Calls()
		if calls["oauth.token"] != 2 || calls["accountholders.get"] != 3 {
			t.Errorf("token fetches %d, gets %d", calls["oauth.token"], calls["accountholders.get"])
		}
	})
	t.Run("an expired token is replaced before use", func(t *testing.T) {
		// oauth2 treats tokens expiring within 10 s as expired, so a 5 s TTL
		// makes every call fetch anew: once per call, never more.
		f := newFixture(t, sandbox.Options{TokenTTL: 5 * time.Second}, nil)
		ctx := ctxWith("token-test-3")
		for range 2 {
			if _, err := f.client.Accountholders.Validate(ctx, sandbox.HappyCustomer); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.sb.Calls()["oauth.token"]; n != 2 {
			t.Errorf("token fetches %d, want 2", n)
		}
	})
}

func TestNoSecretsInLogsOrErrors(t *testing.T) {
	secrets := []string{sandbox.APIKey, sandbox.ClientSecret, "ecw-user-credential"}
	f := newFixture(t, sandbox.Options{SlowDelay: 300 * time.Millisecond}, func(c *upstream.Config) { c.Timeout = 100 * time.Millisecond })
	ctx := ctxWith("secret-test-1")
	var errs []error
	collect := func(_ any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	collect(f.client.Profiles.Get(ctx, sandbox.HappyCustomer, upstream.PropsetFull))
	collect(f.client.Plans.Get(ctx, sandbox.HappyCustomer, upstream.PlansQuery{}))
	collect(f.client.Plans.Get(ctx, sandbox.NotFoundCustomer, upstream.PlansQuery{}))
	collect(f.client.Accountholders.Get(ctx, sandbox.HappyCustomer, false))
	collect(f.client.Subscriptions.List(ctx, sandbox.SlowCustomer, ""))
	bad := newFixture(t, sandbox.Options{}, func(c *upstream.Config) { c.ClientSecret = "s3cr3t-wrong"; c.APIKey = "key-wrong" })
	collect(bad.client.Accountholders.Get(ctx, sandbox.HappyCustomer, false))
	collect(bad.client.Plans.Get(ctx, sandbox.HappyCustomer, upstream.PlansQuery{}))
	if len(errs) < 4 {
		t.Fatalf("expected failures, got %v", errs)
	}
	logs := f.logs.String() + bad.logs.String()
	if strings.Count(logs, `"upstream call"`) < 7 {
		t.Fatalf("too few log lines: %s", logs)
	}
	for _, s := range append(secrets, "s3cr3t-wrong", "key-wrong") {
		if strings.Contains(logs, s) {
			t.Errorf("log holds secret %q", s)
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error holds secret %q: %v", s, err)
			}
		}
	}
}

func TestTransactionIDs(t *testing.T) {
	cases := map[string]bool{"abcde": true, "ABC+/=-123": true, "abcd": false, "a-very-long-transaction-id": false, "has space": false}
	for id, want := range cases {
		if upstream.ValidTransactionID(id) != want {
			t.Errorf("%q valid = %v", id, !want)
		}
	}
	got := upstream.TransactionID(request.With(context.Background(), &request.State{TransactionID: "bad id"}))
	if !upstream.ValidTransactionID(got) || got == "bad id" {
		t.Errorf("generated id %q", got)
	}
}

// TestHeadersSent: every call carries the transactionId; the end user's
// X-Authorization goes only to the operations whose spec takes it; the
// facade's key or token goes where each spec asks.
func TestHeadersSent(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	var mu sync.Mutex
	seen := map[string]http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, err := upstream.New(sandboxConfig(srv.URL), upstream.Options{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxWith("headers-test")
	h := sandbox.HappyCustomer
	_, _ = c.Profiles.Get(ctx, h, upstream.PropsetBasic)
	_, _ = c.Plans.Get(ctx, h, upstream.PlansQuery{})
	_, _ = c.Plans.Refill(ctx, h, upstream.RefillRequest{RefillType: "voucher", VoucherActivationCode: "1"})
	_, _ = c.Subscriptions.List(ctx, h, "")
	_, _ = c.Accountholders.Get(ctx, h, false)
	_, _ = c.Accountholders.Validate(ctx, h)
	cases := []struct {
		key                 string
		authz, apiKey, bear bool
	}{
		{"GET /profiles/v1/customers/" + h, false, true, false},
		{"GET /plans/v2/customers/" + h + "/plans", true, true, false},
		{"PATCH /plans/v2/customers/" + h + "/plans/refill", false, true, false},
		{"GET /subscriptions/v2/customers/" + h + "/subscriptions", false, true, false},
		{"GET /accountholders/v1/accountholders/" + h, true, false, true},
		{"GET /accountholders/v1/accountholders/" + h + "/validate", true, false, true},
	}
	for _, tc := range cases {
		hd, ok := seen[tc.key]
		if !ok {
			t.Errorf("%s: not called", tc.key)
			continue
		}
		if hd.Get("transactionId") != "headers-test" {
			t.Errorf("%s: transactionId %q", tc.key, hd.Get("transactionId"))
		}
		if got := hd.Get("X-Authorization") == "ecw-user-credential"; got != tc.authz {
			t.Errorf("%s: X-Authorization forwarded = %v, want %v", tc.key, got, tc.authz)
		}
		if got := hd.Get("X-API-Key") != ""; got != tc.apiKey {
			t.Errorf("%s: X-API-Key sent = %v, want %v", tc.key, got, tc.apiKey)
		}
		if got := strings.HasPrefix(hd.Get("Authorization"), "Bearer "); got != tc.bear {
			t.Errorf("%s: bearer token sent = %v, want %v", tc.key, got, tc.bear)
		}
	}
	if hd := seen["PATCH /plans/v2/customers/"+h+"/plans/refill"]; hd.Get("sourceSystemId") != "test" || hd.Get("Idempotency-Key") != "" {
		t.Errorf("refill headers: %v", hd)
	}
}

func TestGeneratedTransactionIDsAreValid(t *testing.T) {
	for range 10000 {
		if id := upstream.NewTransactionID(); !upstream.ValidTransactionID(id) {
			t.Fatalf("generated %q", id)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
