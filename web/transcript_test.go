package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

const hostile = `<img src=x onerror=alert(1)><b hx-get="/admin" hx-trigger="load">x</b>`

// kindMessage builds an inbound message of any kind with Meta's shape.
func kindMessage(wamid, from, kind string, content any, extra map[string]any) string {
	m := map[string]any{"from": from, "id": wamid, "timestamp": unixString(time.Now()), "type": kind, kind: content}
	for k, v := range extra {
		m[k] = v
	}
	return mustJSON(m)
}

func (h *harness) receiveRaw(t *testing.T, from, name string, messages ...string) {
	t.Helper()
	body := webhookBody([]change{{phoneNumberID: testPhoneNumberID, contacts: []customer{{waID: from, name: name}}, messages: messages}})
	if res := h.postSigned(t, body); res.status != http.StatusOK {
		t.Fatalf("webhook = %d %s", res.status, res.body)
	}
}

// TestEveryMessageKindRendersAndStaysInert: each kind of customer message renders its own way in the
// agent's window, and markup or htmx attributes in any customer-controlled field stay text.
func TestEveryMessageKindRendersAndStaysInert(t *testing.T) {
	h := newHarness(t)
	agent := h.loggedIn(t, "ava", "agent")
	from := "447700900444"
	h.activeInteraction(t, agent, "wamid.kinds.0", from)
	h.receiveRaw(t, from, hostile,
		kindMessage("wamid.kinds.1", from, "text", map[string]string{"body": "*bold* _it_ ~st~ ```mono``` https://example.com/x javascript:alert(1) " + hostile}, nil),
		kindMessage("wamid.kinds.2", from, "location", map[string]any{"latitude": 51.5, "longitude": -0.12, "name": hostile, "address": hostile, "url": "javascript:alert(1)"}, nil),
		kindMessage("wamid.kinds.3", from, "location", map[string]any{"latitude": 0, "longitude": 0, "url": "https://maps.example/place"}, nil),
		kindMessage("wamid.kinds.4", from, "contacts", []any{map[string]any{"name": map[string]string{"formatted_name": hostile},
			"phones": []map[string]string{{"phone": "+1 555 0100", "type": "CELL"}}, "urls": []map[string]string{{"url": "javascript:alert(1)"}, {"url": "https://ok.example"}}}}, nil),
		kindMessage("wamid.kinds.5", from, "text", map[string]string{"body": "replying"}, map[string]any{"context": map[string]string{"from": from, "id": "wamid.kinds.1"}}),
		kindMessage("wamid.kinds.6", from, "reaction", map[string]string{"message_id": "wamid.kinds.1", "emoji": "❤️"}, nil),
		kindMessage("wamid.kinds.7", from, "image", map[string]string{"id": "media1", "mime_type": "image/jpeg", "caption": hostile}, nil),
		kindMessage("wamid.kinds.8", from, "unsupported", nil, map[string]any{"errors": []map[string]any{{"code": 131051, "title": "Message type unknown"}}}),
	)
	page := agent.get("/")
	if page.status != http.StatusOK {
		t.Fatalf("GET / = %d", page.status)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page.body))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find("img[onerror], [hx-trigger=load], [hx-get='/admin']").Length(); n != 0 {
		t.Fatalf("%d injected elements rendered", n)
	}
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href := strings.ToLower(a.AttrOr("href", ""))
		if strings.HasPrefix(href, "javascript:") {
			t.Errorf("javascript link rendered: %s", href)
		}
	})
	message := func(wamidSuffix string) *goquery.Selection {
		m, err := h.store.MessageByWAMID(context.Background(), "wamid.kinds."+wamidSuffix)
		if err != nil {
			t.Fatal(err)
		}
		return doc.Find(fmt.Sprintf("#message-%d", m.ID))
	}
	text := message("1")
	if text.Find(".b").Text() != "bold" || text.Find(".i").Text() != "it" || text.Find(".s").Text() != "st" || text.Find("code").Text() != "mono" {
		t.Errorf("formatting: %s", must(text.Html()))
	}
	if link := text.Find("a[data-testid=message-link]"); link.Length() != 1 || link.AttrOr("target", "") != "_blank" || link.AttrOr("title", "") != "https://example.com/x" {
		t.Errorf("links: %s", must(text.Html()))
	}
	if r := text.Find("[data-testid=reaction]").Text(); r != "❤️" {
		t.Errorf("reaction on the message it reacts to = %q", r)
	}
	if doc.Find("[data-kind=reaction]").Length() != 0 {
		t.Error("a reaction rendered as a line")
	}
	location := message("2")
	if location.Find("[data-testid=location-name]").Text() != hostile || location.Find("[data-testid=location-url]").Length() != 0 {
		t.Errorf("location: %s", must(location.Html()))
	}
	if location.Find("[data-testid=location-offline]").Length() != 1 || !strings.Contains(location.Find("[data-testid=location-link]").AttrOr("href", ""), "openstreetmap.org") {
		t.Errorf("location without a provider should show the offline rendering linking to a map: %s", must(location.Html()))
	}
	urlOnly := message("3")
	if urlOnly.Find("[data-testid=location-link]").Length() != 0 || urlOnly.Find("[data-testid=location-url]").AttrOr("href", "") != "https://maps.example/place" {
		t.Errorf("a location with only an address should be a text link: %s", must(urlOnly.Html()))
	}
	card := message("4")
	if card.Find("[data-testid=contact-card-name]").Text() != hostile || card.Find("[data-testid=contact-card-phone]").AttrOr("href", "") != "tel:+15550100" {
		t.Errorf("contact card: %s", must(card.Html()))
	}
	if quote := message("5").Find("[data-testid=message-quote]"); !strings.Contains(quote.Text(), "bold") {
		t.Errorf("quoted reply: %s", must(message("5").Html()))
	}
	if !strings.Contains(message("7").Find("[data-testid=message-text]").Text(), "<img src=x") {
		t.Errorf("caption not shown as text: %s", must(message("7").Html()))
	}
	if unsupported := message("8"); unsupported.AttrOr("data-side", "") != "center" || !strings.Contains(unsupported.Text(), "cannot deliver") {
		t.Errorf("unsupported: %s", must(unsupported.Html()))
	}
}

func must(s string, err error) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// TestContactMatchingAndNumberChange: a customer writing from a number the contact database holds in another
// format shows with the contact's name; WhatsApp's "changed number" moves the contact and says so.
func TestContactMatchingAndNumberChange(t *testing.T) {
	h := newHarness(t)
	supervisor := h.loggedIn(t, "sue", "supervisor")
	if res := supervisor.post("/contacts", url.Values{"name": {"Rosa Díaz"}, "phone": {"0044 (7700) 900-777"}}); res.status != http.StatusSeeOther {
		t.Fatalf("create contact = %d %s", res.status, res.body)
	}
	if res := supervisor.post("/contacts", url.Values{"name": {"Bad"}, "phone": {"call me"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "not a phone number") {
		t.Fatalf("bad number = %d", res.status)
	}
	agent := h.loggedIn(t, "ava", "agent")
	i := h.activeInteraction(t, agent, "wamid.match.1", "447700900777")
	page := agent.get("/")
	if name := strings.TrimSpace(page.testID("pane-contact").Text()); name != "Rosa Díaz" {
		t.Errorf("pane shows %q, want the contact-database name", name)
	}
	h.receiveRaw(t, "447700900777", "Rosa", kindMessage("wamid.match.2", "447700900777", "system",
		map[string]string{"body": "User A changed from 447700900777 to 447700900888", "new_wa_id": "447700900888", "type": "user_changed_number"}, nil))
	contact, err := h.store.ContactByWAID(context.Background(), "447700900888")
	if err != nil || contact.Name != "Rosa Díaz" {
		t.Fatalf("contact after number change: %+v %v", contact, err)
	}
	page = agent.get("/")
	if notice := page.testID("notice").Text(); !strings.Contains(notice, "+447700900777 to +447700900888") {
		t.Errorf("transcript notice %q", notice)
	}
	_ = i
}

// TestEmojisComeFromTheBusinessAttribute: admins keep the emoji list as a business attribute named by the
// option; without one the default set shows.
func TestEmojisComeFromTheBusinessAttribute(t *testing.T) {
	h := newHarness(t)
	admin := h.loggedIn(t, "ada", "admin")
	agent := h.loggedIn(t, "ava", "agent")
	h.activeInteraction(t, agent, "wamid.emoji.1", "447700900999")
	if n := agent.get("/").testID("emoji").Length(); n < 20 {
		t.Fatalf("default set has %d emojis", n)
	}
	if res := admin.post("/admin/attributes", url.Values{"name": {"Emojis"}, "values": {"🙂\n\n👍\r\n🎉"}}); res.status != http.StatusSeeOther {
		t.Fatalf("save attribute = %d %s", res.status, res.body)
	}
	if res := admin.post("/admin/settings", url.Values{"whatsappsession.emojis-business-attribute": {"Emojis"}}); res.status != http.StatusOK {
		t.Fatalf("settings = %d", res.status)
	}
	var got []string
	agent.get("/").testID("emoji").Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("data-emoji", "")) })
	if strings.Join(got, " ") != "🙂 👍 🎉" {
		t.Errorf("emojis %v", got)
	}
	if res := admin.post("/admin/attributes", url.Values{"name": {""}, "values": {"x"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("nameless attribute = %d", res.status)
	}
}

// TestMapImageOnlyFromTheProvider: the map endpoint takes coordinates only, refuses bad ones, and falls back
// to the offline picture with no provider.
func TestMapImageOnlyFromTheProvider(t *testing.T) {
	h := newHarness(t)
	agent := h.loggedIn(t, "ava", "agent")
	for _, q := range []string{"lat=91&lon=0", "lat=abc&lon=1", "lon=1", "lat=NaN&lon=1"} {
		if res := agent.get("/maps/static?" + q); res.status != http.StatusBadRequest {
			t.Errorf("%s = %d", q, res.status)
		}
	}
	res := agent.get("/maps/static?lat=51.5&lon=-0.12&url=http://evil.example/")
	if res.status != http.StatusOK || !strings.Contains(res.body, "<svg") || !strings.Contains(res.body, "51.50000, -0.12000") {
		t.Errorf("offline map = %d %.80s", res.status, res.body)
	}
}
