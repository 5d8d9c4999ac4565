package simulator

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func (h *harness) page(path string) (int, *goquery.Document) {
	h.t.Helper()
	status, data := h.do(http.MethodGet, path, "", nil)
	document, err := goquery.NewDocumentFromReader(strings.NewReader(string(data)))
	if err != nil {
		h.t.Fatal(err)
	}
	return status, document
}

func form(values map[string]string) (string, map[string]string) {
	encoded := url.Values{}
	for name, value := range values {
		encoded.Set(name, value)
	}
	return encoded.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
}

func TestPhonePickerCreatesCustomers(t *testing.T) {
	h := newHarness(t)
	status, document := h.page("/phone")
	if status != http.StatusOK {
		t.Fatalf("status = %d", status)
	}
	if document.Find("[data-testid=phone-customers-empty]").Length() != 1 {
		t.Error("empty picker does not say so")
	}
	if document.Find("select[name=phone_number_id] option").Length() != 2 {
		t.Error("picker does not offer both business numbers")
	}

	body, headers := form(map[string]string{"wa_id": "+44 7700 900123", "name": "Ann Lee", "phone_number_id": secondID})
	status, _ = h.do(http.MethodPost, "/phone/customers", body, headers)
	if status != http.StatusSeeOther {
		t.Fatalf("create = %d, want 303", status)
	}

	_, document = h.page("/phone")
	link := document.Find("[data-testid=phone-customer-link]")
	if link.Length() != 1 || !strings.Contains(link.Text(), "Ann Lee") {
		t.Fatalf("customer links = %q", link.Text())
	}
	if href, _ := link.Attr("href"); href != "/sim/phone/447700900123" {
		t.Errorf("link = %q", href)
	}

	body, headers = form(map[string]string{"wa_id": "call me", "name": "Bob"})
	status, data := h.do(http.MethodPost, "/phone/customers", body, headers)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad number = %d, want 422", status)
	}
	document, _ = goquery.NewDocumentFromReader(strings.NewReader(string(data)))
	if document.Find("[data-testid=phone-error]").Length() != 1 {
		t.Error("no error shown for a bad number")
	}
	if value, _ := document.Find("[data-testid=phone-create-number]").Attr("value"); value != "call me" {
		t.Errorf("typed number not kept: %q", value)
	}
}

func TestPhoneChatShowsAndSendsMessages(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"name":"Ann Lee","text":"hello"}`)
	wamid := h.sendText("447700900123", "Hi <b>Ann</b>")
	h.receiver.waitFor(t, "delivered", hasStatuses(wamid, "sent", "delivered"))
	status, answer := h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"interactive","interactive":{"type":"button",`+
		`"header":{"type":"text","text":"Order 42"},"body":{"text":"Resolved?"},"footer":{"text":"Thanks"},`+
		`"action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes"}},{"type":"reply","reply":{"id":"no","title":"No"}}]}}}`)
	if status != http.StatusOK {
		t.Fatalf("interactive = %d %v", status, answer)
	}
	interactive := path(answer, "messages", 0, "id").(string)
	h.receiver.waitFor(t, "delivered", hasStatuses(interactive, "sent", "delivered"))

	status, document := h.page("/phone/447700900123")
	if status != http.StatusOK {
		t.Fatalf("status = %d", status)
	}
	for _, id := range []string{"phone-composer", "phone-send", "phone-business"} {
		if document.Find("[data-testid="+id+"]").Length() != 1 {
			t.Errorf("missing %s", id)
		}
	}
	if document.Find("textarea[data-testid=phone-composer]").Length() != 1 {
		t.Error("composer is not a textarea")
	}
	if document.Find("script:not([src]), style, [style]").Length() != 0 {
		t.Error("inline script or style would break the product's Content-Security-Policy")
	}
	bubbles := document.Find("[data-testid=phone-message]")
	if bubbles.Length() != 3 {
		t.Fatalf("bubbles = %d, want 3", bubbles.Length())
	}
	if direction, _ := bubbles.Eq(0).Attr("data-direction"); direction != "out" {
		t.Errorf("customer bubble direction = %q", direction)
	}
	business := bubbles.Eq(1)
	if direction, _ := business.Attr("data-direction"); direction != "in" {
		t.Errorf("business bubble direction = %q", direction)
	}
	if id, _ := business.Attr("data-wamid"); id != wamid {
		t.Errorf("data-wamid = %q, want %q", id, wamid)
	}
	if text := business.Find("[data-testid=phone-message-text]").Text(); text != "Hi <b>Ann</b>" {
		t.Errorf("business text = %q (must be escaped text)", text)
	}
	rich := bubbles.Eq(2)
	if rich.Find("[data-testid=rich-header]").Text() != "Order 42" ||
		rich.Find("[data-testid=rich-footer]").Text() != "Thanks" ||
		rich.Find("[data-testid=rich-answer]").Length() != 2 {
		t.Errorf("interactive bubble = %s", rich.Text())
	}

	t.Run("composer with htmx gets the bubble and the product gets the webhook", func(t *testing.T) {
		body, headers := form(map[string]string{"text": "Thanks!", "phone_number_id": firstID})
		headers["HX-Request"] = "true"
		status, data := h.do(http.MethodPost, "/phone/447700900123/messages", body, headers)
		if status != http.StatusOK {
			t.Fatalf("post = %d %s", status, data)
		}
		fragment, _ := goquery.NewDocumentFromReader(strings.NewReader(string(data)))
		bubble := fragment.Find("[data-testid=phone-message]")
		direction, _ := bubble.Attr("data-direction")
		id, _ := bubble.Attr("data-wamid")
		if bubble.Length() != 1 || direction != "out" || !strings.Contains(bubble.Text(), "Thanks!") {
			t.Fatalf("fragment = %s", data)
		}
		webhooks := h.receiver.waitFor(t, "phone message", func(list []map[string]any) bool { return messageWebhook(list, id) != nil })
		message := path(messageWebhook(webhooks, id), "entry", 0, "changes", 0, "value", "messages", 0)
		if path(message, "text", "body") != "Thanks!" {
			t.Errorf("webhook message = %s", mustJSON(message))
		}
	})

	t.Run("plain form post redirects back", func(t *testing.T) {
		body, headers := form(map[string]string{"text": "Plain"})
		status, _ := h.do(http.MethodPost, "/phone/447700900123/messages", body, headers)
		if status != http.StatusSeeOther {
			t.Errorf("post = %d, want 303", status)
		}
	})

	t.Run("empty message is refused", func(t *testing.T) {
		body, headers := form(map[string]string{"text": "   "})
		status, data := h.do(http.MethodPost, "/phone/447700900123/messages", body, headers)
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(data), "Type a message first") {
			t.Errorf("post = %d", status)
		}
	})

	t.Run("reading on the page sends read", func(t *testing.T) {
		body, headers := form(map[string]string{"phone_number_id": firstID})
		if status, _ := h.do(http.MethodPost, "/phone/447700900123/read", body, headers); status != http.StatusNoContent {
			t.Fatalf("read = %d", status)
		}
		h.receiver.waitFor(t, "read", hasStatuses(wamid, "sent", "delivered", "read"))
	})
}

func TestPhoneEventsStreamBusinessMessages(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"text":"hello"}`)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	request, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.apiPrefix+"/phone/447700900123/events", nil)
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	if response.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type = %q", response.Header.Get("Content-Type"))
	}
	events := make(chan string, 16)
	go func() {
		reader := bufio.NewReader(response.Body)
		var event strings.Builder
		for {
			line, err := reader.ReadString('\n')
			if err != nil {
				close(events)
				return
			}
			if line == "\n" {
				events <- event.String()
				event.Reset()
				continue
			}
			event.WriteString(line)
		}
	}()
	next := func(what string) string {
		t.Helper()
		for {
			select {
			case event, ok := <-events:
				if !ok {
					t.Fatalf("stream ended waiting for %s", what)
				}
				if strings.HasPrefix(event, "event: bubble") {
					return event
				}
			case <-ctx.Done():
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}

	if replay := next("replay"); !strings.Contains(replay, `data-direction="out"`) || !strings.Contains(replay, "hello") {
		t.Errorf("replay = %q", replay)
	}
	wamid := h.sendText("447700900123", "Live reply")
	live := next("business message")
	if !strings.Contains(live, `data-direction="in"`) || !strings.Contains(live, "Live reply") || !strings.Contains(live, wamid[:20]) {
		t.Errorf("live event = %q", live)
	}
}

func TestPhoneAssets(t *testing.T) {
	h := newHarness(t)
	for name, contentType := range map[string]string{"phone.css": "text/css", "phone.js": "text/javascript"} {
		status, data := h.do(http.MethodGet, "/assets/"+name, "", nil)
		if status != http.StatusOK || len(data) == 0 {
			t.Errorf("%s = %d", name, status)
		}
		request, _ := http.NewRequest(http.MethodGet, h.apiPrefix+"/assets/"+name, nil)
		response, err := http.DefaultClient.Do(request)
		if err != nil {
			t.Fatal(err)
		}
		response.Body.Close()
		if !strings.HasPrefix(response.Header.Get("Content-Type"), contentType) {
			t.Errorf("%s content type = %q", name, response.Header.Get("Content-Type"))
		}
	}
	if status, _ := h.do(http.MethodGet, "/assets/../simulator.go", "", nil); status != http.StatusNotFound {
		t.Errorf("path escape = %d, want 404", status)
	}
}
