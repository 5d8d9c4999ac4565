package simulator

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/labstack/echo/v4"

	"switchboard/internal/browsertest"
)

// TestPhonePageInBrowser drives the phone page in Chromium under the product's
// Content-Security-Policy: type and press Enter, see the business reply arrive live,
// and have the product receive "read" because the page is on screen.
func TestPhonePageInBrowser(t *testing.T) {
	browsertest.Path(t)
	h := newHarness(t)
	// Serve the vendored htmx the page references, under the product's CSP.
	browserServer := echo.New()
	browserServer.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
			return next(c)
		}
	})
	browserServer.Static("/static", "../../static")
	h.sim.Mount(browserServer.Group("/sim"))
	server := httptest.NewServer(browserServer)
	defer server.Close()

	h.customerSays("447700900123", `{"name":"Ann Lee","text":"hello"}`)

	// A tab of its own, so closing it ends the console watch below before its findings are read.
	browser, cancelBrowser := chromedp.NewContext(browsertest.Start(t))
	defer cancelBrowser()
	// Collect console output while the page runs: CSP violations and script errors
	// show up there and nowhere else.
	var consoleProblems []string
	consoleDone := make(chan struct{})
	console := chromedp.Console(browser)
	go func() {
		defer close(consoleDone)
		for message, err := range console {
			if err != nil {
				return
			}
			if message.Type == chromedp.ConsoleError || message.Type == chromedp.ConsoleException ||
				strings.Contains(message.Text, "Content Security Policy") {
				consoleProblems = append(consoleProblems, message.String()+" "+message.URL)
			}
		}
	}()
	// Generous: under the race detector on a loaded two-core machine a page can take seconds to settle.
	ctx, cancel := context.WithTimeout(browser, 40*time.Second)
	defer cancel()

	composer := chromedp.CSS("[data-testid=phone-composer]")
	err := chromedp.Do(ctx,
		chromedp.Navigate(server.URL+"/sim/phone/447700900123"),
		chromedp.WaitVisible(composer),
		// htmx must have loaded for the composer to answer with a fragment.
		poll(`window.htmx !== undefined && document.querySelector("[data-testid=phone]").dataset.ready === "true"`),
	)
	if err != nil {
		t.Fatalf("open the phone: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(composer, "Typed in the browser"), browsertest.PressEnter,
		poll(`Array.from(document.querySelectorAll("[data-testid=phone-message][data-direction=out]")).some(function (b) {
			return b.textContent.indexOf("Typed in the browser") >= 0; })`),
		poll(`document.querySelector("[data-testid=phone-composer]").value === ""`),
	)
	if err != nil {
		look, stop := context.WithTimeout(browser, 3*time.Second)
		state, _ := chromedp.Run(look, chromedp.Evaluate[string](`document.body.innerText.slice(0, 2000)`))
		stop()
		t.Fatalf("send from the phone: %v\npage:\n%s", err, state)
	}
	h.receiver.waitFor(t, "typed message", func(list []map[string]any) bool {
		for _, webhook := range list {
			if path(webhook, "entry", 0, "changes", 0, "value", "messages", 0, "text", "body") == "Typed in the browser" {
				return true
			}
		}
		return false
	})

	wamid := h.sendText("447700900123", "Live from the agent")
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-direction=in]`)),
	)
	if err != nil {
		t.Fatalf("business message did not appear: %v", err)
	}
	h.receiver.waitFor(t, "read", hasStatuses(wamid, "sent", "delivered", "read"))

	count, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=phone-message]").length`))
	if err != nil || count != 3 {
		t.Errorf("bubbles = %d (%v), want 3 with no duplicates", count, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-direction=in] [data-testid=phone-message-text]`)))
	if err != nil || text != "Live from the agent" {
		t.Errorf("business bubble text = %q (%v)", text, err)
	}

	cancel()
	cancelBrowser()
	<-consoleDone
	for _, problem := range consoleProblems {
		t.Errorf("browser console: %s", problem)
	}
}

// poll waits in the page until expression is truthy.
func poll(expression string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, target *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](expression)(ctx, target)
		return chromedp.Void{}, err
	}
}
