package edge

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"customergraph/resolvers"
	"customergraph/sandbox"
)

// browser finds headless Chromium. scripts/test.sh installs it from Debian's
// packages and sets CG_BROWSER_REQUIRED=1, so CI cannot skip this test.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CG_BROWSER_REQUIRED") != "" {
		t.Fatal("no Chromium found; scripts/test.sh installs it")
	}
	t.Skip("no Chromium; run scripts/test.sh to install it")
	return ""
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser(t)),
		chromedp.NoSandbox,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1440, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	return ctx
}

// netWatch records every request the page makes and every failure.
type netWatch struct {
	mu       sync.Mutex
	urls     []string
	failures []string
}

func (n *netWatch) listen(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		n.mu.Lock()
		defer n.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			n.urls = append(n.urls, e.Request.URL)
		case *network.EventLoadingFailed:
			n.failures = append(n.failures, e.Type.String()+" "+e.ErrorText)
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				n.failures = append(n.failures, e.Response.URL+" "+e.Response.StatusText)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
}

// poll waits until a JavaScript expression is truthy; on timeout it saves
// a screenshot of what the page showed instead.
func poll(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[any](expr, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		if shot, serr := chromedp.Run(ctx, chromedp.CaptureScreenshot()); serr == nil {
			_ = os.MkdirAll("test-output", 0o755)
			_ = os.WriteFile(filepath.Join("test-output", "playground-failure.png"), shot, 0o644)
		}
		t.Fatalf("waiting for %s: %v (screenshot: test-output/playground-failure.png)", expr, err)
	}
}

func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPlaygroundInABrowser(t *testing.T) {
	ctx := newBrowser(t)
	g := newTestGraph(t, sandbox.Options{}, nil)
	var watch netWatch
	watch.listen(t, ctx)

	step(t, ctx, "load the page", chromedp.Navigate(g.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-container")),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")))
	poll(t, ctx, `document.querySelectorAll('.graphiql-tab').length >= 6`)
	// GraphiQL ignores a click that lands before its editors are wired up,
	// so click until the result arrives.
	ran := false
	for attempt := 0; attempt < 10 && !ran; attempt++ {
		step(t, ctx, "run the example", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
		_, err := chromedp.Run(ctx, chromedp.Poll[any](`(document.querySelector('.graphiql-response') || {}).innerText?.includes('Flexi')`,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second)))
		ran = err == nil
	}
	poll(t, ctx, `(document.querySelector('.graphiql-response') || {}).innerText?.includes('Flexi')`)
	// Monaco renders spaces as no-break spaces.
	response := strings.ReplaceAll(read(t, ctx, chromedp.Text(chromedp.CSS(".graphiql-response"))), "\u00a0", " ")

	// The calls panel draws one bar per REST call the overview made, the
	// calls the sandbox answered.
	step(t, ctx, "open the calls panel", chromedp.Click(chromedp.CSS(`[aria-label="Show Upstream calls"]`)),
		chromedp.WaitVisible(chromedp.CSS(".cg-calls-summary")))
	var answered []string
	for _, e := range g.sb.Log() {
		if e.API != sandbox.OAuth {
			answered = append(answered, e.Op)
		}
	}
	slices.Sort(answered)
	bars := read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.cg-call-bar')].map(b => b.dataset.op).sort()`))
	if len(answered) == 0 || !slices.Equal(bars, answered) {
		t.Errorf("bars %v, want one per call the sandbox answered: %v", bars, answered)
	}
	summary := read(t, ctx, chromedp.Text(chromedp.CSS(".cg-calls-summary")))
	if want := fmt.Sprintf("%d calls (fewest possible: %d)", len(answered), len(answered)); !strings.HasPrefix(summary, want) {
		t.Errorf("summary %q, want it to start %q", summary, want)
	}
	waterfall := read(t, ctx, chromedp.CaptureScreenshot())
	step(t, ctx, "open the explorer", chromedp.Click(chromedp.CSS(`[aria-label="Show GraphiQL Explorer"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-explorer-root")))
	step(t, ctx, "open the docs", chromedp.Click(chromedp.CSS(`[aria-label="Show Documentation Explorer"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-doc-explorer")))
	poll(t, ctx, `document.querySelector('.graphiql-doc-explorer').innerText.includes('Query')`)
	docs := read(t, ctx, chromedp.Text(chromedp.CSS(".graphiql-doc-explorer")))
	shot := read(t, ctx, chromedp.CaptureScreenshot())

	if !strings.Contains(response, `"country": "ZA"`) {
		t.Errorf("result pane: %.500s", response)
	}
	if !strings.Contains(docs, "Query") || !strings.Contains(docs, "Mutation") {
		t.Errorf("docs explorer: %.300s", docs)
	}
	watch.mu.Lock()
	defer watch.mu.Unlock()
	if len(watch.failures) > 0 {
		t.Errorf("failed network requests: %v", watch.failures)
	}
	for _, u := range watch.urls {
		if !strings.HasPrefix(u, g.url) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("request leaves the server: %s", u)
		}
	}
	if g.calls()["total"] == 0 {
		t.Error("the example query reached no upstream")
	}
	if err := os.MkdirAll("test-output", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("test-output", "playground.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("test-output", "playground-calls.png"), waterfall, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPlaygroundWithoutIntrospection(t *testing.T) {
	ctx := newBrowser(t)
	g := newTestGraph(t, sandbox.Options{}, production(func(c *Config) { c.Playground = ptr(true) }))
	step(t, ctx, "load the page", chromedp.Navigate(g.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(".cg-banner")),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")))
	banner := read(t, ctx, chromedp.Text(chromedp.CSS(".cg-banner")))
	if !strings.Contains(banner, "Introspection is disabled") {
		t.Errorf("banner %q", banner)
	}
}

func TestPlaygroundSwitch(t *testing.T) {
	cases := []struct {
		name string
		cfg  func(*Config)
		want int
	}{
		{"on with the sandbox", nil, 200},
		{"off with real APIs", production(nil), 404},
		{"on when asked", production(func(c *Config) { c.Playground = ptr(true) }), 200},
	}
	for _, tc := range cases {
		g := newTestGraph(t, sandbox.Options{}, tc.cfg)
		resp, err := httpGet(g.url + "/")
		if err != nil || resp != tc.want {
			t.Errorf("%s: %d %v", tc.name, resp, err)
		}
	}
}

// TestPlaygroundSubscriptionWithClientKeys: with client keys set, the
// playground sends the Headers editor's Authorization in connection_init, so
// its subscription tabs run; a wrong key makes graphql-ws give up after one
// connection (4403 is final for it) instead of reconnecting forever. The
// two-step tab runs end to end with no id typed: StartProvisioning's
// pending id goes into the variables FollowProvisioning runs with.
func TestPlaygroundSubscriptionWithClientKeys(t *testing.T) {
	ctx := newBrowser(t)
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.clients = []clientKey{{name: "analyst", hash: hashKey("playground-k3y")}}
	})
	var sockets atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*network.EventWebSocketCreated); ok {
			sockets.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "load the page", chromedp.Navigate(g.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-container")),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")))
	poll(t, ctx, `document.querySelectorAll('.graphiql-tab').length >= 6`)
	// As with the run button, a tab switch before the editors are wired up
	// does not reach them: switch away and back until the editor follows.
	tabShown := `document.querySelector('.graphiql-query-editor')?.innerText.includes('FollowProvisioning')`
	for attempt := 0; attempt < 10; attempt++ {
		read(t, ctx, chromedp.Evaluate[any](`document.querySelectorAll('.graphiql-tab .graphiql-tab-button')[0].click()`))
		read(t, ctx, chromedp.Evaluate[any](`document.querySelectorAll('.graphiql-tab .graphiql-tab-button')[4].click()`))
		if _, err := chromedp.Run(ctx, chromedp.Poll[any](tabShown, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second))); err == nil {
			break
		}
	}
	poll(t, ctx, tabShown)

	run := func(authorization, op, want string) {
		t.Helper()
		step(t, ctx, "show the headers", chromedp.Click(chromedp.CSS(`button[data-name="headers"]`)))
		// The section holds the variables and the headers editor; the one
		// shown is the one without "hidden".
		const headers = `[...document.querySelectorAll('section.graphiql-editor-tool .graphiql-editor')].find(e => !e.classList.contains('hidden'))`
		poll(t, ctx, `document.querySelector('section.graphiql-editor-tool[aria-label="Headers"]') && `+headers+`?.querySelector('textarea')`)
		read(t, ctx, chromedp.Evaluate[any](headers+`.querySelector('textarea').focus()`))
		// Empty the editor first: text typed over a selection meets Monaco's
		// auto-closed quotes and brackets.
		step(t, ctx, "empty the headers", chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.KeyEvent(kb.Backspace))
		text := headers + `.querySelector('.view-lines').innerText.replace(/\u00a0/g, ' ').trim()`
		poll(t, ctx, text+` === ''`)
		if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: `{"Authorization": "` + authorization + `"}`}); err != nil {
			t.Fatal(err)
		}
		poll(t, ctx, text+` === '{"Authorization": "`+authorization+`"}'`)
		answered := `!document.querySelector('.graphiql-response .graphiql-spinner') && (document.querySelector('.graphiql-response') || {}).innerText?.replace(/\u00a0/g, ' ').includes('` + want + `')`
		if op == "" { // a tab of one operation runs at the click
			for attempt := 0; attempt < 10; attempt++ {
				step(t, ctx, "run", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
				if _, err := chromedp.Run(ctx, chromedp.Poll[any](answered, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second))); err == nil {
					return
				}
			}
			poll(t, ctx, answered)
			return
		}
		// GraphiQL asks which operation to run; a click that lands before its
		// editors are wired up is ignored, so click until the menu opens.
		for attempt := 0; attempt < 10; attempt++ {
			step(t, ctx, "open the run menu", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
			if _, err := chromedp.Run(ctx, chromedp.Poll[any](`[...document.querySelectorAll('.graphiql-dropdown-item')].some(e => e.innerText.includes('`+op+`'))`,
				chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second))); err == nil {
				break
			}
		}
		read(t, ctx, chromedp.Evaluate[any](`[...document.querySelectorAll('.graphiql-dropdown-item')].find(e => e.innerText.includes('`+op+`')).click()`))
		poll(t, ctx, `!document.querySelector('.graphiql-response .graphiql-spinner') && (document.querySelector('.graphiql-response') || {}).innerText?.replace(/\u00a0/g, ' ').includes('`+want+`')`)
	}

	run("Bearer playground-k3y", "StartProvisioning", "PENDING")
	// The pending id is in the variables now, as the sandbox gave it.
	var pending string
	for _, e := range g.sb.Log() {
		if e.Op == "subscriptions.subscribe" {
			pending = resolvers.ProvisioningID(sandbox.AsyncCustomer, "21", "202", "st101", e.TransactionID)
		}
	}
	read(t, ctx, chromedp.Evaluate[any](`document.querySelector('button[data-name="variables"]').click()`))
	poll(t, ctx, `[...document.querySelectorAll('section.graphiql-editor-tool .graphiql-editor')].some(e => e.innerText.replace(/\s/g, '').includes('"id":"`+pending+`"'))`)
	run("Bearer playground-k3y", "FollowProvisioning", "ACTIVE")
	if n := sockets.Load(); n != 1 {
		t.Errorf("%d WebSockets for one subscription", n)
	}
	run("Bearer wrong-k3y", "FollowProvisioning", "4403 Forbidden")
	if n := sockets.Load(); n != 2 {
		t.Errorf("%d WebSockets after a refused key, want 2: the playground must not reconnect on 4403", n)
	}
	shot := read(t, ctx, chromedp.CaptureScreenshot())
	_ = os.MkdirAll("test-output", 0o755)
	_ = os.WriteFile(filepath.Join("test-output", "playground-refused-key.png"), shot, 0o644)

	// The key has no pii:read: the overview's KYC records come back
	// FORBIDDEN, shown in the answer with the rest of the customer.
	overview := `document.querySelector('.graphiql-query-editor')?.innerText.includes('CustomerOverview')`
	for attempt := 0; attempt < 10; attempt++ {
		read(t, ctx, chromedp.Evaluate[any](`document.querySelectorAll('.graphiql-tab .graphiql-tab-button')[0].click()`))
		if _, err := chromedp.Run(ctx, chromedp.Poll[any](overview, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second))); err == nil {
			break
		}
	}
	poll(t, ctx, overview)
	run("Bearer playground-k3y", "", `"code": "FORBIDDEN"`)
	poll(t, ctx, `document.querySelector('.graphiql-response').innerText.includes('"msisdn"')`)
}

// TestPlaygroundAsAnAnalyst: at 1280 px every tab's instructions are read
// whole (no comment line runs past the editor's edge), and an upstream
// call's details open from the keyboard.
func TestPlaygroundAsAnAnalyst(t *testing.T) {
	ctx := newBrowser(t)
	g := newTestGraph(t, sandbox.Options{}, nil)
	step(t, ctx, "load the page at 1280 px", chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(g.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-container")),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")))
	poll(t, ctx, `document.querySelectorAll('.graphiql-tab').length >= 6`)
	// The comment lines of the shown tab, and whether each ends inside the
	// editor.
	const cut = `(() => {
		const ed = document.querySelector('.graphiql-query-editor');
		const edge = ed.getBoundingClientRect().right;
		const lines = [...ed.querySelectorAll('.view-line')].filter(l => l.innerText.trim().startsWith('#'));
		return lines.length === 0 ? ['no comment lines'] :
			lines.filter(l => l.firstElementChild.getBoundingClientRect().right > edge).map(l => l.innerText);
	})()`
	for i, op := range []string{"CustomerOverview", "PartialFailure", "CustomerList", "Refill", "StartProvisioning", "RemoveAll"} {
		shown := `document.querySelector('.graphiql-query-editor')?.innerText.includes('` + op + `')`
		for attempt := 0; attempt < 10; attempt++ {
			read(t, ctx, chromedp.Evaluate[any](fmt.Sprintf(`document.querySelectorAll('.graphiql-tab .graphiql-tab-button')[%d].click()`, i)))
			if _, err := chromedp.Run(ctx, chromedp.Poll[any](shown, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second))); err == nil {
				break
			}
		}
		poll(t, ctx, shown)
		if lines := read(t, ctx, chromedp.Evaluate[[]string](cut)); len(lines) > 0 {
			t.Errorf("tab %s: cut at 1280 px: %q", op, lines)
		}
	}

	read(t, ctx, chromedp.Evaluate[any](`document.querySelectorAll('.graphiql-tab .graphiql-tab-button')[0].click()`))
	poll(t, ctx, `document.querySelector('.graphiql-query-editor')?.innerText.includes('CustomerOverview')`)
	// Clicked by script: GraphiQL re-renders the button while it wires up
	// its editors, and a click by node id can meet a node just replaced.
	for attempt := 0; attempt < 10; attempt++ {
		read(t, ctx, chromedp.Evaluate[any](`document.querySelector('.graphiql-execute-button')?.click()`))
		if _, err := chromedp.Run(ctx, chromedp.Poll[any](`(document.querySelector('.graphiql-response') || {}).innerText?.includes('Flexi')`,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second))); err == nil {
			break
		}
	}
	read(t, ctx, chromedp.Evaluate[any](`document.querySelector('[aria-label="Show Upstream calls"]').click()`))
	poll(t, ctx, `document.querySelector('.cg-call-details > summary')?.checkVisibility()`)
	if read(t, ctx, chromedp.Evaluate[bool](`document.querySelector('.cg-call-facts').checkVisibility()`)) {
		t.Errorf("a call's details are open before anyone asked")
	}
	read(t, ctx, chromedp.Evaluate[any](`document.querySelector('.cg-call-details > summary').focus()`))
	step(t, ctx, "press Enter on the first call", chromedp.KeyEvent(kb.Enter))
	poll(t, ctx, `document.querySelector('.cg-call-details').open && document.querySelector('.cg-call-facts').checkVisibility()`)
	if facts := read(t, ctx, chromedp.Text(chromedp.CSS(".cg-call-facts"))); !strings.Contains(facts, "served") || !strings.Contains(facts, "customer") {
		t.Errorf("the call's details: %q", facts)
	}
}
