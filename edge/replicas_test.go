package edge

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

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
	shared := func(c *Config) { c.RedisURL = url }
	a := newTestGraph(t, sandbox.Options{}, shared)
	b := newTestGraph(t, sandbox.Options{}, shared)
	// A document no other run has registered: the first ask must miss.
	doc := fmt.Sprintf(`query Replicas%d { customer(id: "27831000001") { msisdn } }`, time.Now().UnixNano())
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
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.RedisURL = "redis://127.0.0.1:1/0" })
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
	shared := func(c *Config) { c.RedisURL, c.StreamTimeout = url, 10*time.Second }
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

// ownRedis starts a redis-server of this test's own, to kill mid-test.
func ownRedis(t *testing.T) (url string, kill func()) {
	t.Helper()
	redisURL(t) // the same skip rule as the shared one
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("CG_REDIS_URL is set but redis-server is not on PATH")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	kill = func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(kill)
	waitFor(t, "redis-server to accept connections", func() bool {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return fmt.Sprintf("redis://127.0.0.1:%d/0", port), kill
}

// TestRedisKilledMidway: Redis dies under a running replica. Queries keep
// answering, persisted queries become misses, readiness says degraded and
// stays ready, and the replica's own callbacks still reach its streams.
func TestRedisKilledMidway(t *testing.T) {
	t.Parallel()
	url, kill := ownRedis(t)
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.RedisURL, c.StreamTimeout = url, 10*time.Second })
	doc := fmt.Sprintf(`query Killed%d { customer(id: "27831000001") { msisdn } }`, time.Now().UnixNano())
	hash := persisted.Hash(doc)
	if status, body := postJSON(t, g, map[string]any{"query": doc, "extensions": pq(hash)}); status != 200 || body != basicAnswer {
		t.Fatalf("registration: %d %s", status, body)
	}
	if status, body := postJSON(t, g, map[string]any{"extensions": pq(hash)}); status != 200 || body != basicAnswer {
		t.Fatalf("by hash, Redis up: %d %s", status, body)
	}
	// The fault: Redis dies.
	kill()
	if status, body := postJSON(t, g, map[string]any{"query": basicQuery}); status != 200 || body != basicAnswer {
		t.Errorf("a query, Redis down: %d %s", status, body)
	}
	notFound := `{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`
	if status, body := postJSON(t, g, map[string]any{"extensions": pq(hash)}); status != 200 || body != notFound {
		t.Errorf("by hash, Redis down: %d %s", status, body)
	}
	if status, body := readyz(t, g); status != 200 || !strings.Contains(body, "redis: degraded") {
		t.Errorf("readyz: %d %s", status, body)
	}
	r := g.query(`mutation { unsubscribeAll(input: {customerId: "27831000001", providerId: "101"}) { requestId expectedResults } }`, nil)
	reqID, _ := at(r.Data, "unsubscribeAll.requestId").(string)
	expected, _ := at(r.Data, "unsubscribeAll.expectedResults").(float64)
	if reqID == "" || expected < 1 {
		t.Fatalf("%+v", r)
	}
	g.sb.WaitCallbacks()
	n := 0
	sseStream(t, g.url, `subscription($id: String!) { unsubscribeAllResults(requestId: $id) { subscriptionId } }`,
		map[string]any{"id": reqID}, func(data string) {
			if strings.Contains(data, `"subscriptionId"`) {
				n++
			}
		})
	if n != int(expected) {
		t.Errorf("%d results delivered locally with Redis down, want %d", n, int(expected))
	}
}

// TestPersistedOnlyOnEveryReplica: replicas started with the same manifest
// and GRAPH_PERSISTED_ONLY refuse the same unregistered document, and
// sharing Redis does not let one replica's APQ registration through.
func TestPersistedOnlyOnEveryReplica(t *testing.T) {
	t.Parallel()
	url := redisURL(t)
	manifest := filepath.Join(t.TempDir(), "operations.json")
	list, _ := json.Marshal(map[string]string{persisted.Hash(basicQuery): basicQuery})
	if err := os.WriteFile(manifest, list, 0o600); err != nil {
		t.Fatal(err)
	}
	only := func(c *Config) { c.RedisURL, c.PersistedOperations, c.PersistedOnly = url, manifest, true }
	other := fmt.Sprintf(`query Unlisted%d { customer(id: "27831000002") { msisdn } }`, time.Now().UnixNano())
	for _, name := range []string{"A", "B"} {
		g := newTestGraph(t, sandbox.Options{}, only)
		for _, body := range []map[string]any{{"query": other, "extensions": pq(persisted.Hash(other))}, {"extensions": pq(persisted.Hash(other))}} {
			if status, got := postJSON(t, g, body); status != 200 || !strings.Contains(got, `"PERSISTED_QUERY_NOT_ALLOWED"`) || strings.Contains(got, `"data"`) {
				t.Errorf("replica %s: %d %s", name, status, got)
			}
		}
		if status, got := postJSON(t, g, map[string]any{"extensions": pq(persisted.Hash(basicQuery))}); status != 200 || got != basicAnswer {
			t.Errorf("replica %s, the listed operation: %d %s", name, status, got)
		}
		if n := g.calls()["total"]; n != 1 {
			t.Errorf("replica %s: %d upstream calls, want 1 (the listed operation's)", name, n)
		}
	}
}

// TestStreamLimitAcrossReplicas: GRAPH_MAX_STREAMS_PER_CLIENT bounds a
// client on all replicas together: with its one stream open on A, B
// refuses it another.
func TestStreamLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := redisURL(t)
	// A client of this test's own: parallel tests share the Redis.
	name, key := fmt.Sprintf("streams-%d", time.Now().UnixNano()), fmt.Sprintf("key-%d", time.Now().UnixNano())
	one := func(c *Config) {
		c.RedisURL, c.MaxStreamsPerClient, c.PollInterval = url, 1, time.Second
		c.clients = []clientKey{{name: name, hash: hashKey(key)}}
	}
	a := newTestGraph(t, sandbox.Options{}, one)
	b := newTestGraph(t, sandbox.Options{}, one)
	auth := []string{"Authorization", "Bearer " + key}
	r := a.query(`mutation { subscribe(input: {customerId: "27831000009", subscriptionId: "21", providerId: "202", name: "MTN Play Video"}) { pending { id } } }`, nil, auth...)
	id, _ := at(r.Data, "subscribe.pending.id").(string)
	if id == "" {
		t.Fatalf("%+v", r)
	}
	vars := map[string]any{"id": id}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sseStream(t, a.url, provisioning, vars, func(string) {}, auth...)
	}()
	waitFor(t, "the stream on A", func() bool { return a.app.streams.Live() == 1 })
	var refusal []string
	sseStream(t, b.url, provisioning, vars, func(data string) { refusal = append(refusal, data) }, auth...)
	if len(refusal) != 1 || !strings.Contains(refusal[0], "live subscriptions (GRAPH_MAX_STREAMS_PER_CLIENT)") {
		t.Errorf("B: %v, want one refusal", refusal)
	}
	<-done
	// A's stream is over: the client may open one on B again.
	waitFor(t, "A's slot to be given back", func() bool { return a.app.streams.Live() == 0 })
	if release, err := b.app.streams.Acquire(name); err != nil {
		t.Errorf("after A's stream ended, B: %v", err)
	} else {
		release()
	}
}

// TestPoisonedSharedEntryIsRefused: an entry written into Redis under
// another document's hash (here, a refill under the hash of a harmless
// query) is never run: the replica answers a miss, calls no API, and says
// why in its log.
func TestPoisonedSharedEntryIsRefused(t *testing.T) {
	t.Parallel()
	url := redisURL(t)
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.RedisURL = url })
	asked := fmt.Sprintf(`query Poisoned%d { customer(id: "27831000001") { msisdn } }`, time.Now().UnixNano())
	hash := persisted.Hash(asked)
	planted := `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1", amount: "50"}) { refill { statusMessage } } }`
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.Set(t.Context(), "cg:apq:"+hash, planted, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	notFound := `{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`
	if status, body := postJSON(t, g, map[string]any{"extensions": pq(hash)}); status != 200 || body != notFound {
		t.Errorf("by the poisoned hash: %d %s, want %s", status, body, notFound)
	}
	if n := g.calls()["total"]; n != 0 {
		t.Errorf("%d upstream calls: %v", n, g.calls())
	}
	if !strings.Contains(g.logs.String(), "not its hash's") {
		t.Errorf("no warning in the log:\n%s", g.logs.String())
	}
	// The client sends the document, as APQ clients do after a miss: the
	// right one replaces the planted entry.
	if status, body := postJSON(t, g, map[string]any{"query": asked, "extensions": pq(hash)}); status != 200 || body != basicAnswer {
		t.Errorf("re-registration: %d %s", status, body)
	}
	if got, _ := rdb.Get(t.Context(), "cg:apq:"+hash).Result(); got != asked {
		t.Errorf("Redis holds %q", got)
	}
}
