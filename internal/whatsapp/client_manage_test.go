package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
)

// TestTemplateManagement: create posts the definition to the account's message_templates, edit posts to
// the template's id, list follows the pages; refusals are APIErrors and network failures may be retried.
func TestTemplateManagement(t *testing.T) {
	var created map[string]any
	pages := 0
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v21.0/102290129340398/message_templates":
			_ = json.NewDecoder(r.Body).Decode(&created)
			io.WriteString(w, `{"id":"594425479261596","status":"PENDING","category":"UTILITY"}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v21.0/594425479261596":
			var edit map[string]any
			_ = json.NewDecoder(r.Body).Decode(&edit)
			if _, ok := edit["name"]; ok || edit["components"] == nil {
				t.Errorf("edit body %v", edit)
			}
			io.WriteString(w, `{"success":true}`)
		case r.Method == http.MethodGet && r.URL.Path == "/v21.0/102290129340398/message_templates":
			pages++
			if r.URL.Query().Get("after") == "" {
				io.WriteString(w, `{"data":[{"id":"1","name":"a","language":"en","status":"APPROVED","category":"UTILITY","components":[]}],"paging":{"cursors":{"after":"X"},"next":"https://next"}}`)
			} else {
				io.WriteString(w, `{"data":[{"id":"2","name":"b","language":"de","status":"REJECTED","category":"MARKETING","components":[]}],"paging":{"cursors":{"before":"X"}}}`)
			}
		default:
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"Message template already exists","type":"OAuthException","code":100,"error_subcode":2388024,"fbtrace_id":"A"}}`)
		}
	})
	definition := TemplateDefinition{Name: "order_update", Language: "en_US", Category: "UTILITY", Status: "ignored", ID: "ignored",
		Components: []TemplateDefinitionComponent{{Type: DefinitionBody, Text: "Hi {{1}}", Example: &TemplateExample{BodyText: [][]string{{"Ann"}}}}}}
	report, err := client.CreateTemplate(context.Background(), "102290129340398", definition)
	if err != nil || report.ID != "594425479261596" || report.Status != "PENDING" {
		t.Fatalf("CreateTemplate = %+v %v", report, err)
	}
	if encoded, _ := json.Marshal(created); string(encoded) != `{"category":"UTILITY","components":[{"example":{"body_text":[["Ann"]]},"text":"Hi {{1}}","type":"BODY"}],"language":"en_US","name":"order_update"}` {
		t.Errorf("create body %s", encoded)
	}
	if report, err := client.EditTemplate(context.Background(), "594425479261596", definition); err != nil || report.ID != "594425479261596" || !report.Success {
		t.Errorf("EditTemplate = %+v %v", report, err)
	}
	list, err := client.ListTemplates(context.Background(), "102290129340398")
	if err != nil || len(list) != 2 || list[1].Status != "REJECTED" || pages != 2 {
		t.Errorf("ListTemplates = %+v %v (pages %d)", list, err, pages)
	}
	_, err = client.CreateTemplate(context.Background(), "other", definition)
	var apiError *APIError
	if !errors.As(err, &apiError) || apiError.Subcode != 2388024 || IsTransient(err) {
		t.Errorf("refusal = %v", err)
	}

	down := &Client{BaseURL: "http://127.0.0.1:1", HTTP: &http.Client{}}
	if _, err := down.ListTemplates(context.Background(), "1"); !IsTransient(err) {
		t.Errorf("network failure %v is not retryable", err)
	}
}
