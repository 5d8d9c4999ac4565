package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestSendRejectsInvalidRequestsWithMetaErrorShape(t *testing.T) {
	h := newHarness(t)
	text := func(body string) string {
		return `{"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{"body":` + body + `}}`
	}
	interactive := func(object string) string {
		return `{"messaging_product":"whatsapp","to":"447700900123","type":"interactive","interactive":` + object + `}`
	}
	buttons := func(list string) string {
		return interactive(`{"type":"button","body":{"text":"Pick"},"action":{"buttons":[` + list + `]}}`)
	}
	button := func(id, title string) string {
		return `{"type":"reply","reply":{"id":"` + id + `","title":"` + title + `"}}`
	}
	list := func(button, sections string) string {
		return interactive(`{"type":"list","body":{"text":"Pick"},"action":{"button":"` + button + `","sections":[` + sections + `]}}`)
	}
	rows := func(count int, title, description string) string {
		var parts []string
		for i := range count {
			parts = append(parts, fmt.Sprintf(`{"id":"r%d","title":"%s","description":"%s"}`, i, title, description))
		}
		return strings.Join(parts, ",")
	}

	tests := []struct {
		name          string
		phoneNumberID string
		version       string
		authorization string
		body          string
		wantStatus    int
		wantCode      float64
		wantType      string
		wantSubcode   float64
		wantDetails   string
	}{
		{name: "body is not JSON", body: `{"messaging_product":`, wantCode: 100},
		{name: "body is a JSON array", body: `[1,2]`, wantCode: 100},
		{name: "messaging_product missing", body: `{"to":"447700900123","type":"text","text":{"body":"hi"}}`, wantCode: 100},
		{name: "messaging_product wrong", body: `{"messaging_product":"sms","to":"447700900123","type":"text","text":{"body":"hi"}}`, wantCode: 100},
		{name: "unknown phone number id", phoneNumberID: "999", body: text(`"hi"`), wantCode: 100, wantType: "GraphMethodException", wantSubcode: 33},
		{name: "version not like v21.0", version: "latest", body: text(`"hi"`), wantCode: 2500},
		{name: "to missing", body: `{"messaging_product":"whatsapp","type":"text","text":{"body":"hi"}}`, wantCode: 100},
		{name: "to not a phone number", body: `{"messaging_product":"whatsapp","to":"ann@example.com","type":"text","text":{"body":"hi"}}`, wantCode: 131009},
		{name: "to of wrong JSON type", body: `{"messaging_product":"whatsapp","to":447700900123,"type":"text","text":{"body":"hi"}}`, wantCode: 100},
		{name: "unknown type", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"poll","poll":{}}`, wantCode: 100},
		{name: "text object missing", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"text"}`, wantCode: 100},
		{name: "text body empty", body: text(`""`), wantCode: 100},
		{
			name: "text body too long", body: text(`"` + strings.Repeat("é", 4097) + `"`), wantCode: 100,
			wantDetails: "Param text['body'] must be at most 4096 characters long",
		},
		{name: "image without id or link", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"image","image":{"caption":"x"}}`, wantCode: 100},
		{name: "image object missing", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"image"}`, wantCode: 100},
		{
			name: "caption too long", wantCode: 100,
			body: `{"messaging_product":"whatsapp","to":"447700900123","type":"image","image":{"id":"m1","caption":"` + strings.Repeat("c", 1025) + `"}}`,
		},
		{name: "location without longitude", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"location","location":{"latitude":1}}`, wantCode: 100},
		{name: "reaction without message id", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"reaction","reaction":{"emoji":"👍"}}`, wantCode: 100},
		{name: "template without name", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"template","template":{"language":{"code":"en"}}}`, wantCode: 100},
		{name: "template without language code", body: `{"messaging_product":"whatsapp","to":"447700900123","type":"template","template":{"name":"hello","language":{}}}`, wantCode: 100},
		{name: "interactive of unknown type", body: interactive(`{"type":"carousel_of_doom","body":{"text":"x"},"action":{}}`), wantCode: 100},
		{name: "buttons without body", body: interactive(`{"type":"button","action":{"buttons":[` + button("a", "A") + `]}}`), wantCode: 100},
		{name: "no buttons", body: buttons(``), wantCode: 100},
		{name: "four buttons", body: buttons(button("a", "A") + "," + button("b", "B") + "," + button("c", "C") + "," + button("d", "D")), wantCode: 131009},
		{name: "button title of 21 characters", body: buttons(button("a", strings.Repeat("t", 21))), wantCode: 131009},
		{name: "duplicate button ids", body: buttons(button("a", "A") + "," + button("a", "B")), wantCode: 131009},
		{name: "duplicate button titles", body: buttons(button("a", "A") + "," + button("b", "A")), wantCode: 131009},
		{name: "button body too long", body: interactive(`{"type":"button","body":{"text":"` + strings.Repeat("b", 1025) + `"},"action":{"buttons":[` + button("a", "A") + `]}}`), wantCode: 131009},
		{name: "header text too long", body: interactive(`{"type":"button","header":{"type":"text","text":"` + strings.Repeat("h", 61) + `"},"body":{"text":"x"},"action":{"buttons":[` + button("a", "A") + `]}}`), wantCode: 131009},
		{name: "footer text too long", body: interactive(`{"type":"button","footer":{"text":"` + strings.Repeat("f", 61) + `"},"body":{"text":"x"},"action":{"buttons":[` + button("a", "A") + `]}}`), wantCode: 131009},
		{name: "list button missing", body: list("", `{"title":"S","rows":[`+rows(1, "Row", "")+`]}`), wantCode: 100},
		{name: "list button of 21 characters", body: list(strings.Repeat("l", 21), `{"title":"S","rows":[`+rows(1, "Row", "")+`]}`), wantCode: 131009},
		{name: "list without sections", body: list("Choose", ``), wantCode: 100},
		{name: "list with eleven rows", body: list("Choose", `{"title":"S","rows":[`+rows(6, "Row", "")+`]},{"title":"T","rows":[`+rows(5, "Row", "")+`]}`), wantCode: 131009},
		{name: "row title of 25 characters", body: list("Choose", `{"title":"S","rows":[`+rows(1, strings.Repeat("r", 25), "")+`]}`), wantCode: 131009},
		{name: "row description of 73 characters", body: list("Choose", `{"title":"S","rows":[`+rows(1, "Row", strings.Repeat("d", 73))+`]}`), wantCode: 131009},
		{name: "section title of 25 characters", body: list("Choose", `{"title":"`+strings.Repeat("s", 25)+`","rows":[`+rows(1, "Row", "")+`]}`), wantCode: 131009},
		{name: "no access token", authorization: "-", body: text(`"hi"`), wantStatus: http.StatusUnauthorized, wantCode: 190},
		{name: "wrong access token", authorization: "Bearer nope", body: text(`"hi"`), wantStatus: http.StatusUnauthorized, wantCode: 190},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			phoneNumberID := test.phoneNumberID
			if phoneNumberID == "" {
				phoneNumberID = firstID
			}
			version := test.version
			if version == "" {
				version = "v21.0"
			}
			headers := map[string]string{"Authorization": "Bearer " + testToken}
			switch test.authorization {
			case "-":
				delete(headers, "Authorization")
			case "":
			default:
				headers["Authorization"] = test.authorization
			}
			status, data := h.do(http.MethodPost, "/"+version+"/"+phoneNumberID+"/messages", test.body, headers)
			wantStatus := test.wantStatus
			if wantStatus == 0 {
				wantStatus = http.StatusBadRequest
			}
			if status != wantStatus {
				t.Fatalf("status = %d, want %d; body %s", status, wantStatus, data)
			}
			answer := decodeObject(t, data)
			if keysOf(answer) != "error" {
				t.Fatalf("top-level keys = %s, want only error", keysOf(answer))
			}
			graph := answer["error"].(map[string]any)
			if graph["code"] != test.wantCode {
				t.Errorf("code = %v, want %v", graph["code"], test.wantCode)
			}
			wantType := test.wantType
			if wantType == "" {
				wantType = "OAuthException"
			}
			if graph["type"] != wantType {
				t.Errorf("type = %v, want %v", graph["type"], wantType)
			}
			if message, _ := graph["message"].(string); message == "" {
				t.Errorf("message is empty")
			}
			if trace, _ := graph["fbtrace_id"].(string); trace == "" {
				t.Errorf("fbtrace_id is empty")
			}
			if test.wantSubcode != 0 && graph["error_subcode"] != test.wantSubcode {
				t.Errorf("error_subcode = %v, want %v", graph["error_subcode"], test.wantSubcode)
			}
			if test.wantCode == 100 && test.wantType == "" || test.wantCode == 131009 {
				if path(graph, "error_data", "messaging_product") != "whatsapp" {
					t.Errorf("error_data.messaging_product = %v, want whatsapp", path(graph, "error_data", "messaging_product"))
				}
				if details, _ := path(graph, "error_data", "details").(string); details == "" {
					t.Errorf("error_data.details is empty")
				}
			}
			if test.wantDetails != "" && path(graph, "error_data", "details") != test.wantDetails {
				t.Errorf("details = %v, want %q", path(graph, "error_data", "details"), test.wantDetails)
			}
		})
	}

	status, data := h.do(http.MethodGet, "/api/sent", "", nil)
	if status != http.StatusOK || compactJSON(t, string(data)) != "[]" {
		t.Errorf("rejected sends were recorded: %d %s", status, data)
	}
}

func TestSendAcceptsValidMessagesWithMetaShape(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"name":"Ann Lee","text":"hello"}`)

	valid := map[string]string{
		"text":     `{"messaging_product":"whatsapp","recipient_type":"individual","to":"+447700900123","type":"text","text":{"preview_url":false,"body":"Hi Ann"}}`,
		"image":    `{"messaging_product":"whatsapp","to":"447700900123","type":"image","image":{"link":"https://example.com/a.png","caption":"A"}}`,
		"document": `{"messaging_product":"whatsapp","to":"447700900123","type":"document","document":{"id":"media-1","filename":"invoice.pdf"}}`,
		"location": `{"messaging_product":"whatsapp","to":"447700900123","type":"location","location":{"latitude":51.5,"longitude":-0.12,"name":"Office"}}`,
		"contacts": `{"messaging_product":"whatsapp","to":"447700900123","type":"contacts","contacts":[{"name":{"formatted_name":"Bob"}}]}`,
		"reaction": `{"messaging_product":"whatsapp","to":"447700900123","type":"reaction","reaction":{"message_id":"wamid.x","emoji":"👍"}}`,
		"buttons": `{"messaging_product":"whatsapp","to":"447700900123","type":"interactive","interactive":{"type":"button",` +
			`"header":{"type":"text","text":"Order 42"},"body":{"text":"Is this resolved?"},"footer":{"text":"Switchboard"},` +
			`"action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes"}},{"type":"reply","reply":{"id":"no","title":"No"}}]}}}`,
		"list": `{"messaging_product":"whatsapp","to":"447700900123","type":"interactive","interactive":{"type":"list","body":{"text":"Pick a topic"},` +
			`"action":{"button":"Topics","sections":[{"title":"Billing","rows":[{"id":"b1","title":"Invoices","description":"Copies of invoices"}]},` +
			`{"title":"Orders","rows":[{"id":"o1","title":"Where is my order"}]}]}}}`,
	}
	for name, body := range valid {
		t.Run(name, func(t *testing.T) {
			status, answer := h.send(firstID, body)
			if status != http.StatusOK {
				t.Fatalf("status = %d: %v", status, answer)
			}
			if keysOf(answer) != "contacts,messages,messaging_product" {
				t.Errorf("keys = %s", keysOf(answer))
			}
			if answer["messaging_product"] != "whatsapp" {
				t.Errorf("messaging_product = %v", answer["messaging_product"])
			}
			wantInput := "447700900123"
			if name == "text" {
				wantInput = "+447700900123"
			}
			if path(answer, "contacts", 0, "input") != wantInput || path(answer, "contacts", 0, "wa_id") != "447700900123" {
				t.Errorf("contacts = %v", answer["contacts"])
			}
			first := path(answer, "messages", 0).(map[string]any)
			if keysOf(first) != "id" {
				t.Errorf("messages[0] keys = %s, want id only for non-templates", keysOf(first))
			}
			if id, _ := first["id"].(string); !strings.HasPrefix(id, "wamid.") {
				t.Errorf("id = %q, want wamid.…", id)
			}
		})
	}

	t.Run("template adds message_status", func(t *testing.T) {
		h.registerTemplate(`{"name":"order_update","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"Order {{1}} shipped"}]}`)
		status, answer := h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"template",`+
			`"template":{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"42"}]}]}}`)
		if status != http.StatusOK {
			t.Fatalf("status = %d: %v", status, answer)
		}
		if path(answer, "messages", 0, "message_status") != "accepted" {
			t.Errorf("messages[0] = %v, want message_status accepted", path(answer, "messages", 0))
		}
	})

	t.Run("sent list keeps the exact request", func(t *testing.T) {
		status, data := h.do(http.MethodGet, "/api/sent", "", nil)
		if status != http.StatusOK {
			t.Fatalf("status = %d", status)
		}
		var sent []struct {
			Type          string          `json:"type"`
			To            string          `json:"to"`
			PhoneNumberID string          `json:"phone_number_id"`
			Request       json.RawMessage `json:"request"`
		}
		if err := json.Unmarshal(data, &sent); err != nil {
			t.Fatal(err)
		}
		if len(sent) != len(valid)+1 {
			t.Fatalf("sent %d messages, want %d", len(sent), len(valid)+1)
		}
		found := false
		for _, item := range sent {
			if item.Type == "text" {
				found = true
				// Byte for byte: tests use this to assert the product's exact wire format.
				if string(item.Request) != valid["text"] {
					t.Errorf("request = %s, want %s", item.Request, valid["text"])
				}
				if item.To != "447700900123" || item.PhoneNumberID != firstID {
					t.Errorf("sent item = %+v", item)
				}
			}
		}
		if !found {
			t.Error("text message missing from /api/sent")
		}
	})
}

func TestBusinessMarkAsRead(t *testing.T) {
	h := newHarness(t)
	wamid := h.customerSays("447700900123", `{"text":"hello"}`)

	status, answer := h.send(firstID, `{"messaging_product":"whatsapp","status":"read","message_id":"`+wamid+`"}`)
	if status != http.StatusOK || mustJSON(answer) != `{"success":true}` {
		t.Fatalf("mark read = %d %v", status, answer)
	}
	status, answer = h.send(firstID, `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.unknown"}`)
	if status != http.StatusBadRequest || path(answer, "error", "code") != float64(100) {
		t.Errorf("unknown message = %d %v", status, answer)
	}
	_, data := h.do(http.MethodGet, "/api/customers/447700900123/messages", "", nil)
	messages := decodeList(t, data)
	if len(messages) != 1 || messages[0]["status"] != "read" {
		t.Errorf("customer message after mark read = %v", messages)
	}
}
