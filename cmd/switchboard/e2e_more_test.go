package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
)

// TestSupervisorSeesReadyAndFailedSendsInBrowser: the supervisor board follows an agent going Ready and an
// interaction being handled, live; a send WhatsApp refuses shows a centred error with Meta's title, and a
// transient failure is retried until delivered.
func TestSupervisorSeesReadyAndFailedSendsInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	a.addUser("sue", auth.RoleSupervisor)
	root := browser(t)
	supervisor, agent := newTab(t, root), newTab(t, root)

	login(t, supervisor, a.URL, "sue")
	do(t, supervisor, "open the live board",
		chromedp.Navigate(a.URL+"/supervisor"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=presence-row][data-username=ava]`)),
		until(`document.querySelector("[data-testid=ready-count]").textContent.trim() === "0 Ready"`),
	)
	login(t, agent, a.URL, "ava")
	goReady(t, agent)
	do(t, supervisor, "the board shows Ava Ready without a reload",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=presence-row][data-username=ava][data-ready=true]`)),
		until(`document.querySelector("[data-testid=ready-count]").textContent.trim() === "1 Ready"`),
	)

	a.customerSays("447700900999", `{"name":"Eve","text":"hi"}`)
	do(t, supervisor, "the interaction shows as in progress",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=queue-in-progress] [data-testid=queue-row]`)),
	)
	screenshot(t, supervisor, "board")
	do(t, agent, "auto-answer opens it", chromedp.WaitVisible(chromedp.CSS("[data-side=customer]")))

	injectFailure(t, a.URL, `{"kind":"undeliverable","count":1}`)
	do(t, agent, "a refused send shows Meta's error title, centred",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "this one will not arrive"), pressEnter,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=message-error]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=message-status][data-status=failed]`)),
	)
	errorText := evaluate[string](t, agent, `document.querySelector("[data-testid=message-error]").innerText`)
	if !strings.Contains(errorText, "undeliverable") {
		t.Errorf("failure shown as %q, want Meta's title", errorText)
	}
	if align := evaluate[string](t, agent, `getComputedStyle(document.querySelector("[data-testid=message-error]")).alignSelf`); align != "center" {
		t.Errorf("error aligned %q, want centred", align)
	}

	injectFailure(t, a.URL, `{"kind":"http500","count":1}`)
	do(t, agent, "a transient failure is retried and the message still arrives",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "second try works"), pressEnter,
		until(`Array.from(document.querySelectorAll("[data-side=agent]")).some(function (li) {
			return li.textContent.indexOf("second try works") >= 0 && li.querySelector("[data-status=delivered],[data-status=read]");
		})`),
	)
	screenshot(t, agent, "failed-send")
}

func injectFailure(t *testing.T, baseURL, body string) {
	t.Helper()
	response, err := http.Post(baseURL+"/sim/api/failures", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if response.StatusCode >= 300 {
		t.Fatalf("inject failure: %s", response.Status)
	}
}

// TestAdminSettingsInBrowser: every option is listed with its default; an invalid value is refused in place,
// keeping what was typed, and changes nothing.
func TestAdminSettingsInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.addUser("ada", auth.RoleAdmin)
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ada")
	do(t, tab, "open settings",
		chromedp.Navigate(a.URL+"/admin/settings"),
		chromedp.WaitVisible(chromedp.CSS(`[data-option="whatsappsession.max-text-message-size"]`)),
	)
	for _, name := range []string{"whatsappsession.transcript-interactions-count", "whatsappsession.pending-response-to-customer",
		"whatsappsession.new-message-blinking", "whatsappsession.new-message-blinking-duration", "whatsappsession.show-cross-channel-messages",
		"whatsappsession.emojis-business-attribute", "intercommunication.whatsappsession.queue", "whatsappsession.message-delay-timespan",
		"interaction.offer-timeout", "interaction.auto-answer", "agent.max-concurrent-interactions", "agent.ready-at-login"} {
		if !evaluate[bool](t, tab, `!!document.querySelector('[data-option="`+name+`"]')`) {
			t.Errorf("option %s not listed", name)
		}
	}
	screenshot(t, tab, "settings")
	field := chromedp.CSS(`[data-option="whatsappsession.pending-response-to-customer"] input`)
	do(t, tab, "type an invalid pair and save",
		chromedp.SetValue(field, "50,30"),
		chromedp.SetValue(chromedp.CSS(`[data-option="interaction.offer-timeout"] input`), "45"),
		click("[data-testid=settings-save]"),
		chromedp.WaitVisible(chromedp.CSS(`[data-option="whatsappsession.pending-response-to-customer"] [data-testid=option-error]`)),
	)
	if value := evaluate[string](t, tab, `document.querySelector('[data-option="whatsappsession.pending-response-to-customer"] input').value`); value != "50,30" {
		t.Errorf("typed value not kept: %q", value)
	}
	if got := a.Options.Raw("interaction.offer-timeout"); got != "30" {
		t.Errorf("a refused form still changed interaction.offer-timeout to %s", got)
	}
	do(t, tab, "fix it and save",
		chromedp.SetValue(field, "20,40"),
		click("[data-testid=settings-save]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=settings-saved]")),
	)
	if got := a.Options.Raw("whatsappsession.pending-response-to-customer"); got != "20,40" {
		t.Errorf("saved value %q", got)
	}
	for _, page := range []string{"/admin/users", "/admin/dispositions", "/admin/numbers", "/admin/quarantine", "/supervisor", "/contacts", "/account"} {
		do(t, tab, "open "+page, chromedp.Navigate(a.URL+page), chromedp.WaitVisible(chromedp.CSS("main#main h1")))
		screenshot(t, tab, strings.ReplaceAll(strings.Trim(page, "/"), "/", "-"))
	}
}
