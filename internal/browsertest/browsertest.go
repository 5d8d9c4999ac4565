// Package browsertest starts real headless Chromium for the browser tests of any package, the same way
// everywhere. Without Chromium a test skips on a developer machine and fails in CI (CI=true), where .ci/run
// installs it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// startAttempts bounds how often a failed start is tried again. A start can fail for reasons outside the
// test, such as the machine refusing a fork for a moment ("Zygote could not fork"); a browser that fails
// this often in a row is a real failure.
const startAttempts = 3

// Path returns Chromium's path, or skips or fails the test when there is none.
func Path(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is required in CI: install the chromium package")
	}
	t.Skip("Chromium not found; install the chromium package to run browser tests")
	return ""
}

// Start launches a fresh Chromium for t and returns its first tab; the browser ends with the test.
func Start(t testing.TB, options ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := Path(t)
	all := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox,
		// Headless needs no GPU process: one process fewer to fork at every start.
		chromedp.DisableGPU,
		// This machine's network is closed: Chromium's own background requests only fail, many at a time.
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true))
	all = append(all, options...)
	var err error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		allocator, cancelAllocator := chromedp.NewExecAllocator(context.Background(), all...)
		root, cancelRoot := chromedp.NewContext(allocator)
		if err = chromedp.Do(root); err == nil {
			t.Cleanup(cancelAllocator)
			t.Cleanup(cancelRoot)
			return root
		}
		cancelRoot()
		cancelAllocator()
		t.Logf("start Chromium, attempt %d of %d: %v", attempt, startAttempts, err)
		if attempt < startAttempts {
			time.Sleep(time.Duration(attempt) * 500 * time.Millisecond)
		}
	}
	t.Fatalf("start Chromium: %v", err)
	return nil
}

// PressEnter presses Enter as a keyboard does: one keyDown that carries its text, so the browser makes the
// character in the same step and a page that prevents the keydown gets no newline. (SendKeys and KeyEvent
// send the character as a separate event; when a send replaces the composer in between, it lands in the
// fresh one.)
var PressEnter = chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
	enter := input.DispatchKeyEventParams{Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
	enter.Type = input.DispatchKeyEventTypeKeyDown
	if _, err := cdp.Call(ctx, target, input.DispatchKeyEvent, enter); err != nil {
		return err
	}
	enter.Type, enter.Text, enter.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	_, err := cdp.Call(ctx, target, input.DispatchKeyEvent, enter)
	return err
})
