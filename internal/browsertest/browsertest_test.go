package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStartTriesAgainAfterAFailedStart stands in a Chromium that fails its first start the way a refused
// fork does, then starts the real one: Start must still hand back a working browser.
func TestStartTriesAgainAfterAFailedStart(t *testing.T) {
	real := Path(t)
	dir := t.TempDir()
	failedOnce := filepath.Join(dir, "failed-once")
	script := fmt.Sprintf("#!/bin/sh\nif [ ! -e %q ]; then touch %q; echo 'Zygote could not fork' >&2; exit 1; fi\nexec %q \"$@\"\n",
		failedOnce, failedOnce, real)
	flaky := filepath.Join(dir, "chromium")
	if err := os.WriteFile(flaky, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tab := Start(t, chromedp.ExecPath(flaky))
	agent, err := chromedp.Run(tab, chromedp.Evaluate[string](`navigator.userAgent`))
	if err != nil {
		t.Fatalf("browser after a retried start: %v", err)
	}
	if _, err := os.Stat(failedOnce); err != nil {
		t.Fatalf("the first start was not tried: %v", err)
	}
	if !strings.Contains(agent, "Chrome") {
		t.Errorf("user agent = %q", agent)
	}
}
