package whatsapp

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// templateStatusWebhook wraps change objects in the envelope Meta posts for the WhatsApp Business Account.
func templateStatusWebhook(changes ...string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1751247548,"changes":[` +
		strings.Join(changes, ",") + `]}]}`)
}

// templateStatusAt is 1751247548, the entry time of Meta's reference examples.
var templateStatusAt = time.Unix(1751247548, 0).UTC()

func TestParseWebhookTemplateStatuses(t *testing.T) {
	tests := []struct {
		name   string
		change string
		want   TemplateStatusChange
	}{
		{
			name:   "approved",
			change: `{"value":{"event":"APPROVED","message_template_id":594425479261596,"message_template_name":"order_update","message_template_language":"en_US","reason":"NONE"},"field":"message_template_status_update"}`,
			want:   TemplateStatusChange{Event: "APPROVED", TemplateID: "594425479261596", Name: "order_update", Language: "en_US", Reason: "NONE"},
		},
		{
			name: "approved with a category",
			change: `{"value":{"event":"APPROVED","message_template_id":1689556908129832,"message_template_name":"order_confirmation",` +
				`"message_template_language":"en-US","reason":"NONE","message_template_category":"UTILITY"},"field":"message_template_status_update"}`,
			want: TemplateStatusChange{Event: "APPROVED", TemplateID: "1689556908129832", Name: "order_confirmation", Language: "en-US", Reason: "NONE", Category: "UTILITY"},
		},
		{
			name: "rejected with an explanation",
			change: `{"value":{"event":"REJECTED","message_template_id":1689556908129835,"message_template_name":"abandoned_cart","message_template_language":"en",` +
				`"reason":"INVALID_FORMAT","message_template_category":"MARKETING","rejection_info":{` +
				`"reason":"Your template has parameters placed next to each other (like {{1}}{{2}}) without text or punctuation between them.",` +
				`"recommendation":"Separate parameters with descriptive text and ensure each parameter is clearly contextualized."}},"field":"message_template_status_update"}`,
			want: TemplateStatusChange{Event: "REJECTED", TemplateID: "1689556908129835", Name: "abandoned_cart", Language: "en", Reason: "INVALID_FORMAT", Category: "MARKETING",
				Rejection: &TemplateRejection{
					Reason:         "Your template has parameters placed next to each other (like {{1}}{{2}}) without text or punctuation between them.",
					Recommendation: "Separate parameters with descriptive text and ensure each parameter is clearly contextualized.",
				}},
		},
		{
			name: "rejected for its content",
			change: `{"value":{"event":"REJECTED","message_template_id":594425479261596,"message_template_name":"order_update","message_template_language":"en_US",` +
				`"reason":"TAG_CONTENT_MISMATCH"},"field":"message_template_status_update"}`,
			want: TemplateStatusChange{Event: "REJECTED", TemplateID: "594425479261596", Name: "order_update", Language: "en_US", Reason: "TAG_CONTENT_MISMATCH"},
		},
		{
			name: "paused for the first time",
			change: `{"value":{"event":"PAUSED","message_template_id":594425479261596,"message_template_name":"order_update","message_template_language":"en_US",` +
				`"reason":"NONE","other_info":{"title":"FIRST_PAUSE","description":"Your WhatsApp message template has been paused for 3 hours until Jun 30 at 2:00 PM UTC because it had issues."}},` +
				`"field":"message_template_status_update"}`,
			want: TemplateStatusChange{Event: "PAUSED", TemplateID: "594425479261596", Name: "order_update", Language: "en_US", Reason: "NONE",
				Info: &TemplateStatusInfo{Title: "FIRST_PAUSE", Description: "Your WhatsApp message template has been paused for 3 hours until Jun 30 at 2:00 PM UTC because it had issues."}},
		},
		{
			name: "disabled",
			change: `{"value":{"event":"DISABLED","message_template_id":594425479261596,"message_template_name":"order_update","message_template_language":"en_US",` +
				`"reason":"NONE","disable_info":{"disable_date":1751234563},"other_info":{"title":"DISABLED","description":"Your WhatsApp message template has been disabled."}},` +
				`"field":"message_template_status_update"}`,
			want: TemplateStatusChange{Event: "DISABLED", TemplateID: "594425479261596", Name: "order_update", Language: "en_US", Reason: "NONE",
				DisabledAt: time.Unix(1751234563, 0).UTC(), Info: &TemplateStatusInfo{Title: "DISABLED", Description: "Your WhatsApp message template has been disabled."}},
		},
		{
			name:   "deleted, with a null reason",
			change: `{"value":{"event":"PENDING_DELETION","message_template_id":594425479261596,"message_template_name":"order_update","message_template_language":"en_US","reason":null},"field":"message_template_status_update"}`,
			want:   TemplateStatusChange{Event: "PENDING_DELETION", TemplateID: "594425479261596", Name: "order_update", Language: "en_US"},
		},
		{
			name:   "an event this package does not know, the id as a string",
			change: `{"value":{"event":"SOMETHING_NEW","message_template_id":"594425479261596","message_template_name":"order_update","message_template_language":"en_US"},"field":"message_template_status_update"}`,
			want:   TemplateStatusChange{Event: "SOMETHING_NEW", TemplateID: "594425479261596", Name: "order_update", Language: "en_US"},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			batch, err := ParseWebhook(templateStatusWebhook(test.change))
			if err != nil {
				t.Fatal(err)
			}
			if len(batch.Malformed)+len(batch.Messages)+len(batch.Statuses)+len(batch.Errors) != 0 {
				t.Fatalf("unexpected extras: %+v", batch)
			}
			test.want.BusinessAccountID, test.want.At, test.want.Raw = "102290129340398", templateStatusAt, json.RawMessage(test.change)
			if len(batch.TemplateStatuses) != 1 || !reflect.DeepEqual(batch.TemplateStatuses[0], test.want) {
				t.Errorf("got  %+v\nwant %+v", batch.TemplateStatuses, test.want)
			}
		})
	}
}

// TestParseWebhookTemplateStatusBesideMessages: one delivery may carry template news and messages, in
// entries of their own; each is read with its entry's id and time (a missing time is left zero).
func TestParseWebhookTemplateStatusBesideMessages(t *testing.T) {
	message := `{"from":"16505551234","id":"wamid.a","timestamp":"1749416383","type":"text","text":{"body":"a"}}`
	body := `{"object":"whatsapp_business_account","entry":[` +
		`{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"messages":[` + message + `]},"field":"messages"}]},` +
		`{"id":"555","changes":[{"value":{"event":"APPROVED","message_template_id":1,"message_template_name":"a","message_template_language":"en"},"field":"message_template_status_update"}]}]}`
	batch, err := ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Messages) != 1 || len(batch.TemplateStatuses) != 1 || len(batch.Malformed) != 0 {
		t.Fatalf("got %+v", batch)
	}
	if got := batch.TemplateStatuses[0]; got.BusinessAccountID != "555" || !got.At.IsZero() || got.Name != "a" {
		t.Errorf("template status %+v", got)
	}
}

func TestParseWebhookMalformedTemplateStatuses(t *testing.T) {
	good := `{"value":{"event":"APPROVED","message_template_id":594425479261596,"message_template_name":"order_update","message_template_language":"en_US","reason":"NONE"},"field":"message_template_status_update"}`
	value := func(fields string) string {
		return `{"value":{` + fields + `},"field":"message_template_status_update"}`
	}
	const rest = `"message_template_name":"order_update","message_template_language":"en_US"`
	tests := []struct{ name, change, reason string }{
		{"value not an object", `{"value":"APPROVED","field":"message_template_status_update"}`, "value is not an object"},
		{"no event", value(`"message_template_id":1,` + rest), "event: missing"},
		{"event not a string", value(`"event":1,"message_template_id":1,` + rest), "event: not a string"},
		{"no template id", value(`"event":"APPROVED",` + rest), "message_template_id: missing"},
		{"template id not a number", value(`"event":"APPROVED","message_template_id":"abc",` + rest), "message_template_id"},
		{"template id a fraction", value(`"event":"APPROVED","message_template_id":1.5,` + rest), "message_template_id"},
		{"template id an object", value(`"event":"APPROVED","message_template_id":{},` + rest), "message_template_id"},
		{"no name", value(`"event":"APPROVED","message_template_id":1,"message_template_language":"en_US"`), "message_template_name: missing"},
		{"no language", value(`"event":"APPROVED","message_template_id":1,"message_template_name":"order_update"`), "message_template_language: missing"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			batch, err := ParseWebhook(templateStatusWebhook(test.change, good))
			if err != nil {
				t.Fatal(err)
			}
			if len(batch.TemplateStatuses) != 1 || batch.TemplateStatuses[0].Name != "order_update" {
				t.Errorf("the good change next to it was not kept: %+v", batch.TemplateStatuses)
			}
			if len(batch.Malformed) != 1 || string(batch.Malformed[0].Raw) != test.change || !strings.Contains(batch.Malformed[0].Reason, test.reason) {
				t.Errorf("malformed = %+v, want raw %s with reason containing %q", batch.Malformed, test.change, test.reason)
			}
		})
	}
}

// TestParseWebhookTemplateStatusWithOddOptionalFields: an optional field of an unexpected kind is left
// out and noted; the event itself is kept, so a real DISABLED is never lost to quarantine.
func TestParseWebhookTemplateStatusWithOddOptionalFields(t *testing.T) {
	value := func(fields string) string {
		return `{"value":{` + fields + `},"field":"message_template_status_update"}`
	}
	const rest = `"message_template_id":1,"message_template_name":"order_update","message_template_language":"en_US"`
	tests := []struct{ name, change, event, ignored string }{
		{"reason not a string", value(`"event":"REJECTED",` + rest + `,"reason":7`), "REJECTED", "reason"},
		{"category not a string", value(`"event":"APPROVED",` + rest + `,"message_template_category":1`), "APPROVED", "message_template_category"},
		{"other_info not an object", value(`"event":"PAUSED",` + rest + `,"other_info":"FIRST_PAUSE"`), "PAUSED", "other_info"},
		{"rejection_info of the wrong kind", value(`"event":"REJECTED",` + rest + `,"rejection_info":{"reason":["x"]}`), "REJECTED", "rejection_info"},
		{"disable_info not an object", value(`"event":"DISABLED",` + rest + `,"disable_info":[1]`), "DISABLED", "disable_info"},
		{"disable date not a time", value(`"event":"DISABLED",` + rest + `,"disable_info":{"disable_date":"soon"}`), "DISABLED", "disable_info.disable_date"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			batch, err := ParseWebhook(templateStatusWebhook(test.change))
			if err != nil {
				t.Fatal(err)
			}
			if len(batch.Malformed) != 0 || len(batch.TemplateStatuses) != 1 {
				t.Fatalf("malformed %+v, statuses %+v", batch.Malformed, batch.TemplateStatuses)
			}
			change := batch.TemplateStatuses[0]
			if change.Event != test.event || change.TemplateID != "1" || len(change.Ignored) != 1 || !strings.HasPrefix(change.Ignored[0], test.ignored+":") {
				t.Errorf("change %+v, want event %s with %s ignored", change, test.event, test.ignored)
			}
		})
	}
}
