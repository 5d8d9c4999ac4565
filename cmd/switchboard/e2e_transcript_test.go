package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
	"switchboard/store"
)

const (
	numberA = "100000000000001"
	numberB = "100000000000002"
)

// seedHistory stores closed past sessions for a customer; text(session, line) words each message.
func (a *testApp) seedHistory(waID, phoneNumberID string, sessions, lines int, text func(session, line int) string) {
	a.t.Helper()
	ctx := context.Background()
	err := a.Store.WithTx(ctx, func(tx *store.Tx) error {
		contact, err := tx.EnsureContact(ctx, waID, "", time.Now().UnixMilli())
		if err != nil {
			return err
		}
		admin, err := tx.UserByUsername(ctx, "admin")
		if err != nil {
			return err
		}
		for session := 0; session < sessions; session++ {
			start := time.Now().Add(-time.Duration(sessions-session) * 24 * time.Hour).UnixMilli()
			interaction, err := tx.CreateInteraction(ctx, contact.ID, phoneNumberID, start)
			if err != nil {
				return err
			}
			if _, err := tx.AssignInteraction(ctx, interaction.ID, admin.ID, start); err != nil {
				return err
			}
			for line := 0; line < lines; line++ {
				at := start + int64(line)*60000
				m := store.Message{InteractionID: interaction.ID, ContactID: contact.ID, PhoneNumberID: phoneNumberID, Kind: "text",
					Body: text(session, line), WAMID: fmt.Sprintf("wamid.seed.%s.%s.%d.%d", waID, phoneNumberID, session, line), Direction: store.DirectionIn,
					Status: store.StatusReceived, OriginatedAt: at, ReceivedAt: at, StatusAt: at}
				if _, _, err := tx.InsertMessage(ctx, m); err != nil {
					return err
				}
			}
			if _, err := tx.CloseInteraction(ctx, interaction.ID, admin.ID, 1, "", start+3600000); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		a.t.Fatal(err)
	}
}

func sessionCount(t *testing.T, tab context.Context) int {
	return evaluate[int](t, tab, `document.querySelectorAll("[data-testid=interaction-pane]:not([hidden]) [data-testid=session]").length`)
}

// TestOlderMessagesPagingInBrowser: earlier sessions load transcript-interactions-count at a time, in place,
// keeping what the agent was reading where it was; search finds a word in a session not loaded yet and jumps
// to it.
func TestOlderMessagesPagingInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true", "whatsappsession.transcript-interactions-count": "2"})
	a.addUser("ava", auth.RoleAgent)
	a.seedHistory("447700900321", numberA, 5, 6, func(session, line int) string {
		if session == 0 && line == 3 {
			return "Our refund policy allows 30 days"
		}
		return fmt.Sprintf("session %d line %d", session, line)
	})
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ava")
	goReady(t, tab)
	a.customerSays("447700900321", `{"name":"Pat","text":"hello again"}`)
	do(t, tab, "the pane opens with this session and two earlier ones", chromedp.WaitVisible(chromedp.CSS("[data-testid=see-older]")))
	if n := sessionCount(t, tab); n != 3 {
		t.Fatalf("sessions shown %d, want 3", n)
	}
	// Remember where the first visible message is on screen, then load older sessions above it.
	before := evaluate[float64](t, tab, `(function () { var t = document.querySelector(".pane:not([hidden]) .transcript"); t.scrollTop = 0;
		return document.querySelector(".pane:not([hidden]) [data-testid=session] [data-testid=message]").getBoundingClientRect().top; })()`)
	anchorID := evaluate[string](t, tab, `document.querySelector(".pane:not([hidden]) [data-testid=session] [data-testid=message]").id`)
	do(t, tab, "see older messages loads two more", click("[data-testid=see-older]"),
		until(`document.querySelectorAll(".pane:not([hidden]) [data-testid=session]").length === 5`))
	after := evaluate[float64](t, tab, `document.getElementById("`+anchorID+`").getBoundingClientRect().top`)
	if diff := after - before; diff < -2 || diff > 2 {
		t.Errorf("the message being read moved by %.0f px when older sessions loaded", diff)
	}
	do(t, tab, "the last one", click("[data-testid=see-older]"),
		until(`document.querySelectorAll(".pane:not([hidden]) [data-testid=session]").length === 6`),
		until(`!document.querySelector("[data-testid=see-older]")`))
	order := evaluate[string](t, tab, `Array.from(document.querySelectorAll(".pane:not([hidden]) [data-testid=session] [data-testid=message-text]")).slice(0, 1).map(function (e) { return e.textContent }).join()`)
	if order != "session 0 line 0" {
		t.Errorf("oldest message first = %q", order)
	}
	screenshot(t, tab, "paged")

	// Search: reload so the old sessions are not on the page, then jump.
	do(t, tab, "reload", chromedp.Navigate(a.URL+"/"), chromedp.WaitVisible(chromedp.CSS("[data-testid=see-older]")),
		until(`document.documentElement.getAttribute("data-app-ready") === "true"`),
		until(`document.documentElement.getAttribute("data-stream") === "synced"`))
	do(t, tab, "search finds the word in an old session",
		click("[data-testid=search-open]"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=search-input]"), "refund"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=search-hit]")),
	)
	if hit := evaluate[string](t, tab, `document.querySelector("[data-testid=search-hit] mark").textContent`); !strings.EqualFold(hit, "refund") {
		t.Errorf("highlighted %q", hit)
	}
	do(t, tab, "the hit jumps to the message, loading the sessions before it",
		click("[data-testid=search-hit]"),
		until(`Array.from(document.querySelectorAll("[data-testid=message].jumped")).some(function (li) { return li.textContent.indexOf("refund policy") >= 0 })`),
	)
	visible := evaluate[bool](t, tab, `(function () { var li = document.querySelector("[data-testid=message].jumped"), t = li.closest(".transcript");
		var r = li.getBoundingClientRect(), b = t.getBoundingClientRect(); return r.top >= b.top && r.bottom <= b.bottom; })()`)
	if !visible {
		t.Error("the jumped-to message is not in view")
	}
	screenshot(t, tab, "search")
}

// TestCrossChannelMessagesInBrowser: with two business numbers, earlier sessions on the other number show
// only when whatsappsession.show-cross-channel-messages is true, marked with their number.
func TestCrossChannelMessagesInBrowser(t *testing.T) {
	a := startTestAppWith(t, map[string]string{"SWITCHBOARD_WA_NUMBERS": numberA + "=+1 555 010 0001," + numberB + "=+1 555 010 0002"})
	a.setOptions(map[string]string{"interaction.auto-answer": "true", "whatsappsession.transcript-interactions-count": "5"})
	a.addUser("ava", auth.RoleAgent)
	a.seedHistory("447700900654", numberB, 1, 1, func(int, int) string { return "written to the other number" })
	a.seedHistory("447700900654", numberA, 1, 1, func(int, int) string { return "written to this number" })
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ava")
	goReady(t, tab)
	a.customerSays("447700900654", `{"name":"Lou","text":"first","phone_number_id":"`+numberA+`"}`)
	do(t, tab, "pane open", chromedp.WaitVisible(chromedp.CSS("[data-testid=interaction-pane] [data-side=customer]")))
	text := evaluate[string](t, tab, `document.querySelector("[data-testid=transcript]").innerText`)
	if strings.Contains(text, "other number") || !strings.Contains(text, "written to this number") {
		t.Errorf("cross-channel off shows:\n%s", text)
	}
	a.setOptions(map[string]string{"whatsappsession.show-cross-channel-messages": "true"})
	do(t, tab, "reload", chromedp.Navigate(a.URL+"/"), chromedp.WaitVisible(chromedp.CSS("[data-testid=interaction-pane] [data-side=customer]")))
	text = evaluate[string](t, tab, `document.querySelector("[data-testid=transcript]").innerText`)
	if !strings.Contains(text, "written to the other number") || !strings.Contains(text, "+1 555 010 0002") {
		t.Errorf("cross-channel on shows:\n%s", text)
	}
	if n := evaluate[int](t, tab, `document.querySelectorAll("[data-testid=message-channel]").length`); n < 3 {
		t.Errorf("%d messages marked with their number, want every one", n)
	}
	screenshot(t, tab, "cross-channel")
}

// TestRichMessagesInBrowser: links, a location card (with a provider on a local server, then offline), a
// contact card, a quoted reply and a reaction, all sent from the simulator phone.
func TestRichMessagesInBrowser(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(png) }))
	defer provider.Close()
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true",
		"whatsappsession.location-preview-provider":     "custom",
		"whatsappsession.location-preview-url-template": provider.URL + "/static?c={lat},{lon}&z={zoom}&s={width}x{height}"})
	a.addUser("ava", auth.RoleAgent)
	root := browser(t)
	agent, phone := newTab(t, root), newTab(t, root)
	login(t, agent, a.URL, "ava")
	goReady(t, agent)
	a.customerSays("447700900987", `{"name":"Kim","text":"see https://example.com/a/very/long/path?x=1 and *bold* _it_ <script>alert(1)</script>"}`)
	do(t, agent, "pane open", chromedp.WaitVisible(chromedp.CSS("[data-testid=message-link]")))
	link := evaluate[map[string]string](t, agent, `(function () { var a = document.querySelector("[data-testid=message-link]");
		return {href: a.href, title: a.title, target: a.target, rel: a.rel, bold: document.querySelector(".bubble .b").textContent}; })()`)
	if link["title"] != "https://example.com/a/very/long/path?x=1" || link["target"] != "_blank" || !strings.Contains(link["rel"], "noopener") || link["bold"] != "bold" {
		t.Errorf("link rendered as %v", link)
	}

	do(t, phone, "open the phone", chromedp.Navigate(a.URL+"/sim/phone/447700900987"), chromedp.WaitVisible(chromedp.CSS("[data-testid=phone-composer]")),
		until(`document.querySelector("[data-testid=phone]").dataset.ready === "true"`))
	do(t, phone, "share a location with name and address",
		click("[data-testid=phone-share-location] summary"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-location-latitude]"), "51.500729"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-location-longitude]"), "-0.124625"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-location-name]"), "Big Ben"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-location-address]"), "Westminster, London SW1A 0AA"),
		click("[data-testid=phone-location-send]"),
	)
	do(t, agent, "a location card with the map from the provider",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=location-name]")),
		until(`(function () { var img = document.querySelector("[data-testid=location-map]"); return img && img.complete && img.naturalWidth > 0; })()`),
	)
	card := evaluate[string](t, agent, `document.querySelector("[data-testid=location]").innerText`)
	for _, want := range []string{"Big Ben", "Westminster, London SW1A 0AA", "51.500729, -0.124625"} {
		if !strings.Contains(card, want) {
			t.Errorf("location card lacks %q:\n%s", want, card)
		}
	}
	if target := evaluate[string](t, agent, `document.querySelector("[data-testid=location-link]").target`); target != "_blank" {
		t.Errorf("location link target %q", target)
	}

	provider.Close() // the provider goes away: the next location shows the offline rendering
	do(t, phone, "share a bare location",
		click("[data-testid=phone-share-location] summary"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-location-latitude]"), "48.8584"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-location-longitude]"), "2.2945"),
		click("[data-testid=phone-location-send]"),
	)
	do(t, agent, "the second map falls back to the offline picture",
		until(`document.querySelectorAll("[data-testid=location-map]").length === 2`),
		until(`(function () { var imgs = document.querySelectorAll("[data-testid=location-map]"); var img = imgs[1]; return img.complete && img.naturalWidth > 0; })()`),
	)
	fallback := evaluateAsync[string](t, agent, `(async function () { var imgs = document.querySelectorAll("[data-testid=location-map]");
		var r = await fetch(imgs[1].src); return r.headers.get("X-Map-Fallback") + " " + r.headers.get("Content-Type"); })()`)
	if fallback != "offline image/svg+xml" {
		t.Errorf("offline fallback: %q", fallback)
	}

	do(t, phone, "share a contact card",
		click("[data-testid=phone-share-contact] summary"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-contact-name]"), "Jo <b>Bloggs</b>"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-contact-phone]"), "+1 555 0100"),
		click("[data-testid=phone-contact-send]"),
	)
	do(t, agent, "the contact card", chromedp.WaitVisible(chromedp.CSS("[data-testid=contact-card]")))
	if name := evaluate[string](t, agent, `document.querySelector("[data-testid=contact-card-name]").textContent`); name != "Jo <b>Bloggs</b>" {
		t.Errorf("contact card name %q", name)
	}
	if href := evaluate[string](t, agent, `document.querySelector("[data-testid=contact-card-phone]").getAttribute("href")`); href != "tel:+15550100" {
		t.Errorf("contact card phone link %q", href)
	}

	do(t, agent, "the agent writes", chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "Which one do you mean?"), pressEnter,
		chromedp.WaitVisible(chromedp.CSS("[data-side=agent]")))
	do(t, phone, "the customer quotes the agent's message and reacts to it",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-direction=in] [data-testid=phone-reply]`)),
		click(`[data-testid=phone-message][data-direction=in] [data-testid=phone-reply]`),
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-composer]"), "The first one"), pressEnter,
		// Sending appends the bubble and hides the "Replying to" bar, moving the buttons: wait for that first.
		until(`Array.from(document.querySelectorAll("[data-testid=phone-message][data-direction=out]")).some(function (b) {
			return b.textContent.indexOf("The first one") >= 0; }) && document.querySelector("[data-testid=phone-replying]").hidden`),
		click(`[data-testid=phone-message][data-direction=in] [data-testid=phone-react][data-emoji="👍"]`),
	)
	do(t, agent, "the reply shows the quoted message and the reaction sits on the agent's message",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=message-quote]")),
		chromedp.WaitVisible(chromedp.CSS("[data-side=agent] [data-testid=reaction]")),
	)
	if q := evaluate[string](t, agent, `document.querySelector("[data-testid=message-quote]").innerText`); !strings.Contains(q, "Which one do you mean?") {
		t.Errorf("quote shows %q", q)
	}
	if r := evaluate[string](t, agent, `document.querySelector("[data-side=agent] [data-testid=reaction]").textContent`); r != "👍" {
		t.Errorf("reaction %q", r)
	}
	if n := evaluate[int](t, agent, `document.querySelectorAll("[data-kind=reaction]").length`); n != 0 {
		t.Errorf("reaction shown as %d lines of its own", n)
	}
	do(t, phone, "the customer removes the reaction",
		click(`[data-testid=phone-message][data-direction=in] [data-testid=phone-unreact]`))
	do(t, agent, "the reaction disappears", until(`!document.querySelector("[data-side=agent] [data-testid=reaction]")`))
	screenshot(t, agent, "rich")
	screenshot(t, phone, "phone")
}

// TestComposerEmojiAndByteLimitInBrowser: an emoji goes in at the caret; the byte limit counts UTF-8 bytes,
// so four-byte emojis reach it exactly, and one byte more disables Send with the server's own message.
func TestComposerEmojiAndByteLimitInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true", "whatsappsession.max-text-message-size": "8"})
	a.addUser("ava", auth.RoleAgent)
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ava")
	goReady(t, tab)
	a.customerSays("447700900135", `{"name":"Em","text":"hi"}`)
	do(t, tab, "pane open", chromedp.WaitVisible(chromedp.CSS("[data-testid=composer-text]")))

	do(t, tab, "type, put the caret in the middle, insert an emoji",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "abcd"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=composer-text]").setSelectionRange(2, 2)`),
		click("[data-testid=emoji-button]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=emoji-panel]")),
		click(`[data-testid=emoji][data-emoji="😀"]`),
	)
	if v := evaluate[string](t, tab, `document.querySelector("[data-testid=composer-text]").value`); v != "ab😀cd" {
		t.Errorf("after inserting: %q", v)
	}
	if c := evaluate[string](t, tab, `document.querySelector("[data-testid=byte-counter]").textContent`); c != "8 / 8 bytes" {
		t.Errorf("counter %q", c)
	}
	if evaluate[bool](t, tab, `document.querySelector("[data-testid=composer-send]").disabled`) {
		t.Error("Send disabled exactly at the limit")
	}
	do(t, tab, "one byte more", chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "e"),
		until(`document.querySelector("[data-testid=composer-send]").disabled`))
	notice := evaluate[string](t, tab, `document.querySelector("[data-testid=composer-error]").textContent`)
	if notice != "The message is 9 bytes; the maximum is 8 bytes. Shorten it to send." {
		t.Errorf("notice %q", notice)
	}
	// The server says the same to a request that bypasses the browser check.
	server := evaluateAsync[string](t, tab, `(async function () {
		var form = document.querySelector("[data-testid=composer]"); var body = new URLSearchParams({text: "😀😀e"});
		var r = await fetch(form.getAttribute("hx-post"), {method: "POST", body: body, headers: JSON.parse(document.body.getAttribute("hx-headers"))});
		var doc = new DOMParser().parseFromString(await r.text(), "text/html");
		return r.status + " " + doc.querySelector("[data-testid=composer-error]").textContent; })()`)
	if server != "422 "+notice {
		t.Errorf("server said %q", server)
	}
	do(t, tab, "back to the limit sends", chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "\b"),
		until(`!document.querySelector("[data-testid=composer-send]").disabled`),
		chromedp.Focus(chromedp.CSS("[data-testid=composer-text]")), pressEnter,
		chromedp.WaitVisible(chromedp.CSS("[data-side=agent]")))
	if v := evaluate[string](t, tab, `document.querySelector("[data-side=agent] [data-testid=message-text]").textContent`); v != "ab😀cd" {
		t.Errorf("sent %q", v)
	}
}

// TestPendingIndicatorAndAttentionInBrowser: the pending-response indicator goes green, yellow, red on the
// configured seconds and goes when the agent answers; a customer writing in an interaction the agent is not
// looking at makes its bar entry blink and the tab title flash until the agent goes there.
func TestPendingIndicatorAndAttentionInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true", "whatsappsession.pending-response-to-customer": "2,4"})
	a.addUser("ava", auth.RoleAgent)
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ava")
	goReady(t, tab)
	a.customerSays("447700900201", `{"name":"One","text":"first customer"}`)
	do(t, tab, "first pane", chromedp.WaitVisible(chromedp.CSS("[data-testid=interaction-pane] [data-side=customer]")))
	level := `document.querySelector(".pane:not([hidden]) [data-testid=pending-indicator]") && document.querySelector(".pane:not([hidden]) [data-testid=pending-indicator]").getAttribute("data-level")`
	do(t, tab, "green", until(level+` === "green"`))
	do(t, tab, "yellow after 2 s", until(level+` === "yellow"`))
	do(t, tab, "red and flashing after 4 s", until(level+` === "red"`))
	if anim := evaluate[string](t, tab, `getComputedStyle(document.querySelector(".pane:not([hidden]) [data-testid=pending-indicator]")).animationName`); anim != "flash-red" {
		t.Errorf("red indicator animation %q", anim)
	}
	screenshot(t, tab, "pending-red")
	do(t, tab, "answering removes it", chromedp.SendKeys(chromedp.CSS(".pane:not([hidden]) [data-testid=composer-text]"), "on it"), pressEnter,
		until(`!document.querySelector(".pane:not([hidden]) [data-testid=pending-indicator]")`),
		until(`!document.querySelector("[data-testid=interaction-tab] [data-testid=pending-indicator]")`))

	a.customerSays("447700900202", `{"name":"Two","text":"second customer"}`)
	do(t, tab, "the second interaction opens beside the first", until(`document.querySelectorAll("[data-testid=interaction-tab]").length === 2`))
	first := evaluate[string](t, tab, `document.querySelector(".pane:not([hidden])").id`)
	if first == "" {
		t.Fatal("no pane selected")
	}
	do(t, tab, "the second tab blinks and the title flashes",
		until(`document.querySelector("[data-testid=interaction-tab][data-blinking=true]") !== null`),
		until(`document.title.indexOf("Customer waiting") >= 0`),
	)
	screenshot(t, tab, "attention")
	do(t, tab, "going there stops both",
		click(`[data-testid=interaction-tab][data-blinking=true]`),
		until(`document.querySelector("[data-testid=interaction-tab][data-blinking=true]") === null`),
		until(`document.documentElement.getAttribute("data-attention") === "false"`),
		until(`document.title.indexOf("Customer waiting") < 0`),
	)
}

// TestLookAppliesToPushedMessagesInBrowser: the admin's colours and an agent's high-contrast theme apply to
// messages the event stream pushes, and with focus-on-new-messages off a pill jumps to them.
func TestLookAppliesToPushedMessagesInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true", "transcript.customer-message-color": "#ffeeaa",
		"transcript.text-size": "18", "whatsappsession.focus-on-new-messages": "false"})
	a.addUser("ava", auth.RoleAgent)
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ava")
	goReady(t, tab)
	a.customerSays("447700900301", `{"name":"Hue","text":"first"}`)
	do(t, tab, "pane open", chromedp.WaitVisible(chromedp.CSS("[data-side=customer]")))
	for i := 0; i < 25; i++ {
		a.customerSays("447700900301", fmt.Sprintf(`{"text":"line %d"}`, i))
	}
	do(t, tab, "pushed messages arrive", until(`document.querySelectorAll("[data-side=customer]").length === 26`))
	style := evaluate[map[string]string](t, tab, `(function () { var b = document.querySelectorAll("[data-side=customer] .bubble"); var s = getComputedStyle(b[b.length - 1]);
		return {bg: s.backgroundColor, size: getComputedStyle(document.body).fontSize}; })()`)
	if style["bg"] != "rgb(255, 238, 170)" || style["size"] != "18px" {
		t.Errorf("pushed message look %v", style)
	}
	do(t, tab, "the transcript stayed put and offers a pill", chromedp.WaitVisible(chromedp.CSS("[data-testid=new-messages-pill]")),
		click("[data-testid=new-messages-pill]"),
		until(`(function () { var t = document.querySelector(".pane:not([hidden]) .transcript"); return t.scrollHeight - t.scrollTop - t.clientHeight < 30; })()`))
	do(t, tab, "switch on high contrast", click("[data-testid=theme-toggle]"),
		chromedp.WaitVisible(chromedp.CSS("body.high-contrast [data-testid=workspace]")),
		until(`document.documentElement.getAttribute("data-app-ready") === "true"`),
		until(`document.documentElement.getAttribute("data-stream") === "synced"`))
	a.customerSays("447700900301", `{"text":"after the switch"}`)
	do(t, tab, "a pushed message", until(`document.querySelectorAll("[data-side=customer]").length === 27`))
	border := evaluate[string](t, tab, `(function () { var b = document.querySelectorAll("[data-side=customer] .bubble"); return getComputedStyle(b[b.length - 1]).borderTopWidth; })()`)
	if border != "2px" {
		t.Errorf("high-contrast border on a pushed message: %q", border)
	}
	screenshot(t, tab, "high-contrast")
}
