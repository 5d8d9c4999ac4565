package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
)

// TestInboundLoopInBrowser is the whole loop: a customer writes from the simulator's phone, a Ready agent
// gets the preview, accepts, reads the message on the left, replies, sees the reply reach the phone and turn
// delivered then read, marks the interaction Done with a disposition and note, and finds it in the contact's
// history.
func TestInboundLoopInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.addUser("ava", auth.RoleAgent)
	root := browser(t)
	agent := newTab(t, root)
	phone := newTab(t, root)

	login(t, agent, a.URL, "ava")
	goReady(t, agent)

	do(t, phone, "customer opens the phone and writes",
		chromedp.Navigate(a.URL+"/sim/phone"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-create-number]"), "447700900555"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-create-name]"), "Ann Lee"),
		click("[data-testid=phone-create-submit]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=phone-composer]")),
		until(`document.querySelector("[data-testid=phone]").dataset.ready === "true"`),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-composer]"), "Hello, my parcel <b>never</b> arrived"), pressEnter,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-direction=out]`)),
	)

	do(t, agent, "the preview arrives",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=offer]")),
	)
	screenshot(t, agent, "offer")
	preview := evaluate[string](t, agent, `document.querySelector("[data-testid=offer]").innerText`)
	for _, want := range []string{"+447700900555", "WhatsApp +1 555 010 0001", "Hello, my parcel <b>never</b> arrived", "Ann Lee", "Accept", "Reject"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q:\n%s", want, preview)
		}
	}

	do(t, agent, "accept and see the customer's message on the left",
		click("[data-testid=offer-accept]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=interaction-pane] [data-testid=message][data-side=customer]")),
		until(`document.querySelectorAll("[data-testid=offer]").length === 0`),
	)
	side := evaluate[string](t, agent, `getComputedStyle(document.querySelector("[data-side=customer]")).alignItems`)
	if side != "flex-start" {
		t.Errorf("customer message aligned %q, want flex-start (left)", side)
	}
	if text := evaluate[string](t, agent, `document.querySelector("[data-side=customer] [data-testid=message-text]").textContent`); text != "Hello, my parcel <b>never</b> arrived" {
		t.Errorf("customer text rendered as %q", text)
	}

	do(t, agent, "reply with Enter; Shift+Enter makes a new line",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "Hi Ann, sorry about that."),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)),
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "Let me check."), pressEnter,
		chromedp.WaitVisible(chromedp.CSS("[data-side=agent]")),
	)
	agentText := evaluate[string](t, agent, `document.querySelector("[data-side=agent] [data-testid=message-text]").textContent`)
	if agentText != "Hi Ann, sorry about that.\nLet me check." {
		t.Errorf("agent message %q", agentText)
	}
	if align := evaluate[string](t, agent, `getComputedStyle(document.querySelector("[data-side=agent]")).alignItems`); align != "flex-end" {
		t.Errorf("agent message aligned %q, want flex-end (right)", align)
	}

	do(t, phone, "the phone shows the reply",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-direction=in]`)),
	)
	screenshot(t, phone, "phone")
	do(t, agent, "the reply is read (the phone has the chat open)",
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=message-status][data-status=read]`)),
	)
	screenshot(t, agent, "conversation")

	do(t, agent, "mark done with a disposition and a note",
		click("[data-testid=done-open]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=done-form]")),
		chromedp.SetValue(chromedp.CSS("[data-testid=done-disposition]"), "1"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=done-note]"), "Parcel re-sent"),
		click("[data-testid=done-submit]"),
		until(`document.querySelectorAll("[data-testid=interaction-pane]").length === 0`),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=empty-state]")),
	)

	do(t, agent, "the interaction is in the contact's history",
		chromedp.Navigate(a.URL+"/contacts/1"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=history-entry]")),
	)
	history := evaluate[string](t, agent, `document.querySelector("[data-testid=history-entry]").innerText`)
	for _, want := range []string{"Resolved", "Parcel re-sent", "Hello, my parcel", "Let me check."} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q:\n%s", want, history)
		}
	}
	screenshot(t, agent, "history")
}

// TestRejectAndTimeoutRedirect: an offer one agent rejects goes to the other agent; an offer nobody
// answers in time goes back and is offered again.
func TestRejectAndTimeoutRedirect(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.offer-timeout": "3"})
	a.addUser("ava", auth.RoleAgent)
	a.addUser("ben", auth.RoleAgent)
	root := browser(t)
	ava, ben := newTab(t, root), newTab(t, root)
	login(t, ava, a.URL, "ava")
	login(t, ben, a.URL, "ben")
	goReady(t, ava)
	time.Sleep(20 * time.Millisecond) // Ava has been Ready longer, so the first offer is hers
	goReady(t, ben)

	a.customerSays("447700900777", `{"name":"Cy","text":"Anyone there?"}`)
	do(t, ava, "Ava gets the offer and rejects it",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=offer]")),
		click("[data-testid=offer-reject]"),
		until(`document.querySelectorAll("[data-testid=offer]").length === 0`),
	)
	do(t, ben, "Ben gets it next",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=offer]")),
	)
	started := time.Now()
	do(t, ben, "Ben does nothing; the offer times out and leaves his screen",
		until(`document.querySelectorAll("[data-testid=offer]").length === 0`),
	)
	if waited := time.Since(started); waited < 1500*time.Millisecond {
		t.Errorf("offer left Ben after %v, before the 3 s timeout", waited)
	}
	do(t, ava, "it is redirected to Ava again",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=offer]")),
	)
	screenshot(t, ava, "redirected")
}

// TestDelayedAndOutOfOrderTimestamps: a message written long before it arrived shows its origination time in
// bold with the arrival in the tooltip, and a time earlier than the one above it shows in red.
func TestDelayedAndOutOfOrderTimestamps(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true", "whatsappsession.message-delay-timespan": "60"})
	a.addUser("ava", auth.RoleAgent)
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ava")
	goReady(t, tab)

	now := time.Now().Unix()
	a.customerSays("447700900888", fmt.Sprintf(`{"name":"Dee","text":"written ten minutes ago","timestamp":%d}`, now-600))
	do(t, tab, "auto-answer opens the interaction", chromedp.WaitVisible(chromedp.CSS("[data-testid=interaction-pane] [data-side=customer]")))
	a.customerSays("447700900888", fmt.Sprintf(`{"text":"written five minutes ago","timestamp":%d}`, now-300))
	a.customerSays("447700900888", `{"text":"on time"}`)
	a.customerSays("447700900888", fmt.Sprintf(`{"text":"written two minutes ago","timestamp":%d}`, now-120))
	do(t, tab, "all four messages shown", until(`document.querySelectorAll("[data-side=customer]").length === 4`))
	screenshot(t, tab, "timestamps")

	type row struct {
		Text       string `json:"text"`
		Delayed    bool   `json:"delayed"`
		OutOfOrder bool   `json:"outOfOrder"`
		Title      string `json:"title"`
		Weight     string `json:"weight"`
		Colour     string `json:"colour"`
	}
	rows := evaluate[[]row](t, tab, `Array.from(document.querySelectorAll("[data-side=customer]")).map(function (li) {
		var time = li.querySelector("[data-testid=message-time]"), style = getComputedStyle(time);
		return {text: li.querySelector("[data-testid=message-text]").textContent, delayed: time.classList.contains("delayed"),
			outOfOrder: time.classList.contains("out-of-order"), title: time.title, weight: style.fontWeight, colour: style.color};
	})`)
	want := []struct {
		delayed, outOfOrder bool
	}{{true, false}, {true, false}, {false, false}, {true, true}}
	for i, r := range rows {
		if r.Delayed != want[i].delayed || r.OutOfOrder != want[i].outOfOrder {
			t.Errorf("message %d %q: delayed=%v out-of-order=%v, want %v/%v", i, r.Text, r.Delayed, r.OutOfOrder, want[i].delayed, want[i].outOfOrder)
		}
		if r.Delayed && (r.Weight != "700" || !strings.Contains(r.Title, "arrived")) {
			t.Errorf("delayed message %q: weight %s, tooltip %q; want bold with the arrival time", r.Text, r.Weight, r.Title)
		}
		if r.OutOfOrder && r.Colour != "rgb(180, 35, 24)" {
			t.Errorf("out-of-order message %q coloured %s, want red", r.Text, r.Colour)
		}
		if !r.Delayed && r.Weight == "700" {
			t.Errorf("on-time message %q is bold", r.Text)
		}
	}
}
