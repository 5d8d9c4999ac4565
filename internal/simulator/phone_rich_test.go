package simulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// deliveredSend sends a business message and waits until the phone shows it.
func (h *harness) deliveredSend(body string) string {
	h.t.Helper()
	status, answer := h.send(firstID, body)
	if status != http.StatusOK {
		h.t.Fatalf("send: %d %v", status, answer)
	}
	wamid := path(answer, "messages", 0, "id").(string)
	h.receiver.waitFor(h.t, "delivered "+wamid, func(list []map[string]any) bool {
		for _, s := range statusesFor(list, wamid) {
			if s["status"] == "delivered" {
				return true
			}
		}
		return false
	})
	return wamid
}

// tap is the customer tapping option of the message wamid on the phone page.
func (h *harness) tap(waID, wamid, option string) (int, string) {
	h.t.Helper()
	form := url.Values{"wamid": {wamid}, "option": {option}}
	status, data := h.do(http.MethodPost, "/phone/"+waID+"/choices", form.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"})
	return status, string(data)
}

// lastMessageWebhook is the message object of the newest inbound message webhook.
func (h *harness) lastMessageWebhook(what string, count int) map[string]any {
	h.t.Helper()
	var last map[string]any
	h.receiver.waitFor(h.t, what, func(list []map[string]any) bool {
		n := 0
		for _, webhook := range list {
			if message, ok := path(webhook, "entry", 0, "changes", 0, "value", "messages", 0).(map[string]any); ok {
				n++
				last = message
			}
		}
		return n >= count
	})
	return last
}

// TestCustomerTapsSendMetasWebhooks: tapping a template's quick reply sends a "button" message, a reply
// button an interactive button_reply, a list row a list_reply, each quoting the business message by
// context.id, exactly as WhatsApp does. The phone shows templates in their registered wording.
func TestCustomerTapsSendMetasWebhooks(t *testing.T) {
	h := newHarness(t)
	const customer = "447700900123"
	h.registerTemplate(`{"name":"delivery_slot","language":"en_GB","category":"UTILITY","components":[
		{"type":"HEADER","format":"TEXT","text":"Order {{1}}"},{"type":"BODY","text":"Is {{1}} a good time?"},{"type":"FOOTER","text":"Flowers Inc."},
		{"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"Yes"},{"type":"QUICK_REPLY","text":"No"},{"type":"URL","text":"Track","url":"https://x.example/{{1}}"}]}]}`)
	h.customerSays(customer, `{"text":"hi"}`)

	template := h.deliveredSend(`{"messaging_product":"whatsapp","to":"` + customer + `","type":"template","template":{"name":"delivery_slot","language":{"code":"en_GB"},"components":[
		{"type":"header","parameters":[{"type":"text","text":"A-17"}]},{"type":"body","parameters":[{"type":"text","text":"9am"}]},
		{"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"slot-yes"}]},
		{"type":"button","sub_type":"url","index":"2","parameters":[{"type":"text","text":"A17"}]}]}}`)
	_, page := h.do(http.MethodGet, "/phone/"+customer, "", nil)
	for _, want := range []string{"Order A-17", "Is 9am a good time?", "Flowers Inc.", `href="https://x.example/A17"`, `data-option="1"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("phone page lacks %q", want)
		}
	}

	if status, body := h.tap(customer, template, "2"); status != http.StatusUnprocessableEntity {
		t.Errorf("tapping the URL button as a reply: %d %s", status, body)
	}
	status, body := h.tap(customer, template, "0")
	if status != http.StatusOK || !strings.Contains(body, "Is 9am a good time?") {
		t.Fatalf("tap: %d %s", status, body)
	}
	message := h.lastMessageWebhook("button webhook", 2)
	if message["type"] != "button" || mustJSON(message["button"]) != `{"payload":"slot-yes","text":"Yes"}` ||
		mustJSON(message["context"]) != `{"from":"15550100001","id":"`+template+`"}` {
		t.Errorf("button webhook %s", mustJSON(message))
	}
	h.tap(customer, template, "1")
	if message := h.lastMessageWebhook("second button webhook", 3); mustJSON(message["button"]) != `{"payload":"No","text":"No"}` {
		t.Errorf("without a payload the text is sent: %s", mustJSON(message["button"]))
	}

	buttons := h.deliveredSend(`{"messaging_product":"whatsapp","to":"` + customer + `","type":"interactive","interactive":{"type":"button","body":{"text":"Solved?"},
		"action":{"buttons":[{"type":"reply","reply":{"id":"option-1","title":"Yes"}},{"type":"reply","reply":{"id":"option-2","title":"No"}}]}}}`)
	h.tap(customer, buttons, "option-2")
	message = h.lastMessageWebhook("button_reply webhook", 4)
	if message["type"] != "interactive" || mustJSON(message["interactive"]) != `{"button_reply":{"id":"option-2","title":"No"},"type":"button_reply"}` ||
		path(message, "context", "id") != buttons {
		t.Errorf("button_reply webhook %s", mustJSON(message))
	}

	list := h.deliveredSend(`{"messaging_product":"whatsapp","to":"` + customer + `","type":"interactive","interactive":{"type":"list","body":{"text":"Which?"},
		"action":{"button":"Options","sections":[{"title":"Fast","rows":[{"id":"row-1","title":"Express","description":"Next day"}]},{"title":"Slow","rows":[{"id":"row-2","title":"Ground"}]}]}}}`)
	h.tap(customer, list, "row-1")
	message = h.lastMessageWebhook("list_reply webhook", 5)
	if mustJSON(message["interactive"]) != `{"list_reply":{"description":"Next day","id":"row-1","title":"Express"},"type":"list_reply"}` || path(message, "context", "id") != list {
		t.Errorf("list_reply webhook %s", mustJSON(message))
	}
	if status, _ := h.tap(customer, list, "row-9"); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown row: %d", status)
	}
	if status, _ := h.tap("447700900999", list, "row-1"); status != http.StatusUnprocessableEntity {
		t.Errorf("another customer's message: %d", status)
	}
	_, data := h.do(http.MethodGet, "/api/customers/"+customer+"/messages", "", nil)
	conversation := decodeList(t, data)
	if got := path(conversation[len(conversation)-1], "text"); got != "Express" {
		t.Errorf("the phone's summary of the list reply is %v", got)
	}
}
