package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"customergraph/sandbox"
)

type client struct {
	t    *testing.T
	base string
}

func newSandbox(t *testing.T, opts sandbox.Options) (*sandbox.Server, *client) {
	t.Helper()
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, &client{t: t, base: srv.URL}
}

// do sends a request with the API key and a transactionId and decodes a JSON answer.
func (c *client) do(method, path, body string) (int, http.Header, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("X-API-Key", sandbox.APIKey)
	req.Header.Set("transactionId", "test-0001")
	if strings.HasPrefix(path, "/accountholders") {
		req.Header.Set("Authorization", "Bearer "+fetchToken(c.t, c.base))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, resp.Header, out
}

// heldLongerThan reports whether a client that waits d for path's answer
// gets none. The sandbox's delay is a lower bound on its answer, so with d
// well below it this holds however loaded the machine is: no clock is read.
func (c *client) heldLongerThan(path string, d time.Duration) bool {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	req.Header.Set("X-API-Key", sandbox.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		return false
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// at walks a decoded JSON value by keys and indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestScenarios(t *testing.T) {
	cases := []struct {
		name, method, path string
		status             int
		check              func(t *testing.T, h http.Header, body map[string]any)
	}{
		{"happy profile has every section", "GET", "/profiles/v1/customers/27831000001?propset=full", 200, func(t *testing.T, _ http.Header, b map[string]any) {
			for _, k := range []string{"locations", "plans", "loans", "account", "kyc", "devices", "transactions-summaries", "_links"} {
				if b[k] == nil {
					t.Errorf("missing %s", k)
				}
			}
			if n := len(at(b, "kyc").([]any)); n < 3 {
				t.Errorf("kyc entries %d, want ≥ 3", n)
			}
			if at(b, "loans", "data", "eligibility", "status") != "ELIGIBLE" {
				t.Errorf("eligibility: %v", at(b, "loans", "data", "eligibility"))
			}
			if at(b, "transactions-summaries", "data", "momo", "received", "time-periods", "6-months", "maxReceived") == nil {
				t.Error("hyphenated summary keys missing")
			}
		}},
		{"basic profile has links only", "GET", "/profiles/v1/customers/27831000001?propset=basic", 200, func(t *testing.T, _ http.Header, b map[string]any) {
			if b["kyc"] != nil || at(b, "locations", "data") != nil || at(b, "locations", "_link", "self", "href") == nil {
				t.Errorf("basic body: %v", b)
			}
		}},
		{"partial profile is 207 with plans and kyc null", "GET", "/profiles/v1/customers/27831000002?propset=full", 207, func(t *testing.T, _ http.Header, b map[string]any) {
			if _, ok := b["kyc"]; !ok || b["kyc"] != nil || at(b, "plans", "data") != nil || at(b, "locations", "data", "country") != "ZA" {
				t.Errorf("207 body: %v", b)
			}
		}},
		{"partial plans is 207 with balance null", "GET", "/plans/v2/customers/27831000003/plans", 207, func(t *testing.T, _ http.Header, b map[string]any) {
			if d := at(b, "data").(map[string]any); d["balance"] != nil || d["tariffPlan"] == nil {
				t.Errorf("207 body: %v", b)
			}
		}},
		{"not found profile", "GET", "/profiles/v1/customers/27831000004", 404, func(t *testing.T, _ http.Header, b map[string]any) {
			if _, ok := b["data"]; !ok {
				t.Errorf("404 body: %v", b)
			}
		}},
		{"not found subscriptions", "GET", "/subscriptions/v2/customers/27831000004/subscriptions", 404, nil},
		{"plans down answers 500", "GET", "/plans/v2/customers/27831000005/plans", 500, func(t *testing.T, _ http.Header, b map[string]any) {
			if b["statusCode"] != "5000" {
				t.Errorf("500 body: %v", b)
			}
		}},
		{"plans down leaves profiles alone", "GET", "/profiles/v1/customers/27831000005?propset=full", 200, nil},
		{"blocked accountholder", "GET", "/accountholders/v1/accountholders/27831000008", 200, func(t *testing.T, _ http.Header, b map[string]any) {
			if at(b, "data", "accountholderStatus") != "BLOCKED" {
				t.Errorf("status: %v", b)
			}
		}},
		{"blocked accountholder is not valid", "GET", "/accountholders/v1/accountholders/27831000008/validate", 200, func(t *testing.T, _ http.Header, b map[string]any) {
			if at(b, "data", "isValid") != false {
				t.Errorf("validate: %v", b)
			}
		}},
		{"odd dates", "GET", "/plans/v2/customers/27831000011/plans", 200, func(t *testing.T, _ http.Header, b map[string]any) {
			if at(b, "data", "offers", "startDate") != "20210205T16:08:08+0530" || at(b, "data", "balance", 0, "expiryDate") != "2019-12-31T12:00:00" {
				t.Errorf("dates: %v", at(b, "data"))
			}
		}},
		{"odd dates in subscriptions", "GET", "/subscriptions/v2/customers/27831000011/subscriptions", 200, func(t *testing.T, _ http.Header, b map[string]any) {
			if at(b, "services", "101", "data", "subscriptions", 0, "startDate") != "2019-04-30" {
				t.Errorf("dates: %v", b)
			}
		}},
		{"odd dates in summaries", "GET", "/profiles/v1/customers/27831000011?propset=full", 200, func(t *testing.T, _ http.Header, b map[string]any) {
			if at(b, "transactions-summaries", "data", "momo", "deposits", "lastDepositsDate") != "2017" {
				t.Errorf("dates: %v", b)
			}
		}},
		{"rate limited", "GET", "/plans/v2/customers/27831000012/plans", 429, func(t *testing.T, h http.Header, _ map[string]any) {
			if h.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q", h.Get("Retry-After"))
			}
		}},
		{"rate limited once: first call", "GET", "/plans/v2/customers/27831000013/plans", 429, nil},
		{"rate limited once: second call", "GET", "/plans/v2/customers/27831000013/plans", 200, nil},
		{"ordinary customer", "GET", "/plans/v2/customers/27832000123/plans", 200, nil},
		{"outside the ordinary range", "GET", "/plans/v2/customers/27832001000/plans", 404, nil},
		{"missing subscriptionProviderId", "DELETE", "/subscriptions/v2/customers/27831000001/subscriptions", 400, nil},
		{"missing refillType", "PATCH", "/plans/v2/customers/27831000001/plans/refill", 400, nil},
	}
	// Identical calls a subtest makes first, in its own sandbox.
	before := map[string]int{"rate limited once: second call": 1}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := newSandbox(t, sandbox.Options{SlowDelay: 300 * time.Millisecond, HugeBodyBytes: 2 << 20})
			body := ""
			if tc.method == "PATCH" {
				body = `{}`
			}
			for range before[tc.name] {
				c.do(tc.method, tc.path, body)
			}
			status, h, b := c.do(tc.method, tc.path, body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, b)
			}
			if tc.check != nil {
				tc.check(t, h, b)
			}
		})
	}
}

func TestSlowTruncatedAndHuge(t *testing.T) {
	_, c := newSandbox(t, sandbox.Options{SlowDelay: 200 * time.Millisecond, HugeBodyBytes: 3 << 20})
	if !c.heldLongerThan("/subscriptions/v2/customers/27831000006/subscriptions", 50*time.Millisecond) {
		t.Error("the slow customer answered before its delay")
	}
	if status, _, _ := c.do("GET", "/subscriptions/v2/customers/27831000006/subscriptions", ""); status != 200 {
		t.Fatalf("slow status %d", status)
	}

	resp, err := http.Get(c.base + "/profiles/v1/customers/27831000007?propset=full")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || json.Valid(raw) {
		t.Errorf("truncated: status %d, valid JSON %v", resp.StatusCode, json.Valid(raw))
	}

	resp, err = http.Get(c.base + "/profiles/v1/customers/27831000014?propset=full")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(raw) < 3<<20 || !json.Valid(raw) {
		t.Errorf("huge body: %d bytes, valid %v", len(raw), json.Valid(raw))
	}
}

func TestWritesChangeState(t *testing.T) {
	_, c := newSandbox(t, sandbox.Options{SlowDelay: 100 * time.Millisecond})
	airtime := func() string {
		_, _, b := c.do("GET", "/plans/v2/customers/27831000001/plans", "")
		return at(b, "data", "balance", 0, "balanceDetail", "activeValue").(string)
	}
	if got := airtime(); got != "268.61" {
		t.Fatalf("initial airtime %s", got)
	}
	status, _, b := c.do("PATCH", "/plans/v2/customers/27831000001/plans/refill", `{"refillType":"voucherless","refillProfileId":"P1","transactionAmount":"10.5"}`)
	if status != 200 || at(b, "data", "amount") != "10.50" {
		t.Fatalf("refill: %d %v", status, b)
	}
	if got := airtime(); got != "279.11" {
		t.Errorf("airtime after refill %s, want 279.11", got)
	}

	status, h, _ := c.do("POST", "/subscriptions/v2/customers/27831000001/subscriptions", `{"subscriptionId":"9","subscriptionProviderId":"202","subscriptionName":"MTN Play Music"}`)
	if status != 201 || !strings.Contains(h.Get("Location"), "/subscriptions/9?subscriptionProviderId=202") {
		t.Fatalf("subscribe: %d %q", status, h.Get("Location"))
	}
	if status, _, _ := c.do("GET", "/subscriptions/v2/customers/27831000001/subscriptions/9?subscriptionProviderId=202", ""); status != 200 {
		t.Fatalf("new subscription not found: %d", status)
	}
	if status, _, b := c.do("DELETE", "/subscriptions/v2/customers/27831000001/subscriptions/9?subscriptionProviderId=202", ""); status != 200 || b["subscriptionId"] != float64(9) {
		t.Fatalf("unsubscribe: %d %v", status, b)
	}
	if status, _, _ := c.do("GET", "/subscriptions/v2/customers/27831000001/subscriptions/9?subscriptionProviderId=202", ""); status != 404 {
		t.Fatalf("removed subscription still there: %d", status)
	}
}

func TestAsyncSubscribe(t *testing.T) {
	_, c := newSandbox(t, sandbox.Options{})
	status, h, b := c.do("POST", "/subscriptions/v2/customers/27831000009/subscriptions", `{"subscriptionId":"11","subscriptionProviderId":"202","subscriptionName":"MTN Play Video"}`)
	if status != 202 || b["status"] != "Pending" || b["subscriptionId"] != float64(11) {
		t.Fatalf("subscribe: %d %v", status, b)
	}
	loc := h.Get("Location")
	path := loc[strings.Index(loc, "/subscriptions/v2"):]
	var got []string
	for range 4 {
		_, _, b := c.do("GET", path, "")
		got = append(got, at(b, "services", "202", "data", "subscriptions", 0, "subscriptionStatus").(string))
	}
	if strings.Join(got, ",") != "Pending,Pending,Active,Active" {
		t.Errorf("polls: %v", got)
	}
}

func TestUnsubscribeAllCallsBack(t *testing.T) {
	sb, c := newSandbox(t, sandbox.Options{})
	var mu sync.Mutex
	var got []map[string]any
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		got = append(got, body)
		mu.Unlock()
	}))
	defer cb.Close()
	status, _, b := c.do("DELETE", "/subscriptions/v2/customers/27831000001/subscriptions?subscriptionProviderId=101", `{"callbackUrl":"`+cb.URL+`/cb"}`)
	if status != 200 || b["status"] != "Unsubscribe successful" {
		t.Fatalf("unsubscribe all: %d %v", status, b)
	}
	sb.WaitCallbacks()
	if len(got) != 1 || got[0]["subscriptionId"] != float64(4) || got[0]["status"] != "Unsubscribe successful" {
		t.Errorf("callbacks: %v", got)
	}
	if status, _, _ := c.do("DELETE", "/subscriptions/v2/customers/27831000001/subscriptions?subscriptionProviderId=202", `{"callbackUrl":"http://example.com/cb"}`); status != 400 {
		t.Errorf("non-loopback callback accepted: %d", status)
	}
}

func TestAuth(t *testing.T) {
	sb, c := newSandbox(t, sandbox.Options{})
	tok := fetchToken(t, c.base)
	get := func(path, key, token string) int {
		req, _ := http.NewRequest("GET", c.base+path, nil)
		if key != "" {
			req.Header.Set("X-API-Key", key)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("transactionId", "auth-test-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	cases := []struct {
		path, key, token string
		want             int
	}{
		{"/profiles/v1/customers/27831000001", "", "", 200},
		{"/plans/v2/customers/27831000001/plans", "wrong", "", 401},
		{"/plans/v2/customers/27831000001/plans", "", tok, 200},
		{"/plans/v2/customers/27831000001/plans/DATA1GB", "", tok, 401},
		{"/accountholders/v1/accountholders/27831000001", sandbox.APIKey, "", 401},
		{"/accountholders/v1/accountholders/27831000001", "", tok, 200},
		{"/subscriptions/v2/customers/27831000001/subscriptions", "", "forged", 401},
	}
	for _, tc := range cases {
		if got := get(tc.path, tc.key, tc.token); got != tc.want {
			t.Errorf("%s key=%q token=%v: %d, want %d", tc.path, tc.key, tc.token != "", got, tc.want)
		}
	}
	sb.RevokeTokens()
	if got := get("/accountholders/v1/accountholders/27831000001", "", tok); got != 401 {
		t.Errorf("revoked token accepted: %d", got)
	}
	resp, err := http.PostForm(c.base+"/oauth/token", map[string][]string{"grant_type": {"client_credentials"}, "client_id": {sandbox.ClientID}, "client_secret": {"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("bad secret: %d", resp.StatusCode)
	}
}

func TestHooks(t *testing.T) {
	sb, c := newSandbox(t, sandbox.Options{})
	c.do("GET", "/profiles/v1/customers/27831000001", "")
	c.do("GET", "/profiles/v1/customers/27831000001", "")
	c.do("GET", "/plans/v2/customers/27831000001/plans", "")
	resp, err := http.Get(c.base + "/_sandbox/calls")
	if err != nil {
		t.Fatal(err)
	}
	var calls map[string]int
	_ = json.NewDecoder(resp.Body).Decode(&calls)
	resp.Body.Close()
	if calls["profiles.getCustomer"] != 2 || calls["plans.getPlans"] != 1 || calls["total"] != 3 {
		t.Errorf("calls: %v", calls)
	}
	if log := sb.Log(); len(log) != 3 || log[0].TransactionID != "test-0001" || log[2].Op != "plans.getPlans" {
		t.Errorf("log: %+v", log)
	}

	req, _ := http.NewRequest("PUT", c.base+"/_sandbox/latency", strings.NewReader(`{"profiles":"150ms"}`))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("latency: %v %v", err, resp)
	}
	if !c.heldLongerThan("/profiles/v1/customers/27831000001", 40*time.Millisecond) {
		t.Error("latency not applied")
	}

	c.do("PATCH", "/plans/v2/customers/27831000001/plans/refill", `{"refillType":"voucher","voucherActivationCode":"1"}`)
	if resp, err := http.Post(c.base+"/_sandbox/reset", "", nil); err != nil || resp.StatusCode != 204 {
		t.Fatalf("reset: %v", err)
	}
	if calls := sb.Calls(); calls["total"] != 0 {
		t.Errorf("calls after reset: %v", calls)
	}
	_, _, b := c.do("GET", "/plans/v2/customers/27831000001/plans", "")
	if v := at(b, "data", "balance", 0, "balanceDetail", "activeValue"); v != "268.61" {
		t.Errorf("reset kept the refill: %v", v)
	}
}
