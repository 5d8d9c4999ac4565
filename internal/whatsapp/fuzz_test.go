package whatsapp

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzParseWebhook(f *testing.F) {
	text := `{"from":"16505551234","id":"wamid.a","timestamp":"1749416383","type":"text","text":{"body":"hi"}}`
	f.Add(messagesWebhook(testContacts, text))
	f.Add(messagesWebhook(testContacts, text, text, `{"id":"x"}`, `null`, `7`))
	f.Add(messagesWebhook("null",
		`{"from":"1","id":"wamid.b","timestamp":"1749416383","type":"image","image":{"id":"9","mime_type":"image/jpeg"}}`,
		`{"from":"1","id":"wamid.c","timestamp":1749416383,"type":"location","location":{"latitude":1,"longitude":2}}`,
		`{"from":"1","id":"wamid.d","timestamp":"1749416383","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"r","title":"R"}}}`,
		`{"from":"1","id":"wamid.e","timestamp":"1749416383","type":"reaction","reaction":{"message_id":"wamid.a"}}`,
		`{"from":"1","id":"wamid.f","timestamp":"1749416383","type":"system","system":{"body":"b","new_wa_id":2,"type":"customer_changed_number"}}`,
		`{"from":"1","id":"wamid.g","timestamp":"1749416383","type":"contacts","contacts":[{"name":{"formatted_name":"A"},"phones":[{"phone":"1"}]}]}`,
		`{"from":"1","id":"wamid.h","timestamp":"1749416383","type":"unsupported","errors":[{"code":131051,"error_data":{"details":"x"}}]}`,
		`{"context":{"from":"2","id":"wamid.a"},"from":"1","id":"wamid.i","timestamp":"1749416383","type":"button","button":{"text":"t"}}`,
	))
	f.Add(statusesWebhook(
		`{"id":"wamid.a","status":"failed","timestamp":"1749416383","recipient_id":"1","errors":[{"code":131047,"title":"Re-engagement message"}]}`,
		`{"id":"wamid.b","status":"read","timestamp":"x"}`,
	))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},"errors":[{"code":130429},"x"]},"field":"messages"},{"value":{},"field":"account_update"},null]},3]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","time":1751247548,"changes":[` +
		`{"value":{"event":"REJECTED","message_template_id":594425479261596,"message_template_name":"a","message_template_language":"en","reason":"INVALID_FORMAT","rejection_info":{"reason":"r","recommendation":"x"}},"field":"message_template_status_update"},` +
		`{"value":{"event":"PAUSED","message_template_id":"1","message_template_name":"a","message_template_language":"en","other_info":{"title":"FIRST_PAUSE"},"disable_info":{"disable_date":"1"}},"field":"message_template_status_update"},` +
		`{"value":{"new_quality_score":"RED"},"field":"message_template_status_update"},` +
		`{"value":{"event":"APPROVED","message_template_id":1.5},"field":"message_template_status_update"}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":{}}`))
	f.Add([]byte(`{"object":"page"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{`))
	f.Add([]byte(``))

	f.Fuzz(func(t *testing.T, body []byte) {
		batch, err := ParseWebhook(body)
		if err != nil {
			if json.Valid(body) && isObject(body) {
				t.Fatalf("rejected a JSON object: %v", err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON")
		}
		for _, message := range batch.Messages {
			if message.WAMID == "" || message.From == "" || message.Type == "" || message.Timestamp.IsZero() ||
				message.Timestamp.Location().String() != "UTC" || !json.Valid(message.Raw) {
				t.Fatalf("incomplete message: %+v", message)
			}
		}
		for _, status := range batch.Statuses {
			if status.WAMID == "" || status.Status == "" || status.Timestamp.IsZero() || !json.Valid(status.Raw) {
				t.Fatalf("incomplete status: %+v", status)
			}
		}
		for _, change := range batch.TemplateStatuses {
			if change.Event == "" || change.TemplateID == "" || change.Name == "" || change.Language == "" || !json.Valid(change.Raw) {
				t.Fatalf("incomplete template status: %+v", change)
			}
		}
		for _, item := range batch.Malformed {
			if item.Reason == "" || !json.Valid(item.Raw) {
				t.Fatalf("malformed item without reason or valid raw JSON: %+v", item)
			}
		}
		checkEveryItemAccountedFor(t, body, batch)
	})
}

// checkEveryItemAccountedFor walks body independently of the parser and checks that each message and
// status was either parsed or quarantined, and that each broken container was quarantined: nothing
// may disappear silently.
func checkEveryItemAccountedFor(t *testing.T, body []byte, batch Batch) {
	t.Helper()
	pool := map[string]int{}
	for _, message := range batch.Messages {
		pool[string(message.Raw)]++
	}
	for _, status := range batch.Statuses {
		pool[string(status.Raw)]++
	}
	for _, change := range batch.TemplateStatuses {
		pool[string(change.Raw)]++
	}
	for _, item := range batch.Malformed {
		pool[string(item.Raw)]++
	}
	take := func(raw json.RawMessage, what string) {
		if pool[string(raw)] == 0 {
			t.Fatalf("%s %s neither parsed nor quarantined", what, raw)
		}
		pool[string(raw)]--
	}

	valueErrorItems := 0
	var envelope map[string]json.RawMessage
	if err := json.Unmarshal(body, &envelope); err != nil {
		t.Fatalf("accepted body that is not an object: %v", err)
	}
	var object string
	if json.Unmarshal(envelope["object"], &object) != nil || object != webhookObject {
		take(body, "foreign envelope")
		return
	}
	var entries []json.RawMessage
	if raw, ok := envelope["entry"]; ok && json.Unmarshal(raw, &entries) != nil {
		take(body, "envelope with bad entry")
		return
	}
	for _, entryRaw := range entries {
		var entry map[string]json.RawMessage
		if !isObject(entryRaw) || json.Unmarshal(entryRaw, &entry) != nil {
			take(entryRaw, "entry")
			continue
		}
		var changes []json.RawMessage
		if raw, ok := entry["changes"]; ok && json.Unmarshal(raw, &changes) != nil {
			take(entryRaw, "entry with bad changes")
			continue
		}
		for _, changeRaw := range changes {
			var change map[string]json.RawMessage
			if !isObject(changeRaw) || json.Unmarshal(changeRaw, &change) != nil {
				take(changeRaw, "change")
				continue
			}
			var field string
			if json.Unmarshal(change["field"], &field) != nil || field != messagesField && field != templateStatusField {
				continue
			}
			valueRaw, ok := change["value"]
			if !ok || isNull(valueRaw) {
				continue
			}
			var value map[string]json.RawMessage
			if !isObject(valueRaw) || json.Unmarshal(valueRaw, &value) != nil {
				take(changeRaw, "change with bad value")
				continue
			}
			if field == templateStatusField {
				_, event := value["event"]
				if _, quality := value["new_quality_score"]; event || !quality {
					take(changeRaw, "template status change")
				}
				continue
			}
			var metadata webhookMetadata
			if raw, ok := value["metadata"]; ok && !isNull(raw) && json.Unmarshal(raw, &metadata) != nil {
				take(changeRaw, "change with bad metadata")
				continue
			}
			for _, key := range []string{"messages", "statuses", "errors"} {
				var items []json.RawMessage
				raw, ok := value[key]
				if !ok {
					continue
				}
				if json.Unmarshal(raw, &items) != nil {
					take(changeRaw, "change with bad "+key)
					continue
				}
				if key == "errors" {
					valueErrorItems += len(items)
					continue
				}
				for _, item := range items {
					take(item, strings.TrimSuffix(key, "es"))
				}
			}
		}
	}
	// What is left in the pool must be exactly the value errors that could not be read.
	left := 0
	for _, count := range pool {
		left += count
	}
	if left+len(batch.Errors) != valueErrorItems {
		t.Fatalf("%d value errors in the body, but %d parsed and %d other items unaccounted for", valueErrorItems, len(batch.Errors), left)
	}
}

func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte("app-secret"), []byte(`{"object":"whatsapp_business_account","entry":[]}`), uint16(0), byte('x'))
	f.Add([]byte("app-secret"), []byte(`{}`), uint16(7), byte('0'))
	f.Add([]byte("s"), []byte(""), uint16(70), byte('f'))
	f.Add([]byte("s"), []byte("body"), uint16(100), byte('a'))
	f.Add([]byte(""), []byte("body"), uint16(3), byte('A'))

	f.Fuzz(func(t *testing.T, secret, body []byte, position uint16, replacement byte) {
		header := SignatureHeader(secret, body)
		if got := VerifySignature(secret, body, header); got != (len(secret) > 0) {
			t.Fatalf("VerifySignature(own header) = %v with a %d-byte secret", got, len(secret))
		}
		mutated := []byte(header)
		if int(position) < len(mutated) {
			mutated[position] = replacement
		} else {
			mutated = append(mutated, replacement)
		}
		// Changing only the case of a hex digit does not change the digest, so it may still verify.
		if !strings.EqualFold(string(mutated), header) && VerifySignature(secret, body, string(mutated)) {
			t.Fatalf("mutated header %q verified", mutated)
		}
		if VerifySignature(secret, body, header[:len(header)-1]) {
			t.Fatal("truncated header verified")
		}
		if VerifySignature(secret, append(body[:len(body):len(body)], replacement), header) {
			t.Fatal("header verified a longer body")
		}
		// Arbitrary input as a header must never panic.
		VerifySignature(secret, body, string(body))
	})
}
