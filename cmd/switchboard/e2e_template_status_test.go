package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
	"switchboard/internal/notify"
)

// reviewTemplate has the simulator's template reviewer decide about a template, and waits until
// Switchboard took the signed status webhook that tells it.
func (a *testApp) reviewTemplate(body string) {
	a.t.Helper()
	response, err := http.Post(a.URL+"/sim/api/templates/review?wait=1", "application/json", strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	defer response.Body.Close()
	answer, _ := io.ReadAll(response.Body)
	var outcome struct {
		Delivered bool `json:"delivered"`
	}
	if response.StatusCode != http.StatusAccepted || json.Unmarshal(answer, &outcome) != nil || !outcome.Delivered {
		a.t.Fatalf("template review: %s %s", response.Status, answer)
	}
}

// TestTemplateStatusInBrowser: when WhatsApp rejects a notification's template (the simulator's reviewer,
// by signed webhook), the admin's library shows the rejection and its reason, and the agent's Responses
// panel and editor say why it cannot be sent, with Send disabled; once WhatsApp approves it again, it goes.
func TestTemplateStatusInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	a.addUser("ada", auth.RoleAdmin)
	id := a.saveResponse(notify.ResponseInput{Name: "Payment confirmation", Kind: notify.KindNotification, Definition: notify.Definition{Template: paymentConfirmation()}})
	root := browser(t)
	tab := newTab(t, root)
	openInteraction(t, a, tab, "ava", "447700900777", `{"name":"Masha Ivanova","text":"Did my payment arrive?"}`)

	a.reviewTemplate(`{"name":"payment_confirmation","language":"en_US","event":"REJECTED","reason":"INVALID_FORMAT"}`)
	if r, err := a.Store.ResponseByID(context.Background(), id); err != nil || r.WAStatus != "REJECTED" || !strings.Contains(r.WADetail, "INVALID_FORMAT") {
		t.Fatalf("after the rejection webhook: %+v %v", r, err)
	}

	item := `[data-testid=response-item][data-name="Payment confirmation"]`
	// The panel was drawn before the rejection; choosing what it shows draws it again.
	do(t, tab, "the panel says why the notification cannot be sent",
		openResponses,
		chromedp.WaitVisible(chromedp.CSS("[data-testid=responses-panel]")),
		chromedp.Evaluate[chromedp.Void](`(function () { var kind = document.querySelector("[data-testid=responses-kind]");
			kind.value = "notification"; kind.dispatchEvent(new Event("change", {bubbles: true})); })()`),
		chromedp.WaitVisible(chromedp.CSS(item+" [data-testid=response-unavailable]")),
		until(`!document.querySelector(".responses-search.htmx-request")`),
	)
	if got := evaluate[string](t, tab, `document.querySelector('`+item+` [data-testid=response-unavailable]').textContent`); !strings.Contains(got, "REJECTED") || !strings.Contains(got, "INVALID_FORMAT") {
		t.Errorf("panel entry says %q", got)
	}
	do(t, tab, "the editor shows the reason and Send is disabled",
		click(item+" [data-testid=response-insert]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=editor] [data-testid=editor-problem]")),
	)
	if got := evaluate[string](t, tab, `document.querySelector("[data-testid=editor-problems]").innerText`); !strings.Contains(got, "its template is REJECTED") || !strings.Contains(got, "its format is invalid") {
		t.Errorf("editor problems %q", got)
	}
	if !evaluate[bool](t, tab, `document.querySelector("[data-testid=editor-send]").disabled`) {
		t.Error("Send is enabled for a rejected template")
	}
	screenshot(t, tab, "template-rejected-editor")

	admin := newTab(t, root)
	login(t, admin, a.URL, "ada")
	do(t, admin, "the library lists the rejection", chromedp.Navigate(a.URL+"/admin/responses"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=response-row][data-name="Payment confirmation"] .pill.blocked`)))
	if row := evaluate[string](t, admin, `document.querySelector('[data-testid=response-row][data-name="Payment confirmation"] [data-testid=response-status]').innerText`); !strings.Contains(row, "REJECTED") ||
		!strings.Contains(row, "INVALID_FORMAT") || !strings.Contains(row, "Agents cannot send it") {
		t.Errorf("library row %q", row)
	}
	screenshot(t, admin, "template-rejected-admin")

	a.reviewTemplate(`{"name":"payment_confirmation","language":"en_US","event":"APPROVED"}`)
	do(t, tab, "approved again, it opens ready to send and goes",
		click("[data-testid=editor-cancel]"),
		chromedp.WaitNotPresent(chromedp.CSS("[data-testid=editor]")),
		click(item+" [data-testid=response-insert]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=editor]")),
		until(`!document.querySelector("[data-testid=editor-send]").disabled`),
		click("[data-testid=editor-send]"),
		chromedp.WaitNotPresent(chromedp.CSS("[data-testid=editor]")),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=rich-message][data-kind=notification]`)),
	)
	if sent := a.sent(); len(sent) != 1 || sent[0].Type != "template" {
		t.Errorf("sent %+v", sent)
	}
}
