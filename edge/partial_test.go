package edge

import (
	"customergraph/globalid"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"customergraph/sandbox"
)

// customerFields are the fields of the full-view fixture under customer.
var customerFields = []string{"id", "location", "billingPlan", "loans", "accounts", "kyc", "devices",
	"transactionSummary", "plans", "subscriptions", "subscriptionProviders", "accountholder"}

var profileFields = []string{"location", "billingPlan", "loans", "accounts", "kyc", "devices", "transactionSummary"}

// TestPartialFailureContract pins, for every failing scenario customer,
// exactly which fields are null, which errors carry which paths and codes,
// and that everything else still answers.
func TestPartialFailureContract(t *testing.T) {
	// Nothing here depends on the machine's speed: the slow scenario never
	// answers (only the client's timeout ends it), and the huge body is
	// sixteen times the cap, refused at the cap rather than by a slow read.
	g := newTestGraph(t, sandbox.Options{SlowDelay: time.Hour, HugeBodyBytes: 1 << 20}, func(c *Config) {
		c.Upstream.Timeout = 2 * time.Second
		c.Upstream.MaxBodyBytes = 64 << 10
		c.Upstream.MaxRetries = 1
	})
	with := func(fields []string, code string) map[string]string {
		m := map[string]string{}
		for _, f := range fields {
			m["customer."+f] = code
		}
		return m
	}
	cases := []struct {
		name, id string
		// nulls maps each path that must be null to the code of its error.
		nulls map[string]string
		// extra checks on the data that did arrive.
		check func(t *testing.T, r *gqlResponse)
	}{
		{"happy", sandbox.HappyCustomer, nil, func(t *testing.T, r *gqlResponse) {
			if n := len(at(r.Data, "customer.kyc").([]any)); n != 3 {
				t.Errorf("kyc entries %d", n)
			}
			if at(r.Data, "customer.loans.eligibility.status") != "ELIGIBLE" || at(r.Data, "customer.plans.balances.4.momo.positiveReservations.amount") != "25.00" {
				t.Errorf("data: %v", at(r.Data, "customer.loans"))
			}
		}},
		{"partial profile", sandbox.PartialProfileCustomer, map[string]string{
			"customer.billingPlan": "UPSTREAM_PARTIAL", "customer.kyc": "UPSTREAM_PARTIAL", "customer.subscriptions.1.subscriptions": "UPSTREAM_PARTIAL"},
			func(t *testing.T, r *gqlResponse) {
				if at(r.Data, "customer.subscriptions.1.providerId") != "202" || at(r.Data, "customer.subscriptions.0.subscriptions.0.name") != "CallerTunez" {
					t.Errorf("subscriptions: %v", at(r.Data, "customer.subscriptions"))
				}
			}},
		{"partial plans", sandbox.PartialPlansCustomer, map[string]string{"customer.plans.balances": "UPSTREAM_PARTIAL"}, func(t *testing.T, r *gqlResponse) {
			if at(r.Data, "customer.plans.tariffPlan") == nil {
				t.Error("the rest of plans is lost")
			}
		}},
		// The customer itself is null: one error, not one per field.
		{"not found", sandbox.NotFoundCustomer, map[string]string{"customer": "NOT_FOUND"}, nil},
		{"plans down", sandbox.PlansDownCustomer, map[string]string{"customer.plans": "UPSTREAM_UNAVAILABLE"}, nil},
		{"slow subscriptions", sandbox.SlowCustomer, with([]string{"subscriptions", "subscriptionProviders"}, "UPSTREAM_UNAVAILABLE"), nil},
		{"truncated profile", sandbox.TruncatedCustomer, with(profileFields, "UPSTREAM_ERROR"), nil},
		{"huge profile", sandbox.HugeBodyCustomer, with(profileFields, "UPSTREAM_ERROR"), nil},
		{"rate limited", sandbox.RateLimitedCustomer, map[string]string{"customer.plans": "UPSTREAM_RATE_LIMITED"}, func(t *testing.T, r *gqlResponse) {
			if e := r.errorAt("customer.plans"); e == nil || at(e.Extensions, "upstream.retryAfter") != float64(1) {
				t.Errorf("retryAfter missing: %+v", e)
			}
		}},
		{"blocked accountholder", sandbox.BlockedCustomer, nil, func(t *testing.T, r *gqlResponse) {
			if at(r.Data, "customer.accountholder.status") != "BLOCKED" || at(r.Data, "customer.accountholder.validation.isValid") != false {
				t.Errorf("accountholder: %v", at(r.Data, "customer.accountholder"))
			}
		}},
		{"odd dates", sandbox.OddDatesCustomer, nil, func(t *testing.T, r *gqlResponse) {
			for path, want := range map[string]string{
				"customer.billingPlan.balances.0.expiryDate":                                   "2019-12-31T12:00:00",
				"customer.plans.offer.startDate":                                               "2021-02-05T16:08:08+05:30",
				"customer.subscriptions.0.subscriptions.0.startDate":                           "2019-04-30",
				"customer.transactionSummary.deposits.lastDate":                                "2017",
				"customer.transactionSummary.gsmActivity.lastMonth.lastDataBundlePurchaseDate": "2017",
			} {
				if got := at(r.Data, path); got != want {
					t.Errorf("%s = %v, want %s", path, got, want)
				}
			}
		}},
	}
	q := fixture(t, "customer_full.graphql")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := g.query(q, map[string]any{"id": tc.id}, "transactionId", "contract-"+tc.id[7:])
			// Every expected null is null, with exactly one error of the expected code.
			for path, code := range tc.nulls {
				if v := at(r.Data, path); v != nil {
					t.Errorf("%s should be null, is %v", path, v)
				}
				e := r.errorAt(path)
				if e == nil {
					t.Errorf("no error at %s; errors: %+v", path, r.Errors)
					continue
				}
				if e.code() != code {
					t.Errorf("%s: code %s, want %s (%s)", path, e.code(), code, e.Message)
				}
				if at(e.Extensions, "upstream.api") == nil || at(e.Extensions, "upstream.transactionId") != "contract-"+tc.id[7:] {
					t.Errorf("%s: extensions %v", path, e.Extensions)
				}
			}
			// No other error.
			var paths []string
			for _, e := range r.Errors {
				paths = append(paths, e.pathString())
				if _, ok := tc.nulls[e.pathString()]; !ok {
					t.Errorf("unexpected error at %s: %s %s", e.pathString(), e.code(), e.Message)
				}
			}
			sort.Strings(paths)
			if len(r.Errors) != len(tc.nulls) {
				t.Errorf("errors at %s; want %d", strings.Join(paths, ", "), len(tc.nulls))
			}
			// The whole body, pinned.
			golden(t, filepath.Join("testdata", "partial", strings.ReplaceAll(tc.name, " ", "-")+".json"), normalize(r))
			// Everything else is present.
			if _, gone := tc.nulls["customer"]; gone {
				return
			}
			if want := globalid.Encode(globalid.Customer, tc.id); at(r.Data, "customer.id") != want {
				t.Fatalf("customer.id = %v, want %s", at(r.Data, "customer.id"), want)
			}
			for _, f := range customerFields {
				if _, isNull := tc.nulls["customer."+f]; !isNull && at(r.Data, "customer."+f) == nil {
					t.Errorf("customer.%s is null but should have answered", f)
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from the server's answers")

// loopbackURL is the sandbox's address, a new port each run.
var loopbackURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// golden compares got with the file at path (or writes it, with -update);
// the sandbox's loopback address reads as http://sandbox.
func golden(t *testing.T, path, got string) {
	t.Helper()
	got = loopbackURL.ReplaceAllString(got, "http://sandbox")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if strings.TrimSpace(string(want)) != got {
		t.Errorf("the body differs from %s (go test -update rewrites it; review the diff):\n%s", path, got)
	}
}

// TestErrorsNeverLeakInternals checks that messages are the facade's own.
func TestErrorsNeverLeakInternals(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	r := g.query(`{ customer(id: "27831000005") { plans { tariffPlan } } }`, nil)
	e := r.errorAt("customer.plans")
	if e == nil || strings.Contains(e.Message, "billing system") || strings.Contains(e.Message, "5000") || !strings.Contains(e.Message, "plans API is unavailable") {
		t.Errorf("%+v", r.Errors)
	}
	if at(e.Extensions, "upstream.httpStatus") != float64(500) || at(e.Extensions, "upstream.op") != "plans.getPlans" {
		t.Errorf("extensions %v", e.Extensions)
	}
}
