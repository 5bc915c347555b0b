package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"customergraph/persisted"
	"customergraph/sandbox"
)

// redisURL is the throwaway redis-server scripts/test.sh starts. Without
// it the tests that need one skip, unless CG_REDIS_REQUIRED says the run
// must have it (as the test script does).
func redisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("CG_REDIS_URL")
	if u == "" {
		if os.Getenv("CG_REDIS_REQUIRED") != "" {
			t.Fatal("CG_REDIS_REQUIRED is set but CG_REDIS_URL is not")
		}
		t.Skip("no redis-server: run scripts/test.sh, which starts one")
	}
	return u
}

// TestPersistedQueriesAcrossReplicas: a query registered on replica A is
// run by its hash alone on replica B, through the Redis they share.
func TestPersistedQueriesAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := redisURL(t)
	shared := func(c *config) { c.RedisURL = url }
	a := newTestGraph(t, sandbox.Options{}, shared)
	b := newTestGraph(t, sandbox.Options{}, shared)
	// A document no other run has registered: the first ask must miss.
	doc := fmt.Sprintf(`query Replicas%d { customer(id: "27831000001") { id } }`, time.Now().UnixNano())
	hash := persisted.Hash(doc)
	notFound := `{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`
	if status, body := postJSON(t, b, map[string]any{"extensions": pq(hash)}); status != 200 || body != notFound {
		t.Fatalf("B before registration: %d %s", status, body)
	}
	if status, body := postJSON(t, a, map[string]any{"query": doc, "extensions": pq(hash)}); status != 200 || body != basicAnswer {
		t.Fatalf("registration on A: %d %s", status, body)
	}
	if status, body := postJSON(t, b, map[string]any{"extensions": pq(hash)}); status != 200 || body != basicAnswer {
		t.Errorf("B by hash after A registered: %d %s, want %s", status, body, basicAnswer)
	}
	if status, body := readyz(t, b); status != 200 || !strings.Contains(body, "redis: ok") {
		t.Errorf("readyz: %d %s", status, body)
	}
}

// TestRedisDownDegrades: a replica whose Redis does not answer still
// answers every query; persisted queries are misses, and readiness says so
// without failing.
func TestRedisDownDegrades(t *testing.T) {
	t.Parallel()
	// The fault: nothing listens on port 1.
	g := newTestGraph(t, sandbox.Options{}, func(c *config) { c.RedisURL = "redis://127.0.0.1:1/0" })
	hash := persisted.Hash(basicQuery)
	if status, body := postJSON(t, g, map[string]any{"query": basicQuery, "extensions": pq(hash)}); status != 200 || body != basicAnswer {
		t.Errorf("a query with its document: %d %s", status, body)
	}
	notFound := `{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`
	if status, body := postJSON(t, g, map[string]any{"extensions": pq(hash)}); status != 200 || body != notFound {
		t.Errorf("the hash alone: %d %s", status, body)
	}
	if status, body := readyz(t, g); status != 200 || !strings.Contains(body, "redis: degraded") {
		t.Errorf("readyz: %d %s", status, body)
	}
	if !strings.Contains(g.logs.String(), "Redis") {
		t.Errorf("no warning logged:\n%s", g.logs.String())
	}
}

func readyz(t *testing.T, g *testGraph) (int, string) {
	t.Helper()
	resp, err := http.Get(g.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestCallbacksAcrossReplicas: the API's callbacks for an unsubscribe-all
// started on replica A land on replica B (the load balancer's choice);
// the client's stream on A still receives every result, through Redis,
// once each.
func TestCallbacksAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := redisURL(t)
	// A short stream timeout: a lost result ends the stream soon, short.
	shared := func(c *config) { c.RedisURL, c.StreamTimeout = url, 10*time.Second }
	a := newTestGraph(t, sandbox.Options{}, shared)
	b := newTestGraph(t, sandbox.Options{}, shared)
	// The fault a balancer makes: A's callback URLs point at B.
	a.app.callbacks.SetBaseURL(b.url)
	r := a.query(`mutation { unsubscribeAll(input: {customerId: "27831000001", providerId: "101"}) { requestId expectedResults } }`, nil)
	reqID, _ := at(r.Data, "unsubscribeAll.requestId").(string)
	expected, _ := at(r.Data, "unsubscribeAll.expectedResults").(float64)
	if reqID == "" || expected < 1 {
		t.Fatalf("%+v", r)
	}
	a.sb.WaitCallbacks()
	var results []string
	sseStream(t, a.url, `subscription($id: String!) { unsubscribeAllResults(requestId: $id) { subscriptionId providerId status } }`,
		map[string]any{"id": reqID}, func(data string) {
			if strings.Contains(data, `"subscriptionId"`) {
				results = append(results, data)
			}
		})
	if len(results) != int(expected) {
		t.Errorf("%d results on A, want %d: %v", len(results), int(expected), results)
	}
	for _, res := range results {
		if !strings.Contains(res, `"providerId":"101"`) || !strings.Contains(res, `"UNSUBSCRIBE_SUCCESSFUL"`) {
			t.Errorf("result %s", res)
		}
	}
	// A forged post on B, with the request id but not its token, is refused there.
	if got := postCallback(t, b.url+"/callback/delete-all-subscriptions/"+reqID+"?token=not-the-token",
		`{"subscriptionId": 4, "subscriptionProviderId": 101, "statusCode": 2000, "status": "Unsubscribe successful"}`, ""); got != 401 {
		t.Errorf("forged callback on B: %d, want 401", got)
	}
}
