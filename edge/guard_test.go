package edge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"customergraph/limits"
	"customergraph/sandbox"
)

func ptr[T any](v T) *T { return &v }

// production turns a test graph into "real APIs" mode (the sandbox still
// stands in for them).
func production(extra func(*Config)) func(*Config) {
	return func(c *Config) {
		c.sandbox = false
		c.AllowAnonymous = ptr(true)
		if extra != nil {
			extra(c)
		}
	}
}

func hashKey(k string) []byte { h := sha256.Sum256([]byte(k)); return h[:] }

func post(t *testing.T, url, body string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestClientKeys(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.clients = []clientKey{{name: "bff-web", hash: hashKey("k3y-for-bff-web")}}
	})
	cases := []struct {
		name, auth, body string
		want             int
	}{
		{"no key, malformed body: refused before parsing", "", `{"query": `, 401},
		{"wrong key", "Bearer nope", `{"query": "{ __typename }"}`, 401},
		{"not a bearer", "Basic azN5", `{"query": "{ __typename }"}`, 401},
		{"right key", "Bearer k3y-for-bff-web", `{"query": "{ __typename }"}`, 200},
	}
	for _, tc := range cases {
		resp, body := post(t, g.url+"/graphql", tc.body, "Authorization", tc.auth)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.name, resp.StatusCode, tc.want, body)
		}
		if tc.want == 401 && (!strings.Contains(body, "UNAUTHENTICATED") || resp.Header.Get("WWW-Authenticate") == "") {
			t.Errorf("%s: %s", tc.name, body)
		}
	}
	if !strings.Contains(g.logs.String(), `"client":"bff-web"`) {
		t.Error("access log lacks the client name")
	}
	if logs := g.logs.String(); strings.Contains(logs, "k3y-for-bff-web") || strings.Contains(logs, hex.EncodeToString(hashKey("k3y-for-bff-web"))) {
		t.Error("the key or its hash is in the logs")
	}
}

func TestCORS(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.CORSOrigins = []string{"https://app.example.com"} })
	preflight := func(origin string) http.Header {
		req, _ := http.NewRequest("OPTIONS", g.url+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-request-id")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header
	}
	if h := preflight("https://app.example.com"); h.Get("Access-Control-Allow-Origin") != "https://app.example.com" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("allowed origin: %v", h)
	}
	if h := preflight("https://evil.example.com"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", h)
	}
	if _, err := LoadConfig(func(k string) string {
		return map[string]string{"GRAPH_CORS_ORIGINS": "*", "GRAPH_CORS_CREDENTIALS": "true"}[k]
	}); err == nil {
		t.Error("wildcard with credentials accepted")
	}
}

func TestProductionDefaults(t *testing.T) {
	prod := newTestGraph(t, sandbox.Options{}, production(nil))
	dev := newTestGraph(t, sandbox.Options{}, nil)
	intro := `{ __schema { queryType { name } } }`
	if r := prod.query(intro, nil); len(r.Errors) == 0 || r.Errors[0].code() != "INTROSPECTION_DISABLED" {
		t.Errorf("introspection in production: %+v", r)
	}
	if r := dev.query(intro, nil); at(r.Data, "__schema.queryType.name") != "Query" {
		t.Errorf("introspection in sandbox mode: %+v", r)
	}
	typo := `{ customer(id: "27831000001") { locaton { country } } }`
	if r := prod.query(typo, nil); len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "Did you mean") {
		t.Errorf("suggestions in production: %+v", r.Errors)
	}
	if r := dev.query(typo, nil); len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "Did you mean") {
		t.Errorf("no suggestions in sandbox mode: %+v", r.Errors)
	}
	if prod.calls()["total"]+dev.calls()["total"] != 0 {
		t.Error("upstream called")
	}
	// Real APIs with neither client keys nor an explicit opt-out do not start.
	cfg, _ := LoadConfig(func(string) string { return "" })
	cfg.UseSandbox("http://127.0.0.1:1")
	cfg.sandbox = false
	if err := cfg.check(); err == nil || !strings.Contains(err.Error(), "GRAPH_CLIENT_KEYS") {
		t.Errorf("check: %v", err)
	}
}

func TestRequestDeadlineReachesUpstream(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.RequestTimeout = 2 * time.Second })
	never := make(chan struct{}) // the list is held until the deadline cuts it
	t.Cleanup(func() { close(never) })
	g.sb.Inject("subscriptions.list", sandbox.Fault{Hold: never})
	r := g.query(`{ customer(id: "27831000001") { location { country } subscriptions { providerId } } }`, nil)
	if e := r.errorAt("customer.subscriptions"); e == nil || e.code() != "UPSTREAM_UNAVAILABLE" {
		t.Errorf("%+v", r.Errors)
	}
	if at(r.Data, "customer.location.country") != "ZA" {
		t.Errorf("the fast part was lost: %v", r.Data)
	}
	if n := g.calls()["subscriptions.list"]; n != 1 {
		t.Errorf("subscriptions called %d times: no retry fits in the deadline", n)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	g.sb.Inject("plans.getPlans", sandbox.Fault{Status: 500})
	g.query(fixture(t, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer})
	g.query(`query Overview { customer(id: "27831000004") { location { country } } }`, nil)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := http.Get(g.url + path)
		if err != nil || resp.StatusCode != want {
			t.Errorf("%s: %v %v", path, err, resp)
		}
	}
	resp, err := http.Get(g.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(b)
	for _, series := range []string{
		`upstream_calls_total{api="plans",op="plans.getPlans",status="500"} 1`,
		`upstream_calls_total{api="profiles",op="profiles.getCustomer",status="200"} 1`,
		`upstream_call_duration_seconds_count{api="accountholders",op="accountholders.get"}`,
		`upstream_retries_total{api="plans",op="plans.getPlans"} 2`,
		`graph_errors_total{code="UPSTREAM_UNAVAILABLE"} 1`,
		`graph_errors_total{code="NOT_FOUND"} 1`,
		`graph_requests_total{operation="CustomerFull",outcome="partial"} 1`,
		`graph_requests_total{operation="Overview",outcome="partial"} 1`,
		`upstream_breaker_state{api="plans"} 0`,
		`loader_batch_size_count{loader="profile"}`,
	} {
		if !strings.Contains(text, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	var line map[string]any
	for _, l := range strings.Split(g.logs.String(), "\n") {
		if strings.Contains(l, `"graphql request"`) && strings.Contains(l, "CustomerFull") {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	if line["upstreamCalls"] != float64(6) || line["outcome"] != "partial" || line["transactionId"] == "" || line["client"] != "anonymous" {
		t.Errorf("access log line: %v", line)
	}
}

// TestNoSecretInLogsOrMetrics runs a workload with known secrets configured
// and searches every log line and the metrics for them.
func TestNoSecretInLogsOrMetrics(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.clients = []clientKey{{name: "bi", hash: hashKey("client-key-s3cr3t")}}
	})
	secrets := []string{sandbox.APIKey, sandbox.ClientSecret, "client-key-s3cr3t", "end-user-ecw-s3cr3t"}
	auth := []string{"Authorization", "Bearer client-key-s3cr3t", "X-Authorization", "end-user-ecw-s3cr3t"}
	g.query(fixture(t, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer}, auth...)
	g.sb.Inject("profiles.getCustomer", sandbox.Fault{Body: `{"data":{"msisdn":"2783`, Times: 1}) // cut in the middle
	g.query(fixture(t, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer}, auth...)
	g.sb.Inject("plans.getPlans", sandbox.Fault{Status: 500})
	g.query(`{ customer(id: "27831000001") { plans { tariffPlan } } }`, nil, auth...)
	g.sb.Clear("plans.getPlans")
	g.query(`mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHER, voucherActivationCode: "1"}) { refill { amount { amount } } } }`, nil, auth...)
	g.query(`{ __typename }`, nil, "Authorization", "Bearer wrong-"+sandbox.APIKey)
	g.sb.RevokeTokens()
	g.query(`{ accountholder(id: "27831000001") { status } }`, nil, auth...)
	req, _ := http.NewRequest("GET", g.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer client-key-s3cr3t")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/metrics: %v %v", resp, err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	logs := g.logs.String()
	if strings.Count(logs, "upstream call") < 10 {
		t.Fatalf("workload too small: %s", logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("logs hold %q", s)
		}
		if strings.Contains(string(m), s) {
			t.Errorf("metrics hold %q", s)
		}
	}
}

// TestOpsEndpointsNeedAKeyOnThePublicPort: with client keys and no
// GRAPH_OPS_ADDR, what describes the process needs a key; the probes that
// load balancers call do not.
func TestOpsEndpointsNeedAKeyOnThePublicPort(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.clients = []clientKey{{name: "ops", hash: hashKey("ops-k3y")}}
		c.PProf = true
	})
	cases := []struct {
		path, key string
		want      int
	}{
		{"/healthz", "", 200},
		{"/readyz", "", 200},
		{"/metrics", "", 401},
		{"/metrics", "wrong", 401},
		{"/metrics", "ops-k3y", 200},
		{"/debug/pprof/", "", 401},
		{"/debug/pprof/cmdline", "", 401},
		{"/debug/pprof/", "ops-k3y", 200},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest("GET", g.url+tc.path, nil)
		if tc.key != "" {
			req.Header.Set("Authorization", "Bearer "+tc.key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s with key %q: %d, want %d", tc.path, tc.key, resp.StatusCode, tc.want)
		}
	}
}

// TestIntrospectionFitsTheLimits: GraphiQL's own introspection query must
// pass every default limit.
func TestIntrospectionFitsTheLimits(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	r := g.query(fixture(t, "introspection.graphql"), nil)
	if len(r.Errors) > 0 || at(r.Data, "__schema.queryType.name") != "Query" {
		t.Fatalf("%+v", r.Errors)
	}
}

// TestDefaultLimitsFitRealQueries: the configured defaults (read as the
// server reads them, not restated here) admit GraphiQL's introspection
// query and the full customer view.
func TestDefaultLimitsFitRealQueries(t *testing.T) {
	cfg, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ext := limits.New(limits.Limits{Tokens: cfg.MaxTokens, Depth: cfg.MaxDepth, Aliases: cfg.MaxAliases, Fields: cfg.MaxFields, Mutations: cfg.MaxMutations})
	for _, name := range []string{"introspection.graphql", "customer_full.graphql", "customers_list.graphql", "aliases.graphql"} {
		if err := ext.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: fixture(t, name)}); err != nil {
			t.Errorf("%s exceeds the default limits: %v", name, err)
		}
	}
}
