package whatsapp

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	testPhoneNumberID      = "106540352242922"
	testDisplayPhoneNumber = "15550783881"
	testCustomer           = "16505551234"
	testContacts           = `[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}]`
)

// testTimestamp is 1749416383 ("2025-06-08T20:59:43Z"), the timestamp of Meta's reference examples.
var testTimestamp = time.Date(2025, 6, 8, 20, 59, 43, 0, time.UTC)

// messagesWebhook wraps message objects in the envelope Meta posts for the messages field.
func messagesWebhook(contacts string, messages ...string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},` +
		`"contacts":` + contacts + `,"messages":[` + strings.Join(messages, ",") + `]},"field":"messages"}]}]}`)
}

// statusesWebhook wraps status objects in the envelope Meta posts for delivery receipts.
func statusesWebhook(statuses ...string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},` +
		`"statuses":[` + strings.Join(statuses, ",") + `]},"field":"messages"}]}]}`)
}

func TestParseWebhookMessageTypes(t *testing.T) {
	tests := []struct {
		name     string
		contacts string
		message  string
		want     InboundMessage
	}{
		{
			name:    "text",
			message: `{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}`,
			want: InboundMessage{
				WAMID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
				Type:  "text", Text: "Does it come in another color?",
			},
		},
		{
			name: "text quoting an earlier message",
			message: `{"context":{"from":"15550783881","id":"wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1QjJGRjI1RDY0RkE4Nzg4QzcA"},` +
				`"from":"16505551234","id":"wamid.quoted","timestamp":"1749416383","type":"text","text":{"body":"Yes, this one please"}}`,
			want: InboundMessage{
				WAMID: "wamid.quoted", Type: "text", Text: "Yes, this one please",
				Context: &Context{From: "15550783881", MessageID: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1QjJGRjI1RDY0RkE4Nzg4QzcA"},
			},
		},
		{
			name:    "frequently forwarded text",
			message: `{"context":{"forwarded":true,"frequently_forwarded":true},"from":"16505551234","id":"wamid.forwarded","timestamp":"1749416383","type":"text","text":{"body":"Send this to 10 friends"}}`,
			want: InboundMessage{
				WAMID: "wamid.forwarded", Type: "text", Text: "Send this to 10 friends",
				Context: &Context{Forwarded: true, FrequentlyForwarded: true},
			},
		},
		{
			name:    "image with caption",
			message: `{"from":"16505551234","id":"wamid.image","timestamp":"1749416383","type":"image","image":{"caption":"This is a caption","mime_type":"image/jpeg","sha256":"NpuyzvO/qHkKbUPkV4qYdUtm9Bqsk5+4LgjSZbbgmco=","id":"1003383421387256","url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1003383421387256"}}`,
			want: InboundMessage{
				WAMID: "wamid.image", Type: "image",
				Media: &Media{ID: "1003383421387256", MimeType: "image/jpeg", SHA256: "NpuyzvO/qHkKbUPkV4qYdUtm9Bqsk5+4LgjSZbbgmco=", Caption: "This is a caption"},
			},
		},
		{
			name:    "voice note",
			message: `{"from":"16505551234","id":"wamid.audio","timestamp":"1749416383","type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"RSZpOEgj5nRG1WkFsxQTSnsF5ArYlqGj48ly/Mvs2Ro=","id":"1003383421387257","voice":true}}`,
			want: InboundMessage{
				WAMID: "wamid.audio", Type: "audio",
				Media: &Media{ID: "1003383421387257", MimeType: "audio/ogg; codecs=opus", SHA256: "RSZpOEgj5nRG1WkFsxQTSnsF5ArYlqGj48ly/Mvs2Ro=", Voice: true},
			},
		},
		{
			name:    "video",
			message: `{"from":"16505551234","id":"wamid.video","timestamp":"1749416383","type":"video","video":{"caption":"Look at this","mime_type":"video/mp4","sha256":"Ws5mFeEmjXd7tcVJ6eSvA2BxNrXYn0ODUXK3hSzqoD4=","id":"1003383421387258"}}`,
			want: InboundMessage{
				WAMID: "wamid.video", Type: "video",
				Media: &Media{ID: "1003383421387258", MimeType: "video/mp4", SHA256: "Ws5mFeEmjXd7tcVJ6eSvA2BxNrXYn0ODUXK3hSzqoD4=", Caption: "Look at this"},
			},
		},
		{
			name:    "document with file name",
			message: `{"from":"16505551234","id":"wamid.document","timestamp":"1749416383","type":"document","document":{"caption":"Lucky Shrub Invoice","filename":"lucky-shrub-invoice.pdf","mime_type":"application/pdf","sha256":"Kc0s2Y4Ji4/2nPMRuzmGxlMiSmrGvlyVWlwWSOQnP3o=","id":"1003383421387259"}}`,
			want: InboundMessage{
				WAMID: "wamid.document", Type: "document",
				Media: &Media{ID: "1003383421387259", MimeType: "application/pdf", SHA256: "Kc0s2Y4Ji4/2nPMRuzmGxlMiSmrGvlyVWlwWSOQnP3o=", Filename: "lucky-shrub-invoice.pdf", Caption: "Lucky Shrub Invoice"},
			},
		},
		{
			name:    "animated sticker",
			message: `{"from":"16505551234","id":"wamid.sticker","timestamp":"1749416383","type":"sticker","sticker":{"mime_type":"image/webp","sha256":"aA1eL0Ud3YpHxnT/rbHiCE4PS2oGKZ2q4I8Lh7KxWfY=","id":"1003383421387260","animated":true}}`,
			want: InboundMessage{
				WAMID: "wamid.sticker", Type: "sticker",
				Media: &Media{ID: "1003383421387260", MimeType: "image/webp", SHA256: "aA1eL0Ud3YpHxnT/rbHiCE4PS2oGKZ2q4I8Lh7KxWfY=", Animated: true},
			},
		},
		{
			name:    "location of a place",
			message: `{"from":"16505551234","id":"wamid.place","timestamp":"1749416383","type":"location","location":{"address":"1071 5th Ave, New York, NY 10128","latitude":40.782910059774,"longitude":-73.959075808525,"name":"Solomon R. Guggenheim Museum","url":"https://www.guggenheim.org/"}}`,
			want: InboundMessage{
				WAMID: "wamid.place", Type: "location",
				Location: &Location{Latitude: 40.782910059774, Longitude: -73.959075808525, Name: "Solomon R. Guggenheim Museum", Address: "1071 5th Ave, New York, NY 10128", URL: "https://www.guggenheim.org/"},
			},
		},
		{
			name:    "location pin without a place",
			message: `{"from":"16505551234","id":"wamid.pin","timestamp":"1749416383","type":"location","location":{"latitude":0,"longitude":-122.16153582049394}}`,
			want: InboundMessage{
				WAMID: "wamid.pin", Type: "location",
				Location: &Location{Latitude: 0, Longitude: -122.16153582049394},
			},
		},
		{
			name: "contact card",
			message: `{"contacts":[{"addresses":[{"city":"Menlo Park","country":"United States","country_code":"us","state":"CA","street":"1 Hacker Way","type":"HOME","zip":"94025"}],` +
				`"birthday":"2012-08-18","emails":[{"email":"kfitzgerald@luckyshrub.com","type":"WORK"}],` +
				`"name":{"formatted_name":"Kerry Fitzgerald","first_name":"Kerry","last_name":"Fitzgerald"},` +
				`"org":{"company":"Lucky Shrub","department":"Sales","title":"Sales Manager"},` +
				`"phones":[{"phone":"+1 (650) 555-1234","wa_id":"16505551234","type":"WORK"},{"phone":"+1 (650) 555-9999","type":"HOME"}],` +
				`"urls":[{"url":"https://www.luckyshrub.com","type":"WORK"}]}],` +
				`"from":"16505551234","id":"wamid.contacts","timestamp":"1749416383","type":"contacts"}`,
			want: InboundMessage{
				WAMID: "wamid.contacts", Type: "contacts",
				Contacts: []SharedContact{{
					Name:      ContactName{FormattedName: "Kerry Fitzgerald", FirstName: "Kerry", LastName: "Fitzgerald"},
					Phones:    []ContactPhone{{Phone: "+1 (650) 555-1234", WAID: "16505551234", Type: "WORK"}, {Phone: "+1 (650) 555-9999", Type: "HOME"}},
					Emails:    []ContactEmail{{Email: "kfitzgerald@luckyshrub.com", Type: "WORK"}},
					Addresses: []ContactAddress{{Street: "1 Hacker Way", City: "Menlo Park", State: "CA", Zip: "94025", Country: "United States", CountryCode: "us", Type: "HOME"}},
					Org:       ContactOrg{Company: "Lucky Shrub", Department: "Sales", Title: "Sales Manager"},
					URLs:      []ContactURL{{URL: "https://www.luckyshrub.com", Type: "WORK"}},
					Birthday:  "2012-08-18",
				}},
			},
		},
		{
			name: "interactive button reply",
			message: `{"context":{"from":"15550783881","id":"wamid.buttons"},"from":"16505551234","id":"wamid.buttonreply","timestamp":"1749416383","type":"interactive",` +
				`"interactive":{"type":"button_reply","button_reply":{"id":"cancel-button","title":"Cancel"}}}`,
			want: InboundMessage{
				WAMID: "wamid.buttonreply", Type: "interactive",
				Reply:   &Reply{Kind: "button_reply", ID: "cancel-button", Title: "Cancel"},
				Context: &Context{From: "15550783881", MessageID: "wamid.buttons"},
			},
		},
		{
			name: "interactive list reply",
			message: `{"context":{"from":"15550783881","id":"wamid.list"},"from":"16505551234","id":"wamid.listreply","timestamp":"1749416383","type":"interactive",` +
				`"interactive":{"type":"list_reply","list_reply":{"id":"priority_express","title":"Express Shipping","description":"Next Day to 2 Days"}}}`,
			want: InboundMessage{
				WAMID: "wamid.listreply", Type: "interactive",
				Reply:   &Reply{Kind: "list_reply", ID: "priority_express", Title: "Express Shipping", Description: "Next Day to 2 Days"},
				Context: &Context{From: "15550783881", MessageID: "wamid.list"},
			},
		},
		{
			name: "template quick-reply button",
			message: `{"context":{"from":"15550783881","id":"wamid.template"},"from":"16505551234","id":"wamid.button","timestamp":"1749416383","type":"button",` +
				`"button":{"payload":"unsubscribe-marketing","text":"Stop promotions"}}`,
			want: InboundMessage{
				WAMID: "wamid.button", Type: "button",
				Button:  &Button{Payload: "unsubscribe-marketing", Text: "Stop promotions"},
				Context: &Context{From: "15550783881", MessageID: "wamid.template"},
			},
		},
		{
			name:    "reaction",
			message: `{"from":"16505551234","id":"wamid.reaction","timestamp":"1749416383","type":"reaction","reaction":{"message_id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA","emoji":"\uD83D\uDE00"}}`,
			want: InboundMessage{
				WAMID: "wamid.reaction", Type: "reaction",
				Reaction: &Reaction{MessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA", Emoji: "😀"},
			},
		},
		{
			name:    "reaction removed (emoji absent)",
			message: `{"from":"16505551234","id":"wamid.unreact","timestamp":"1749416383","type":"reaction","reaction":{"message_id":"wamid.reacted"}}`,
			want: InboundMessage{
				WAMID: "wamid.unreact", Type: "reaction",
				Reaction: &Reaction{MessageID: "wamid.reacted"},
			},
		},
		{
			name:    "reaction removed (emoji empty)",
			message: `{"from":"16505551234","id":"wamid.unreact2","timestamp":"1749416383","type":"reaction","reaction":{"message_id":"wamid.reacted","emoji":""}}`,
			want: InboundMessage{
				WAMID: "wamid.unreact2", Type: "reaction",
				Reaction: &Reaction{MessageID: "wamid.reacted"},
			},
		},
		{
			name: "unsupported",
			message: `{"from":"16505551234","id":"wamid.unsupported","timestamp":"1749416383",` +
				`"errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown","error_data":{"details":"Message type is currently not supported."},"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}],` +
				`"type":"unsupported","unsupported":{"type":"poll"}}`,
			want: InboundMessage{
				WAMID: "wamid.unsupported", Type: "unsupported",
				Errors: []Error{{Code: 131051, Title: "Message type unknown", Message: "Message type unknown", Details: "Message type is currently not supported.", Href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}},
			},
		},
		{
			name:     "system: user changed number (no contacts array)",
			contacts: "null",
			message:  `{"from":"16505551234","id":"wamid.system","timestamp":"1749416383","type":"system","system":{"body":"User Sheena Nelson changed from 16505551234 to 16505556789","wa_id":"16505556789","type":"user_changed_number"}}`,
			want: InboundMessage{
				WAMID: "wamid.system", Type: "system",
				System: &System{Body: "User Sheena Nelson changed from 16505551234 to 16505556789", Type: "user_changed_number", WAID: "16505556789"},
			},
		},
		{
			name:     "system: customer changed number, older numeric new_wa_id",
			contacts: "[]",
			message:  `{"from":"16505551234","id":"wamid.system2","timestamp":"1749416383","type":"system","system":{"body":"Sheena changed from 16505551234 to 16505556789","new_wa_id":16505556789,"type":"customer_changed_number"}}`,
			want: InboundMessage{
				WAMID: "wamid.system2", Type: "system",
				System: &System{Body: "Sheena changed from 16505551234 to 16505556789", Type: "customer_changed_number", NewWAID: "16505556789"},
			},
		},
		{
			name: "order",
			message: `{"from":"16505551234","id":"wamid.order","timestamp":"1749416383","type":"order","order":{"catalog_id":"194836987003835","text":"Please deliver before noon",` +
				`"product_items":[{"product_retailer_id":"di9ozbzfi4","quantity":2,"item_price":30,"currency":"USD"}]}}`,
			want: InboundMessage{
				WAMID: "wamid.order", Type: "order",
				Order: &Order{CatalogID: "194836987003835", Text: "Please deliver before noon", Items: []OrderItem{{ProductRetailerID: "di9ozbzfi4", Quantity: 2, ItemPrice: 30, Currency: "USD"}}},
			},
		},
		{
			name:    "type this package does not know yet",
			message: `{"from":"16505551234","id":"wamid.poll","timestamp":"1749416383","type":"poll_creation","poll_creation":{"name":"Lunch?","options":["Yes","No"]}}`,
			want:    InboundMessage{WAMID: "wamid.poll", Type: "poll_creation"},
		},
		{
			name:    "timestamp as a bare number",
			message: `{"from":"16505551234","id":"wamid.number","timestamp":1749416383,"type":"text","text":{"body":"hi"}}`,
			want:    InboundMessage{WAMID: "wamid.number", Type: "text", Text: "hi"},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			contacts := test.contacts
			if contacts == "" {
				contacts = testContacts
			}
			batch, err := ParseWebhook(messagesWebhook(contacts, test.message))
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if len(batch.Malformed) != 0 || len(batch.Statuses) != 0 || len(batch.Errors) != 0 {
				t.Fatalf("unexpected extras: %+v", batch)
			}
			if len(batch.Messages) != 1 {
				t.Fatalf("got %d messages, want 1", len(batch.Messages))
			}
			got := batch.Messages[0]
			if string(got.Raw) != test.message {
				t.Errorf("Raw = %s\nwant  %s", got.Raw, test.message)
			}
			want := test.want
			want.PhoneNumberID = testPhoneNumberID
			want.DisplayPhoneNumber = testDisplayPhoneNumber
			want.From = testCustomer
			want.Timestamp = testTimestamp
			if contacts == testContacts {
				want.ProfileName = "Sheena Nelson"
			}
			want.Raw = got.Raw
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if got.Timestamp.Location() != time.UTC {
				t.Errorf("timestamp location = %v, want UTC", got.Timestamp.Location())
			}
		})
	}
}

func TestParseWebhookProfileNameMatchesSender(t *testing.T) {
	contacts := `[{"profile":{"name":"Someone Else"},"wa_id":"447700900123"},{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}]`
	batch, err := ParseWebhook(messagesWebhook(contacts,
		`{"from":"16505551234","id":"wamid.a","timestamp":"1749416383","type":"text","text":{"body":"a"}}`,
		`{"from":"491701234567","id":"wamid.b","timestamp":"1749416383","type":"text","text":{"body":"b"}}`,
	))
	if err != nil {
		t.Fatal(err)
	}
	if got := batch.Messages[0].ProfileName; got != "Sheena Nelson" {
		t.Errorf("first profile name = %q", got)
	}
	if got := batch.Messages[1].ProfileName; got != "" {
		t.Errorf("second profile name = %q, want empty for a sender without a contact", got)
	}
}

func TestParseWebhookStatuses(t *testing.T) {
	sent := `{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA","status":"sent","timestamp":"1749416383","recipient_id":"16505551234",` +
		`"conversation":{"id":"a75d17ad06104c51166f948319b03c6a","expiration_timestamp":"1749502783","origin":{"type":"service"}},` +
		`"pricing":{"billable":true,"pricing_model":"PMP","category":"service","type":"regular"}}`
	delivered := `{"id":"wamid.delivered","status":"delivered","timestamp":"1749416384","recipient_id":"16505551234","pricing":{"billable":false,"pricing_model":"PMP","category":"service","type":"free_customer_service"}}`
	read := `{"id":"wamid.read","status":"read","timestamp":"1749416385","recipient_id":"16505551234"}`
	failed := `{"id":"wamid.failed","status":"failed","timestamp":"1749416386","recipient_id":"16505551234",` +
		`"errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",` +
		`"error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},` +
		`"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}`
	deleted := `{"id":"wamid.deleted","status":"deleted","timestamp":"1749416387","recipient_id":"16505551234"}`
	warning := `{"id":"wamid.warning","status":"warning","timestamp":"1749416388","recipient_id":"16505551234"}`
	future := `{"id":"wamid.future","status":"played","timestamp":"1749416389","recipient_id":"16505551234"}`

	batch, err := ParseWebhook(statusesWebhook(sent, delivered, read, failed, deleted, warning, future))
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Malformed) != 0 || len(batch.Messages) != 0 {
		t.Fatalf("unexpected extras: %+v", batch)
	}
	want := []StatusUpdate{
		{WAMID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA", Status: "sent", Timestamp: testTimestamp, Raw: json.RawMessage(sent)},
		{WAMID: "wamid.delivered", Status: "delivered", Timestamp: testTimestamp.Add(time.Second), Raw: json.RawMessage(delivered)},
		{WAMID: "wamid.read", Status: "read", Timestamp: testTimestamp.Add(2 * time.Second), Raw: json.RawMessage(read)},
		{
			WAMID: "wamid.failed", Status: "failed", Timestamp: testTimestamp.Add(3 * time.Second), Raw: json.RawMessage(failed),
			Errors: []Error{{
				Code: 131047, Title: "Re-engagement message", Message: "Re-engagement message",
				Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
				Href:    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
			}},
		},
		{WAMID: "wamid.deleted", Status: "deleted", Timestamp: testTimestamp.Add(4 * time.Second), Raw: json.RawMessage(deleted)},
		{WAMID: "wamid.warning", Status: "warning", Timestamp: testTimestamp.Add(5 * time.Second), Raw: json.RawMessage(warning)},
		{WAMID: "wamid.future", Status: "played", Timestamp: testTimestamp.Add(6 * time.Second), Raw: json.RawMessage(future)},
	}
	for i := range want {
		want[i].PhoneNumberID = testPhoneNumberID
		want[i].RecipientID = testCustomer
	}
	if !reflect.DeepEqual(batch.Statuses, want) {
		t.Errorf("got  %+v\nwant %+v", batch.Statuses, want)
	}
}

func TestParseWebhookValueErrors(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},` +
		`"errors":[{"code":130429,"title":"Rate limit hit","message":"Rate limit hit","error_data":{"details":"Message failed to send because there were too many messages sent from this phone number in a short period of time"},"href":"/documentation/business-messaging/whatsapp/support/error-codes"}]},` +
		`"field":"messages"}]}]}`)
	batch, err := ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	want := []ValueError{{PhoneNumberID: testPhoneNumberID, Error: Error{
		Code: 130429, Title: "Rate limit hit", Message: "Rate limit hit",
		Details: "Message failed to send because there were too many messages sent from this phone number in a short period of time",
		Href:    "/documentation/business-messaging/whatsapp/support/error-codes",
	}}}
	if !reflect.DeepEqual(batch.Errors, want) {
		t.Errorf("got  %+v\nwant %+v", batch.Errors, want)
	}
	if len(batch.Messages)+len(batch.Statuses)+len(batch.Malformed) != 0 {
		t.Errorf("unexpected extras: %+v", batch)
	}
}

func TestParseWebhookBatchAcrossEntriesAndChanges(t *testing.T) {
	text := func(id, from string) string {
		return `{"from":"` + from + `","id":"` + id + `","timestamp":"1749416383","type":"text","text":{"body":"` + id + `"}}`
	}
	status := func(id string) string {
		return `{"id":"` + id + `","status":"delivered","timestamp":"1749416383","recipient_id":"16505551234"}`
	}
	change := func(phoneNumberID, messages, statuses string) string {
		return `{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1555000` + phoneNumberID[:4] + `","phone_number_id":"` + phoneNumberID + `"},` +
			`"contacts":[{"profile":{"name":"Ann"},"wa_id":"111"},{"profile":{"name":"Bob"},"wa_id":"222"}],` +
			`"messages":[` + messages + `],"statuses":[` + statuses + `]},"field":"messages"}`
	}
	body := `{"object":"whatsapp_business_account","entry":[` +
		`{"id":"waba-1","changes":[` +
		change("1001", text("m1", "111")+","+text("m2", "222"), status("s1")) + "," +
		change("1002", text("m3", "111"), "") + "]}," +
		`{"id":"waba-2","changes":[` +
		`{"value":{"phone_number":"15550783881","event":"VERIFIED_ACCOUNT"},"field":"account_update"},` +
		change("2001", text("m4", "222")+","+text("m5", "111")+","+text("m6", "222"), status("s2")+","+status("s3")) + "]}]}"

	batch, err := ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Malformed) != 0 {
		t.Fatalf("malformed: %+v", batch.Malformed)
	}
	type summary struct{ wamid, phoneNumberID, profile string }
	var gotMessages []summary
	for _, message := range batch.Messages {
		gotMessages = append(gotMessages, summary{message.WAMID, message.PhoneNumberID, message.ProfileName})
	}
	wantMessages := []summary{
		{"m1", "1001", "Ann"}, {"m2", "1001", "Bob"}, {"m3", "1002", "Ann"},
		{"m4", "2001", "Bob"}, {"m5", "2001", "Ann"}, {"m6", "2001", "Bob"},
	}
	if !reflect.DeepEqual(gotMessages, wantMessages) {
		t.Errorf("messages = %v\nwant       %v", gotMessages, wantMessages)
	}
	var gotStatuses []string
	for _, status := range batch.Statuses {
		gotStatuses = append(gotStatuses, status.WAMID+"@"+status.PhoneNumberID)
	}
	if want := []string{"s1@1001", "s2@2001", "s3@2001"}; !reflect.DeepEqual(gotStatuses, want) {
		t.Errorf("statuses = %v, want %v", gotStatuses, want)
	}
}

func TestParseWebhookMalformedMessagesKeepTheRest(t *testing.T) {
	good := `{"from":"16505551234","id":"wamid.good","timestamp":"1749416383","type":"text","text":{"body":"still here"}}`
	tests := []struct {
		name, item, reason string
	}{
		{"string", `"hello"`, "not a JSON object"},
		{"null", `null`, "not a JSON object"},
		{"array", `[1,2]`, "not a JSON object"},
		{"missing id", `{"from":"16505551234","timestamp":"1749416383","type":"text","text":{"body":"x"}}`, "id: missing"},
		{"empty id", `{"from":"16505551234","id":"","timestamp":"1749416383","type":"text","text":{"body":"x"}}`, "id: missing"},
		{"numeric id", `{"from":"16505551234","id":7,"timestamp":"1749416383","type":"text","text":{"body":"x"}}`, "id: not a string"},
		{"missing from", `{"id":"wamid.x","timestamp":"1749416383","type":"text","text":{"body":"x"}}`, "from: missing"},
		{"missing timestamp", `{"from":"16505551234","id":"wamid.x","type":"text","text":{"body":"x"}}`, "timestamp: missing"},
		{"timestamp not digits", `{"from":"16505551234","id":"wamid.x","timestamp":"yesterday","type":"text","text":{"body":"x"}}`, "timestamp"},
		{"negative timestamp", `{"from":"16505551234","id":"wamid.x","timestamp":"-5","type":"text","text":{"body":"x"}}`, "timestamp"},
		{"fractional timestamp", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383.5","type":"text","text":{"body":"x"}}`, "timestamp"},
		{"zero timestamp", `{"from":"16505551234","id":"wamid.x","timestamp":"0","type":"text","text":{"body":"x"}}`, "timestamp"},
		{"timestamp beyond year 9999", `{"from":"16505551234","id":"wamid.x","timestamp":"99999999999999","type":"text","text":{"body":"x"}}`, "timestamp"},
		{"timestamp object", `{"from":"16505551234","id":"wamid.x","timestamp":{},"type":"text","text":{"body":"x"}}`, "timestamp"},
		{"missing type", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","text":{"body":"x"}}`, "type: missing"},
		{"text without text", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"text"}`, "text: missing"},
		{"text without body", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"text","text":{}}`, "text: body missing"},
		{"text body not a string", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"text","text":{"body":5}}`, "text"},
		{"image without id", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"image","image":{"mime_type":"image/jpeg"}}`, "image: id missing"},
		{"audio without audio", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"audio"}`, "audio: missing"},
		{"location without longitude", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"location","location":{"latitude":1.5}}`, "location: latitude or longitude missing"},
		{"location out of range", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"location","location":{"latitude":91,"longitude":0}}`, "out of range"},
		{"contacts empty", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"contacts","contacts":[]}`, "contacts: missing"},
		{"reaction without message_id", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"reaction","reaction":{"emoji":"👍"}}`, "reaction: message_id missing"},
		{"interactive without reply", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"interactive","interactive":{"type":"button_reply"}}`, "interactive: no button_reply or list_reply"},
		{"interactive reply without id", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"interactive","interactive":{"type":"list_reply","list_reply":{"title":"x"}}}`, "list_reply id missing"},
		{"button without text or payload", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"button","button":{}}`, "button: text and payload missing"},
		{"system without system", `{"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"system"}`, "system: missing"},
		{"context not an object", `{"context":"wamid.y","from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"text","text":{"body":"x"}}`, "context"},
		{"errors not an array", `{"errors":{"code":1},"from":"16505551234","id":"wamid.x","timestamp":"1749416383","type":"unsupported"}`, "errors"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			batch, err := ParseWebhook(messagesWebhook(testContacts, good, test.item, good))
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if len(batch.Messages) != 2 || batch.Messages[0].Text != "still here" || batch.Messages[1].Text != "still here" {
				t.Errorf("good messages not kept: %+v", batch.Messages)
			}
			if len(batch.Malformed) != 1 {
				t.Fatalf("got %d malformed, want 1: %+v", len(batch.Malformed), batch.Malformed)
			}
			malformed := batch.Malformed[0]
			if string(malformed.Raw) != test.item {
				t.Errorf("Raw = %s, want %s", malformed.Raw, test.item)
			}
			if !strings.Contains(malformed.Reason, test.reason) {
				t.Errorf("Reason = %q, want it to contain %q", malformed.Reason, test.reason)
			}
		})
	}
}

func TestParseWebhookMalformedStatuses(t *testing.T) {
	good := `{"id":"wamid.good","status":"read","timestamp":"1749416383","recipient_id":"16505551234"}`
	tests := []struct{ name, item, reason string }{
		{"missing id", `{"status":"read","timestamp":"1749416383","recipient_id":"16505551234"}`, "id: missing"},
		{"missing status", `{"id":"wamid.x","timestamp":"1749416383","recipient_id":"16505551234"}`, "status: missing"},
		{"bad timestamp", `{"id":"wamid.x","status":"read","timestamp":"soon","recipient_id":"16505551234"}`, "timestamp"},
		{"missing timestamp", `{"id":"wamid.x","status":"read","recipient_id":"16505551234"}`, "timestamp"},
		{"not an object", `42`, "not a JSON object"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			batch, err := ParseWebhook(statusesWebhook(good, test.item))
			if err != nil {
				t.Fatal(err)
			}
			if len(batch.Statuses) != 1 || batch.Statuses[0].WAMID != "wamid.good" {
				t.Errorf("good status not kept: %+v", batch.Statuses)
			}
			if len(batch.Malformed) != 1 || string(batch.Malformed[0].Raw) != test.item || !strings.Contains(batch.Malformed[0].Reason, test.reason) {
				t.Errorf("malformed = %+v, want raw %s with reason containing %q", batch.Malformed, test.item, test.reason)
			}
		})
	}
}

func TestParseWebhookMalformedStructure(t *testing.T) {
	goodChange := `{"value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1"},"messages":[{"from":"1","id":"wamid.ok","timestamp":"1749416383","type":"text","text":{"body":"ok"}}]},"field":"messages"}`
	tests := []struct {
		name, body, raw, reason string
		messages                int
	}{
		{
			name: "another product's webhook", body: `{"object":"page","entry":[]}`,
			raw: `{"object":"page","entry":[]}`, reason: "envelope object",
		},
		{
			name: "entry not an array", body: `{"object":"whatsapp_business_account","entry":{}}`,
			raw: `{"object":"whatsapp_business_account","entry":{}}`, reason: "entry is not an array",
		},
		{
			name: "entry not an object", body: `{"object":"whatsapp_business_account","entry":[7,{"changes":[` + goodChange + `]}]}`,
			raw: `7`, reason: "entry is not an object", messages: 1,
		},
		{
			name: "changes not an array", body: `{"object":"whatsapp_business_account","entry":[{"changes":"x"},{"changes":[` + goodChange + `]}]}`,
			raw: `{"changes":"x"}`, reason: "changes is not an array", messages: 1,
		},
		{
			name: "change not an object", body: `{"object":"whatsapp_business_account","entry":[{"changes":[null,` + goodChange + `]}]}`,
			raw: `null`, reason: "change is not an object", messages: 1,
		},
		{
			name: "value not an object", body: `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":[],"field":"messages"},` + goodChange + `]}]}`,
			raw: `{"value":[],"field":"messages"}`, reason: "value is not an object", messages: 1,
		},
		{
			name: "metadata not an object", body: `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":"x","messages":[]},"field":"messages"},` + goodChange + `]}]}`,
			raw: `{"value":{"metadata":"x","messages":[]},"field":"messages"}`, reason: "metadata", messages: 1,
		},
		{
			name: "messages not an array", body: `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":{}},"field":"messages"},` + goodChange + `]}]}`,
			raw: `{"value":{"messages":{}},"field":"messages"}`, reason: "messages is not an array", messages: 1,
		},
		{
			name: "value error not an object", body: `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"errors":["boom"]},"field":"messages"},` + goodChange + `]}]}`,
			raw: `"boom"`, reason: "value error", messages: 1,
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			batch, err := ParseWebhook([]byte(test.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(batch.Messages) != test.messages {
				t.Errorf("got %d messages, want %d", len(batch.Messages), test.messages)
			}
			if len(batch.Malformed) != 1 || string(batch.Malformed[0].Raw) != test.raw || !strings.Contains(batch.Malformed[0].Reason, test.reason) {
				t.Errorf("malformed = %+v, want raw %s with reason containing %q", batch.Malformed, test.raw, test.reason)
			}
		})
	}
}

func TestParseWebhookIgnoresOtherFields(t *testing.T) {
	body := `{"object":"whatsapp_business_account","entry":[{"id":"1","time":1749416383,"changes":[` +
		`{"value":{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":594425479261596,"message_template_name":"order_update","message_template_language":"en_US"},"field":"message_template_quality_update"},` +
		`{"value":{"event":"APPROVED","message_template_id":"not read here"},"field":"message_template_components_update"},` +
		`{"value":{"messages":"this is not what messages look like"},"field":"account_alerts"},` +
		`{"field":"messages"},{"value":null,"field":"messages"}]}]}`
	batch, err := ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(batch, Batch{}) {
		t.Errorf("got %+v, want an empty batch", batch)
	}
}

func TestParseWebhookRejectsBodiesThatAreNotObjects(t *testing.T) {
	for _, body := range []string{``, `   `, `{`, `{"object":"whatsapp_business_account"} trailing`, `[]`, `"text"`, `null`, `42`, `<html>`} {
		if _, err := ParseWebhook([]byte(body)); err == nil {
			t.Errorf("ParseWebhook(%q) succeeded, want an error", body)
		} else if !strings.HasPrefix(err.Error(), "whatsapp: parse webhook: ") {
			t.Errorf("error %q lacks the operation prefix", err)
		}
	}
}

func TestParseWebhookRawDoesNotAliasBody(t *testing.T) {
	message := `{"from":"16505551234","id":"wamid.a","timestamp":"1749416383","type":"text","text":{"body":"a"}}`
	body := messagesWebhook(testContacts, message, `{"id":"bad"}`)
	batch, err := ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'X'
	}
	if string(batch.Messages[0].Raw) != message || string(batch.Malformed[0].Raw) != `{"id":"bad"}` {
		t.Errorf("raw JSON changed with the caller's buffer: %s / %s", batch.Messages[0].Raw, batch.Malformed[0].Raw)
	}
}

func TestParseWebhookKeepsRawBytesExactly(t *testing.T) {
	// Whitespace and key order inside a message are kept as received, so the quarantine table and the
	// audit trail hold what Meta actually sent.
	message := "{ \"type\" : \"text\",\n  \"text\": {\"body\": \"caf\\u00e9\"}, \"timestamp\":\"1749416383\", \"id\":\"wamid.ws\", \"from\":\"16505551234\" }"
	batch, err := ParseWebhook(messagesWebhook(testContacts, message))
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Messages) != 1 || !bytes.Equal(batch.Messages[0].Raw, []byte(message)) || batch.Messages[0].Text != "café" {
		t.Errorf("got %+v", batch.Messages)
	}
}
