package main

import (
	"context"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"

	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
	"switchboard/internal/notify"
)

// holdStreams pauses the tab's event-stream requests until the returned release is called, so a test can
// make things happen while the page is disconnected.
func holdStreams(t *testing.T, tab context.Context) (release func()) {
	t.Helper()
	expectStreamErrors(tab)
	listen, stop := context.WithCancel(tab)
	// Subscribed before interception starts, so no paused request goes unseen.
	paused := chromedp.Events(listen, fetch.RequestPaused)
	var mu sync.Mutex
	var held []fetch.RequestID
	done := make(chan struct{})
	go func() {
		defer close(done)
		for event, err := range paused {
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, event.RequestID)
			mu.Unlock()
		}
	}()
	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/events*"}}}); err != nil {
		t.Fatalf("hold streams: %v", err)
	}
	return func() {
		t.Helper()
		stop()
		<-done
		for _, id := range held {
			if _, err := chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id}); err != nil {
				t.Logf("release stream request: %v", err) // the page may have given up on it and asked again
			}
		}
		if _, err := chromedp.Call(tab, fetch.Disable, cdp.Empty{}); err != nil {
			t.Fatalf("release streams: %v", err)
		}
	}
}

// TestReconnectCatchesUpInBrowser: Switchboard restarts under a working agent and the customer writes before
// the agent's page is back. The page says it is reconnecting; once back it shows the messages it missed, and
// what the agent was writing (a draft and a half-filled notification) is still there and still sends.
func TestReconnectCatchesUpInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	a.saveResponse(notify.ResponseInput{Name: "Payment confirmation", Kind: notify.KindNotification, Definition: notify.Definition{Template: paymentConfirmation()}})
	tab := newTab(t, browser(t))
	openInteraction(t, a, tab, "ava", "447700900777", `{"name":"Rosa Diaz","text":"Is anyone there?"}`)

	do(t, tab, "start a draft and a notification",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "Let me check that for"),
		openResponses,
		click(`[data-testid=response-item][data-name="Payment confirmation"] [data-testid=response-insert]`),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=editor]")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-key="body.2"] [data-testid=editor-input]').value = ""`),
		chromedp.SendKeys(editorInput("body.2"), "tulips"),
		until(`document.querySelector("[data-testid=editor-preview] [data-testid=rich-body]").textContent.indexOf("Have you ordered tulips?") >= 0`),
	)

	release := holdStreams(t, tab)
	a.restart()
	do(t, tab, "the page notices the lost connection", chromedp.WaitVisible(chromedp.CSS("[data-testid=stream-status]")))
	a.customerSays("447700900777", `{"name":"Rosa Diaz","text":"Hello??"}`)
	a.customerSays("447700900777", `{"name":"Rosa Diaz","text":"I paid yesterday"}`)
	screenshot(t, tab, "reconnecting")
	if n := evaluate[int](t, tab, `document.querySelectorAll("[data-side=customer]").length`); n != 1 {
		t.Fatalf("%d customer messages shown while disconnected, want the first only", n)
	}

	release()
	do(t, tab, "the connection comes back with the missed messages",
		until(`document.querySelector("[data-testid=stream-status]").hidden`),
		until(`Array.from(document.querySelectorAll("[data-side=customer] [data-testid=message-text]")).map(function (m) {
			return m.textContent; }).join("|") === "Is anyone there?|Hello??|I paid yesterday"`),
	)
	if draft := evaluate[string](t, tab, `document.querySelector("[data-testid=composer-text]").value`); draft != "Let me check that for" {
		t.Errorf("draft after reconnecting: %q", draft)
	}
	if value := evaluate[string](t, tab, `(document.querySelector('[data-key="body.2"] [data-testid=editor-input]') || {}).value`); value != "tulips" {
		t.Errorf("notification parameter after reconnecting: %q", value)
	}
	if focused := evaluate[bool](t, tab, `document.activeElement === document.querySelector('[data-key="body.2"] [data-testid=editor-input]')`); !focused {
		t.Error("the field the agent was typing in lost the focus")
	}
	do(t, tab, "the kept notification still sends",
		click("[data-testid=editor-send]"),
		chromedp.WaitNotPresent(chromedp.CSS("[data-testid=editor]")),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=rich-message][data-kind=notification]`)),
	)
	screenshot(t, tab, "reconnected")
}
