package components

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func renderDoc(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const hostile = `<img src=x onerror=alert(1)><div hx-get="/admin" hx-trigger="load">x</div><script>alert(2)</script>`

func sampleWorkspace() WorkspaceView {
	message := MessageView{ID: 7, Side: "customer", Kind: "text", Text: hostile, Time: "10:01", TimeTitle: hostile}
	return WorkspaceView{
		Nav:      Nav{UserName: hostile, Role: "agent", CSRF: `tok"en`, Section: "workspace"},
		Presence: PresenceView{Ready: true},
		Offers: []OfferView{{InteractionID: 3, ContactName: hostile, ProfileName: hostile, Phone: "+44", Channel: "WhatsApp +1",
			FirstMessage: hostile, CaseInfo: []Field{{Label: "Interaction", Value: hostile}}}},
		Interactions: []InteractionView{{ID: 5, ContactID: 9, ContactName: hostile, ProfileName: hostile, Phone: "+44",
			Transcript: TranscriptView{InteractionID: 5, Sessions: []SessionView{{InteractionID: 5, StartedLabel: "Session started", Current: true, Messages: []MessageView{
				message,
				{ID: 8, Side: "agent", Kind: "text", Text: "ok", Status: "failed", StatusLabel: "Failed", ErrorTitle: hostile, ErrorDetail: hostile},
				{ID: 9, Side: "center", Kind: "system", Text: hostile},
				{ID: 10, Side: "customer", Kind: "location", Placeholder: hostile},
			}}}},
			Composer: ComposerView{InteractionID: 5, Text: hostile, Error: hostile, MaxBytes: 4096},
			Done:     DoneView{InteractionID: 5, Dispositions: []Option{{Value: "1", Label: hostile}}, Note: hostile}}},
	}
}

// TestCustomerContentIsInert: customer text, names, errors and notes containing markup and htmx attributes
// come out as text, never as elements or attributes.
func TestCustomerContentIsInert(t *testing.T) {
	doc := renderDoc(t, WorkspacePage(sampleWorkspace()))
	if n := doc.Find("img[onerror], [hx-trigger=load], [hx-get='/admin']").Length(); n != 0 {
		t.Fatalf("%d injected elements rendered", n)
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); !ok {
			t.Errorf("inline script rendered: %s", s.Text())
		}
	})
	if n := doc.Find("[style]").Length(); n != 0 {
		t.Errorf("%d inline style attributes; the CSP forbids them", n)
	}
	for _, id := range []string{"message-text", "offer-message", "offer-name", "message-error"} {
		found := false
		doc.Find("[data-testid=" + id + "]").Each(func(_ int, s *goquery.Selection) {
			found = found || strings.Contains(s.Text(), "<script>alert(2)</script>")
		})
		if !found {
			t.Errorf("%s does not show the markup as text", id)
		}
	}
	if v, _ := doc.Find("body").Attr("hx-headers"); v != `{"X-CSRF-Token":"tok\"en"}` {
		t.Errorf("hx-headers = %q", v)
	}
}

// TestTranscriptLayout: customer messages left, agent right, notices centred, each with its time and the
// agent's with its delivery state; delayed and out-of-order times are marked.
func TestTranscriptLayout(t *testing.T) {
	view := sampleWorkspace().Interactions[0].Transcript
	view.Sessions[0].Messages[0].Delayed = true
	view.Sessions[0].Messages[0].OutOfOrder = true
	doc := renderDoc(t, Transcript(view))
	sides := doc.Find("[data-testid=message]").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-side", "") })
	if strings.Join(sides, ",") != "customer,agent,center,customer" {
		t.Errorf("sides %v", sides)
	}
	if doc.Find("#message-7 time.delayed.out-of-order").Length() != 1 {
		t.Error("delayed out-of-order time not marked")
	}
	if s := doc.Find("#message-8 [data-testid=message-status]").AttrOr("data-status", ""); s != "failed" {
		t.Errorf("agent status %q", s)
	}
	if doc.Find("#message-8 [data-testid=message-error]").Length() != 1 {
		t.Error("failed message has no centred error")
	}
	if strings.TrimSpace(doc.Find("[data-testid=session-start]").Text()) != "Session started" {
		t.Error("session start date missing")
	}
	if doc.Find("#messages-5[data-append-unique]").Length() != 1 {
		t.Error("message list cannot take de-duplicated appends")
	}
}
