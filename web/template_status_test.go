package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"switchboard/internal/auth"
	"switchboard/store"
)

// templateStatusBody is a template status webhook exactly as Meta posts it, for the seeded notification's
// template thank_you_patience (en_US).
func templateStatusBody(event, reason string, at int64, extra string) []byte {
	return fmt.Appendf(nil, `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":%d,"changes":[{"value":{`+
		`"event":%q,"message_template_id":594425479261596,"message_template_name":"thank_you_patience","message_template_language":"en_US",`+
		`"reason":%q%s},"field":"message_template_status_update"}]}]}`, at, event, reason, extra)
}

// approvedPatience records the seeded notification as registered and approved, and returns it.
func (h *harness) approvedPatience(t *testing.T) store.Response {
	t.Helper()
	ctx := context.Background()
	patience, err := h.store.ResponseByTemplate(ctx, "thank_you_patience")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SetTemplateStatus(ctx, patience.ID, "594425479261596", "APPROVED", "", 0); err != nil {
		t.Fatal(err)
	}
	patience, _ = h.store.ResponseByID(ctx, patience.ID)
	return patience
}

// TestWebhookTemplateStatusUpdatesNotification: a signed template status webhook records WhatsApp's
// verdict and reason on the notification that is that template, and the admin pages show it; a bad
// signature changes nothing; the same news again, news about a template no notification is, and older
// news are acknowledged and change nothing; a malformed one is quarantined.
func TestWebhookTemplateStatusUpdatesNotification(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	patience := h.approvedPatience(t)
	status := func() store.Response {
		t.Helper()
		r, err := h.store.ResponseByID(ctx, patience.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	rejected := templateStatusBody("REJECTED", "INVALID_FORMAT", 1751247548,
		`,"message_template_category":"UTILITY","rejection_info":{"reason":"Your template has parameters placed next to each other.","recommendation":"Separate parameters with descriptive text."}`)
	if res := h.postWebhook(t, rejected, "sha256="+strings.Repeat("0", 64)); res.status != http.StatusUnauthorized {
		t.Fatalf("bad signature = %d %s", res.status, res.body)
	}
	if r := status(); r.WAStatus != "APPROVED" || r.WADetail != "" {
		t.Fatalf("a badly signed webhook changed the template status: %+v", r)
	}

	if res := h.postSigned(t, rejected); res.status != http.StatusOK {
		t.Fatalf("signed = %d %s", res.status, res.body)
	}
	r := status()
	if r.WAStatus != "REJECTED" || !strings.Contains(r.WADetail, "Rejected by WhatsApp (INVALID_FORMAT): its format is invalid.") ||
		!strings.Contains(r.WADetail, "Separate parameters with descriptive text.") {
		t.Errorf("after the rejection: %+v", r)
	}
	for name, body := range map[string][]byte{
		"the same news again": rejected,
		"older news":          templateStatusBody("APPROVED", "NONE", 1751247000, ""),
		"an unknown template": []byte(strings.NewReplacer("thank_you_patience", "made_elsewhere", "594425479261596", "1192339204654487").
			Replace(string(templateStatusBody("APPROVED", "NONE", 1751247999, "")))),
	} {
		if res := h.postSigned(t, body); res.status != http.StatusOK {
			t.Errorf("%s = %d %s", name, res.status, res.body)
		}
		if again := status(); again.WAStatus != r.WAStatus || again.WADetail != r.WADetail {
			t.Errorf("%s changed the notification: %+v", name, again)
		}
	}
	if n := h.count(t, "quarantine"); n != 0 {
		t.Errorf("%d items quarantined", n)
	}

	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	row := admin.get("/admin/responses").doc.Find(`[data-testid=response-row][data-name="Thank you for your patience"] [data-testid=response-status]`)
	if row.AttrOr("data-status", "") != "REJECTED" || !strings.Contains(row.Text(), "INVALID_FORMAT") || !strings.Contains(row.Text(), "Agents cannot send it") ||
		row.Find(".pill.blocked").Length() != 1 {
		t.Errorf("library row: %q", row.Text())
	}
	page := admin.get(fmt.Sprintf("/admin/responses/%d", patience.ID))
	if got := page.text("template-status"); !strings.Contains(got, "REJECTED") || !strings.Contains(got, "INVALID_FORMAT") || page.testID("template-blocked").Length() != 1 {
		t.Errorf("edit page: %q", got)
	}

	malformed := []byte(strings.Replace(string(templateStatusBody("PAUSED", "NONE", 1751248000, "")), `"message_template_language":"en_US",`, "", 1))
	if res := h.postSigned(t, malformed); res.status != http.StatusOK {
		t.Fatalf("malformed = %d %s", res.status, res.body)
	}
	items, err := h.store.Quarantine(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || !strings.Contains(items[0].Reason, "message_template_language") || !strings.Contains(items[0].Raw, `"event":"PAUSED"`) {
		t.Errorf("quarantine %+v", items)
	}
	if again := status(); again.WAStatus != "REJECTED" {
		t.Errorf("a malformed change changed the status: %+v", again)
	}
	if page := admin.get(fmt.Sprintf("/admin/responses/%d", patience.ID)); page.testID("template-blocked").Length() != 1 {
		t.Error("the edit page lost the warning")
	}
}

// TestAgentCannotSendUnapprovedTemplate: while WhatsApp has a notification's template paused, the
// Responses panel says why it cannot be sent, the composer says text after the window cannot go out as
// it, the editor shows the reason with Send disabled, and a send is refused at the server with nothing
// queued; once WhatsApp reinstates it, it goes.
func TestAgentCannotSendUnapprovedTemplate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	patience := h.approvedPatience(t)
	alice := h.loggedIn(t, "alice", auth.RoleAgent)
	i := h.activeInteraction(t, alice, "wamid.paused", "16505551234")
	paused := templateStatusBody("PAUSED", "NONE", 1751247548,
		`,"other_info":{"title":"FIRST_PAUSE","description":"Your WhatsApp message template has been paused for 3 hours."}`)
	if res := h.postSigned(t, paused); res.status != http.StatusOK {
		t.Fatalf("webhook = %d %s", res.status, res.body)
	}

	list := alice.get(fmt.Sprintf("/interactions/%d/responses?kind=notification", i.ID))
	item := list.doc.Find(fmt.Sprintf(`[data-testid=response-item][data-response-id="%d"]`, patience.ID))
	if got := item.Find("[data-testid=response-unavailable]").Text(); !strings.Contains(got, "PAUSED") || !strings.Contains(got, "FIRST_PAUSE") {
		t.Errorf("panel entry says %q", got)
	}
	if got := alice.get("/").text("composer-automatic-blocked"); !strings.Contains(got, "thank_you_patience") || !strings.Contains(got, "PAUSED") {
		t.Errorf("the composer's notice for after the window says %q", got)
	}
	base := fmt.Sprintf("/interactions/%d/responses/%d", i.ID, patience.ID)
	editor := alice.get(base + "/editor")
	if editor.status != http.StatusOK || editor.testID("editor-send").AttrOr("disabled", "no") == "no" ||
		!strings.Contains(editor.text("editor-problems"), "its template is PAUSED") {
		t.Errorf("editor: %d, problems %q", editor.status, editor.text("editor-problems"))
	}
	res := alice.htmx(base+"/send", url.Values{"f.body.1": {"We have an update for you."}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.text("editor-problems"), "WhatsApp does not allow this notification to be sent") {
		t.Errorf("send = %d, problems %q", res.status, res.text("editor-problems"))
	}
	if n := h.count(t, "messages", "direction = 'out'"); n != 0 {
		t.Fatalf("%d messages queued for a paused template", n)
	}

	if res := h.postSigned(t, templateStatusBody("REINSTATED", "NONE", 1751258348, "")); res.status != http.StatusOK {
		t.Fatalf("webhook = %d %s", res.status, res.body)
	}
	if page := alice.get("/"); page.testID("composer-automatic-blocked").Length() != 0 {
		t.Error("the composer still says the automatic notification cannot go")
	}
	if editor := alice.get(base + "/editor"); editor.testID("editor-send").AttrOr("disabled", "no") != "no" {
		t.Errorf("editor after reinstatement: problems %q", editor.text("editor-problems"))
	}
	if res := alice.htmx(base+"/send", url.Values{"f.body.1": {"We have an update for you."}}); res.status != http.StatusOK {
		t.Errorf("send after reinstatement = %d %s", res.status, res.body)
	}
	if n := h.count(t, "messages", "direction = 'out'"); n != 1 {
		t.Errorf("%d messages queued, want 1", n)
	}
}
