package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
	"switchboard/internal/browsertest"
	"switchboard/store"
)

// Browser tests start the real server on a loopback port with the built-in simulator and drive real
// Chromium. They skip on a developer machine without Chromium and fail in CI (CI=true), where .ci/run
// installs it. Set SWITCHBOARD_SCREENSHOTS=dir to keep screenshots of what the tests saw.

// syncBuffer collects the server log; it is printed when a test fails.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testApp struct {
	*app
	t    *testing.T
	cfg  config
	logs *syncBuffer
}

const testPassword = "correct-horse-battery"

// startTestApp runs Switchboard as `go run ./cmd/switchboard` would, on a free loopback port and a fresh
// data directory.
func startTestApp(t *testing.T) *testApp { return startTestAppWith(t, nil) }

// startTestAppWith is startTestApp with extra environment variables.
func startTestAppWith(t *testing.T, extra map[string]string) *testApp {
	t.Helper()
	logs := &syncBuffer{}
	env := map[string]string{"SWITCHBOARD_ADMIN_PASSWORD": "admin-password-for-tests", "SWITCHBOARD_LOG_LEVEL": "debug"}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := start(context.Background(), cfg, logs)
	if err != nil {
		t.Fatal(err)
	}
	ta := &testApp{app: a, t: t, cfg: cfg, logs: logs}
	t.Cleanup(func() {
		if err := ta.shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ta
}

// restart stops Switchboard and starts it again on the same address and data directory, as a deploy would.
func (a *testApp) restart() {
	a.t.Helper()
	if err := a.shutdown(); err != nil {
		a.t.Fatalf("shutdown: %v", err)
	}
	cfg := a.cfg
	cfg.Addr = strings.TrimPrefix(a.URL, "http://")
	again, err := start(context.Background(), cfg, a.logs)
	if err != nil {
		a.t.Fatalf("start again: %v", err)
	}
	a.app = again
}

func (a *testApp) addUser(username, role string) {
	a.t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.Store.CreateUser(context.Background(), store.User{Username: username, DisplayName: strings.ToUpper(username[:1]) + username[1:], PasswordHash: hash, Role: role, Active: true}); err != nil {
		a.t.Fatal(err)
	}
}

func (a *testApp) setOptions(values map[string]string) {
	a.t.Helper()
	problems, err := a.Options.Update(context.Background(), values, 0)
	if err != nil || len(problems) > 0 {
		a.t.Fatalf("set options: %v %v", err, problems)
	}
}

// customerSays makes the simulator post a customer message webhook and waits until Switchboard took it.
func (a *testApp) customerSays(waID, body string) {
	a.t.Helper()
	response, err := http.Post(a.URL+"/sim/api/customers/"+waID+"/messages?wait=1", "application/json", strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusAccepted {
		text, _ := io.ReadAll(response.Body)
		a.t.Fatalf("simulator customer message: %s %s", response.Status, text)
	}
}

// browser starts one headless Chromium for a test; tabs made from it with newTab share nothing unless asked.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Start(t, chromedp.WindowSize(1360, 860))
}

// newTab opens a tab in its own browser context (own cookies), as a separate person's browser would be.
func newTab(t *testing.T, root context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Every tab behaves as the focused window, as the one an agent is looking at would; tests say otherwise
	// by switching interactions.
	err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	go watchConsole(t, tab)
	return tab
}

// streamCutTabs are the tabs whose tests cut the event stream on purpose (see expectStreamErrors).
var streamCutTabs sync.Map

// expectStreamErrors says a test will cut tab's event stream, so htmx logging the stream's error event (an
// "[object Event]" from htmx itself) is expected there.
func expectStreamErrors(tab context.Context) { streamCutTabs.Store(tab, true) }

// watchConsole fails the test on script errors and CSP violations: they show nowhere else. Failed requests
// are expected in tests that refuse things.
func watchConsole(t *testing.T, tab context.Context) {
	for message, err := range chromedp.Console(tab) {
		if err != nil {
			return
		}
		_, streamCut := streamCutTabs.Load(tab)
		expected := strings.Contains(message.Text, "net::ERR") || strings.Contains(message.Text, "status of 4") ||
			(streamCut && message.Text == "[object Event]" && strings.HasSuffix(message.URL, "/static/vendor/htmx.min.js"))
		if message.Type == chromedp.ConsoleException || strings.Contains(message.Text, "Content Security Policy") ||
			(message.Type == chromedp.ConsoleError && !expected) {
			t.Errorf("browser console: %s (%s)", message.Text, message.URL)
		}
	}
}

// do runs browser steps with a deadline and fails the test with what was asked for.
func do(t *testing.T, tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		screenshot(t, tab, "failed-"+strings.ReplaceAll(what, " ", "-"))
		t.Fatalf("%s: %v\npage at the time:\n%s", what, err, pageState(tab))
	}
}

// click clicks an element once it has stopped moving. A click is sent to coordinates, so an element that a
// swap, a new bubble or a hidden bar is still moving would be missed; waiting for two equal readings of its
// position a poll apart makes the click land on it.
func click(selector string) chromedp.Action[chromedp.Void] {
	quoted, _ := json.Marshal(selector)
	steady := `(function () {
		var element = document.querySelector(` + string(quoted) + `);
		if (!element) return false;
		var r = element.getBoundingClientRect();
		var now = ` + string(quoted) + ` + [r.x, r.y, r.width, r.height].join();
		var before = window.__clickPosition;
		window.__clickPosition = now;
		return r.width > 0 && r.height > 0 && before === now;
	})()`
	forget := chromedp.Evaluate[chromedp.Void](`window.__clickPosition = null`) // no reading left from an earlier click
	return chromedp.Steps(forget, until(steady), chromedp.Click(chromedp.CSS(selector)))
}

// pageState describes the tab for a failure message: its address and what it shows, shortened.
func pageState(tab context.Context) string {
	ctx, cancel := context.WithTimeout(tab, 3*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 3000)`))
	if err != nil {
		return "(unavailable: " + err.Error() + ")"
	}
	return text
}

// pressEnter presses Enter as one keyDown carrying its text; see browsertest.PressEnter.
var pressEnter = browsertest.PressEnter

// until waits for a JavaScript condition to become true.
func until(expression string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, target *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](expression, chromedp.WithPollingInterval(50*time.Millisecond))(ctx, target)
		return chromedp.Void{}, err
	}
}

func evaluate[T any](t *testing.T, tab context.Context, expression string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	value, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return value
}

// evaluateAsync is evaluate for an expression that returns a promise.
func evaluateAsync[T any](t *testing.T, tab context.Context, expression string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	value, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression, func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return value
}

func login(t *testing.T, tab context.Context, baseURL, username string) {
	t.Helper()
	do(t, tab, "log in as "+username,
		chromedp.Navigate(baseURL+"/login"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=login-username]"), username),
		chromedp.SendKeys(chromedp.CSS("[data-testid=login-password]"), testPassword),
		click("[data-testid=login-submit]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=workspace]")),
		until(`document.documentElement.getAttribute("data-app-ready") === "true"`),
		// The stream's first event replaces the presence switch and the rest of the live parts; clicking
		// before it arrives could hit a node about to be replaced.
		until(`document.documentElement.getAttribute("data-stream") === "synced"`),
	)
}

func goReady(t *testing.T, tab context.Context) {
	t.Helper()
	do(t, tab, "go ready",
		click("[data-testid=go-ready]"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=presence][data-ready=true]`)),
	)
}

// screenshot keeps a PNG of the tab when SWITCHBOARD_SCREENSHOTS names a directory.
func screenshot(t *testing.T, tab context.Context, name string) {
	dir := os.Getenv("SWITCHBOARD_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tab, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(dir, fmt.Sprintf("%s-%s.png", t.Name(), name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}
