package simulator

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// registerTemplate registers a template with the simulated account, failing unless it is approved.
func (h *harness) registerTemplate(body string) string {
	h.t.Helper()
	status, data := h.do(http.MethodPost, "/v21.0/"+BusinessAccountID+"/message_templates", body, map[string]string{"Authorization": "Bearer " + testToken})
	answer := decodeObject(h.t, data)
	if status != http.StatusOK || answer["status"] != "APPROVED" {
		h.t.Fatalf("register template: %d %s", status, data)
	}
	return answer["id"].(string)
}

// TestTemplateManagementAPI: templates are created, refused when they break a rule or exist already,
// listed with hello_world (which every account has), and edited by id.
func TestTemplateManagementAPI(t *testing.T) {
	h := newHarness(t)
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	id := h.registerTemplate(`{"name":"order_update","language":"en_US","category":"UTILITY","components":[
		{"type":"HEADER","format":"TEXT","text":"Order {{1}}","example":{"header_text":["A-1"]}},
		{"type":"BODY","text":"Hi {{1}}, it ships {{2}}.","example":{"body_text":[["Ann","today"]]}},
		{"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"Thanks"},{"type":"URL","text":"Track","url":"https://x.example/{{1}}","example":["https://x.example/1"]}]}]}`)

	refused := map[string]string{
		"duplicate":        `{"name":"order_update","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"x"}]}`,
		"bad name":         `{"name":"Order Update","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"x"}]}`,
		"no body":          `{"name":"a","language":"en_US","category":"UTILITY","components":[{"type":"FOOTER","text":"x"}]}`,
		"long header":      `{"name":"a","language":"en","category":"UTILITY","components":[{"type":"HEADER","format":"TEXT","text":"` + strings.Repeat("h", 61) + `"},{"type":"BODY","text":"x"}]}`,
		"two header vars":  `{"name":"a","language":"en","category":"UTILITY","components":[{"type":"HEADER","format":"TEXT","text":"{{1}}{{2}}"},{"type":"BODY","text":"x"}]}`,
		"bad category":     `{"name":"a","language":"en","category":"SPAM","components":[{"type":"BODY","text":"x"}]}`,
		"URL var mid-path": `{"name":"a","language":"en","category":"UTILITY","components":[{"type":"BODY","text":"x"},{"type":"BUTTONS","buttons":[{"type":"URL","text":"Go","url":"https://x.example/{{1}}/y"}]}]}`,
	}
	for name, body := range refused {
		status, data := h.do(http.MethodPost, "/v21.0/"+BusinessAccountID+"/message_templates", body, auth)
		if status != http.StatusBadRequest || path(decodeObject(t, data), "error", "code") != float64(100) {
			t.Errorf("%s: %d %s", name, status, data)
		}
		if name == "duplicate" && path(decodeObject(t, data), "error", "error_subcode") != float64(2388024) {
			t.Errorf("duplicate subcode: %s", data)
		}
	}
	if status, _ := h.do(http.MethodPost, "/v21.0/999/message_templates", refused["duplicate"], auth); status != http.StatusBadRequest {
		t.Errorf("unknown account: %d", status)
	}

	status, data := h.do(http.MethodGet, "/v21.0/"+BusinessAccountID+"/message_templates", "", auth)
	list, _ := decodeObject(t, data)["data"].([]any)
	if status != http.StatusOK || len(list) != 2 || path(list, 0, "name") != "hello_world" || path(list, 1, "id") != id {
		t.Errorf("list: %d %s", status, data)
	}
	status, data = h.do(http.MethodPost, "/v21.0/"+id, `{"components":[{"type":"BODY","text":"Hello {{1}}"}]}`, auth)
	if status != http.StatusOK || decodeObject(t, data)["success"] != true {
		t.Errorf("edit: %d %s", status, data)
	}
	_, data = h.do(http.MethodGet, "/v21.0/"+BusinessAccountID+"/message_templates?name=order_update", "", auth)
	if got := path(decodeObject(t, data), "data", 0, "components", 0, "text"); got != "Hello {{1}}" {
		t.Errorf("edited template body %v", got)
	}
}

// TestTemplateSendsAreChecked: an unknown template or language is refused with 132001, a parameter count
// that does not match the template's variables with 132000.
func TestTemplateSendsAreChecked(t *testing.T) {
	h := newHarness(t)
	h.registerTemplate(`{"name":"order_update","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"Hi {{1}}, it ships {{2}}."}]}`)
	tests := []struct {
		body string
		code float64
	}{
		{`{"name":"order_updat","language":{"code":"en_US"}}`, 132001},
		{`{"name":"order_update","language":{"code":"de"}}`, 132001},
		{`{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ann"}]}]}`, 132000},
		{`{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ann"},{"type":"text","text":"today"}]}]}`, 0},
	}
	for _, test := range tests {
		status, answer := h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"template","template":`+test.body+`}`)
		if got, _ := path(answer, "error", "code").(float64); got != test.code || (test.code == 0) != (status == http.StatusOK) {
			t.Errorf("%s: %d %v", test.body, status, answer)
		}
	}
}

// TestMediaUpload: a multipart upload gets a media id; media messages by that id show the file's name.
func TestMediaUpload(t *testing.T) {
	h := newHarness(t)
	upload := func(fields map[string]string, file []byte) (int, map[string]any) {
		var body bytes.Buffer
		form := multipart.NewWriter(&body)
		for name, value := range fields {
			_ = form.WriteField(name, value)
		}
		if file != nil {
			part, _ := form.CreateFormFile("file", "terms.pdf")
			part.Write(file)
		}
		form.Close()
		status, data := h.do(http.MethodPost, "/v21.0/"+firstID+"/media", body.String(),
			map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": form.FormDataContentType()})
		return status, decodeObject(t, data)
	}
	status, answer := upload(map[string]string{"messaging_product": "whatsapp", "type": "application/pdf"}, []byte("%PDF-1.7"))
	id, _ := answer["id"].(string)
	if status != http.StatusOK || id == "" {
		t.Fatalf("upload: %d %v", status, answer)
	}
	if status, answer := upload(map[string]string{"type": "application/pdf"}, []byte("%PDF")); status != http.StatusBadRequest {
		t.Errorf("without messaging_product: %d %v", status, answer)
	}
	if status, answer := upload(map[string]string{"messaging_product": "whatsapp"}, nil); status != http.StatusBadRequest {
		t.Errorf("without a file: %d %v", status, answer)
	}
	h.customerSays("447700900123", `{"text":"hi"}`)
	status, answer = h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"document","document":{"id":"`+id+`"}}`)
	if status != http.StatusOK {
		t.Fatalf("send: %d %v", status, answer)
	}
	_, data := h.do(http.MethodGet, "/api/customers/447700900123/messages", "", nil)
	if list := decodeList(t, data); path(list[len(list)-1], "text") != "[document]" {
		t.Errorf("conversation %s", data)
	}
	h.sim.mu.Lock()
	name := h.sim.state.byWAMID[path(answer, "messages", 0, "id").(string)].MediaName
	h.sim.mu.Unlock()
	if name != "terms.pdf" {
		t.Errorf("media name %q", name)
	}
}

// templateWebhooks returns the template status webhooks the product received, in order.
func templateWebhooks(webhooks []map[string]any) []map[string]any {
	var found []map[string]any
	for _, webhook := range webhooks {
		if path(webhook, "entry", 0, "changes", 0, "field") == templateStatusField {
			found = append(found, webhook)
		}
	}
	return found
}

// TestTemplateStatusWebhooks: creating or editing a template is followed by Meta's signed
// message_template_status_update webhook with the review's outcome; the simulated reviewer can then
// reject, pause or reinstate it, each with its webhook, and sends follow the template's status.
func TestTemplateStatusWebhooks(t *testing.T) {
	h := newHarness(t)
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	id := h.registerTemplate(`{"name":"order_update","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"Order {{1}} shipped"}]}`)
	list := h.receiver.waitFor(t, "the approval webhook", func(w []map[string]any) bool { return len(templateWebhooks(w)) == 1 })
	approval := templateWebhooks(list)[0]
	if path(approval, "object") != "whatsapp_business_account" || path(approval, "entry", 0, "id") != BusinessAccountID {
		t.Errorf("envelope %s", mustJSON(approval))
	}
	if at, _ := path(approval, "entry", 0, "time").(float64); time.Since(time.Unix(int64(at), 0)) > time.Minute {
		t.Errorf("entry time %v", path(approval, "entry", 0, "time"))
	}
	value := path(approval, "entry", 0, "changes", 0, "value").(map[string]any)
	wantID, _ := strconv.ParseFloat(id, 64)
	if keysOf(value) != "event,message_template_category,message_template_id,message_template_language,message_template_name,reason" ||
		value["event"] != "APPROVED" || value["message_template_id"] != wantID || value["message_template_name"] != "order_update" ||
		value["message_template_language"] != "en_US" || value["reason"] != "NONE" || value["message_template_category"] != "UTILITY" {
		t.Errorf("approval value %s", mustJSON(value))
	}

	if status, data := h.do(http.MethodPost, "/v21.0/"+id, `{"components":[{"type":"BODY","text":"Order {{1}} left"}]}`, auth); status != http.StatusOK {
		t.Fatalf("edit: %d %s", status, data)
	}
	h.receiver.waitFor(t, "the edit's approval webhook", func(w []map[string]any) bool { return len(templateWebhooks(w)) == 2 })

	send := func() (int, map[string]any) {
		return h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"template",`+
			`"template":{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"42"}]}]}}`)
	}
	review := func(body string) map[string]any {
		t.Helper()
		status, data := h.do(http.MethodPost, "/api/templates/review?wait=1", body, nil)
		if status != http.StatusAccepted {
			t.Fatalf("review %s: %d %s", body, status, data)
		}
		return decodeObject(t, data)
	}
	tests := []struct {
		review, event, reason, status string
		code                          float64
	}{
		{`{"name":"order_update","language":"en_US","event":"REJECTED","reason":"INVALID_FORMAT"}`, "REJECTED", "INVALID_FORMAT", "REJECTED", 132001},
		{`{"name":"order_update","language":"en_US","event":"REINSTATED"}`, "REINSTATED", "NONE", "APPROVED", 0},
		{`{"name":"order_update","language":"en_US","event":"PAUSED","title":"FIRST_PAUSE","description":"Paused for 3 hours."}`, "PAUSED", "NONE", "PAUSED", 132015},
		{`{"name":"order_update","language":"en_US","event":"FLAGGED"}`, "FLAGGED", "NONE", "PAUSED", 132015},
		{`{"name":"order_update","language":"en_US","event":"DISABLED"}`, "DISABLED", "NONE", "DISABLED", 132016},
		{`{"name":"order_update","language":"en_US","event":"APPROVED"}`, "APPROVED", "NONE", "APPROVED", 0},
	}
	for n, test := range tests {
		answer := review(test.review)
		if answer["status"] != test.status || answer["delivered"] != true || answer["id"] != id {
			t.Errorf("%s: answer %v", test.review, answer)
		}
		webhooks := templateWebhooks(h.receiver.webhooks())
		if len(webhooks) != 3+n {
			t.Fatalf("%d template webhooks, want %d", len(webhooks), 3+n)
		}
		value := path(webhooks[2+n], "entry", 0, "changes", 0, "value")
		if path(value, "event") != test.event || path(value, "reason") != test.reason {
			t.Errorf("%s: webhook %s", test.review, mustJSON(value))
		}
		if test.event == "PAUSED" && (path(value, "other_info", "title") != "FIRST_PAUSE" || path(value, "other_info", "description") != "Paused for 3 hours.") {
			t.Errorf("other_info %s", mustJSON(value))
		}
		status, sent := send()
		if got, _ := path(sent, "error", "code").(float64); got != test.code || (test.code == 0) != (status == http.StatusOK) {
			t.Errorf("send after %s: %d %v", test.event, status, sent)
		}
	}
	_, data := h.do(http.MethodGet, "/v21.0/"+BusinessAccountID+"/message_templates?name=order_update", "", auth)
	if got := path(decodeObject(t, data), "data", 0, "status"); got != "APPROVED" {
		t.Errorf("listed status %v", got)
	}
	for body, want := range map[string]int{
		`{"name":"order_update","language":"de","event":"REJECTED"}`:                 http.StatusNotFound,
		`{"name":"order_update","language":"en_US","event":"rejected"}`:              http.StatusBadRequest,
		`{"name":"order_update","language":"en_US","event":"REJECTED","reason":"x"}`: http.StatusBadRequest,
		`[]`: http.StatusBadRequest,
	} {
		if status, data := h.do(http.MethodPost, "/api/templates/review", body, nil); status != want {
			t.Errorf("%s: %d %s, want %d", body, status, data, want)
		}
	}
}
