package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestOutboundJSON(t *testing.T) {
	// must unwraps a constructor result inside table literals.
	must := func(message OutboundMessage, err error) OutboundMessage {
		t.Helper()
		if err != nil {
			t.Fatalf("constructor: %v", err)
		}
		return message
	}
	headerImage, err := MediaParameter("image", OutboundMedia{Link: "https://luckyshrub.com/assets/succulents/aloe.png"})
	if err != nil {
		t.Fatal(err)
	}
	buttons := must(NewButtons("16505551234",
		"Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!",
		InteractiveReply{ID: "change-button", Title: "Change"},
		InteractiveReply{ID: "cancel-button", Title: "Cancel"},
	))
	buttons.Interactive.Header = &InteractiveHeader{Type: "image", Image: &OutboundMedia{ID: "2762702990552401"}}
	buttons.Interactive.Footer = &InteractiveText{Text: "Lucky Shrub: Your gateway to succulents!™"}

	list := must(NewList("16505551234",
		"Which shipping option do you prefer?", "Shipping Options",
		InteractiveSection{Title: "I want it ASAP!", Rows: []InteractiveRow{
			{ID: "priority_express", Title: "Priority Mail Express", Description: "Next Day to 2 Days"},
			{ID: "priority_mail", Title: "Priority Mail", Description: "1–3 Days"},
		}},
		InteractiveSection{Title: "I can wait a bit", Rows: []InteractiveRow{
			{ID: "ground_advantage", Title: "Ground Advantage"},
		}},
	))
	list.Interactive.Header = &InteractiveHeader{Type: "text", Text: "Choose Shipping Option"}
	list.Interactive.Footer = &InteractiveText{Text: "Lucky Shrub"}

	tests := []struct {
		name    string
		message OutboundMessage
		want    string
	}{
		{
			name:    "text",
			message: NewText("16505551234", "Hello, how can I help?"),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"text",
				"text":{"preview_url":false,"body":"Hello, how can I help?"}}`,
		},
		{
			name:    "text with a link previews it",
			message: NewText("16505551234", "Track it at https://luckyshrub.com/track?order=860198&lang=en"),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"text",
				"text":{"preview_url":true,"body":"Track it at https://luckyshrub.com/track?order=860198&lang=en"}}`,
		},
		{
			name:    "text quoting a customer message",
			message: NewText("16505551234", "Yes, in green too.").InReplyTo("wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA="),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"text",
				"context":{"message_id":"wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA="},
				"text":{"preview_url":false,"body":"Yes, in green too."}}`,
		},
		{
			name:    "image by id with caption",
			message: must(NewMedia("16505551234", "image", OutboundMedia{ID: "1479537139650973", Caption: "The best succulent ever?"})),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"image",
				"image":{"id":"1479537139650973","caption":"The best succulent ever?"}}`,
		},
		{
			name:    "document by link with file name",
			message: must(NewMedia("16505551234", "document", OutboundMedia{Link: "https://www.luckyshrub.com/invoices/FmOzfD9cKf/lucky-shrub-invoice.pdf", Filename: "lucky-shrub-invoice.pdf", Caption: "Lucky Shrub Invoice"})),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"document",
				"document":{"link":"https://www.luckyshrub.com/invoices/FmOzfD9cKf/lucky-shrub-invoice.pdf","caption":"Lucky Shrub Invoice","filename":"lucky-shrub-invoice.pdf"}}`,
		},
		{
			name:    "audio by id",
			message: must(NewMedia("16505551234", "audio", OutboundMedia{ID: "1013859600285441"})),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"audio",
				"audio":{"id":"1013859600285441"}}`,
		},
		{
			name:    "location",
			message: NewLocation("16505551234", OutboundLocation{Latitude: 37.44216251868683, Longitude: -122.16153582049394, Name: "Philz Coffee", Address: "101 Forest Ave, Palo Alto, CA 94301"}),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"location",
				"location":{"latitude":37.44216251868683,"longitude":-122.16153582049394,"name":"Philz Coffee","address":"101 Forest Ave, Palo Alto, CA 94301"}}`,
		},
		{
			name:    "reaction",
			message: NewReaction("16505551234", "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=", "👍"),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"reaction",
				"reaction":{"message_id":"wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=","emoji":"👍"}}`,
		},
		{
			name:    "reaction removed keeps the empty emoji",
			message: NewReaction("16505551234", "wamid.X", ""),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"reaction",
				"reaction":{"message_id":"wamid.X","emoji":""}}`,
		},
		{
			name: "template with header, body and button parameters",
			message: NewTemplate("16505551234", "order_confirmation", "en_US",
				TemplateHeader(headerImage),
				TemplateBody(TextParameter("Pablo"), TextParameter("860198-230332")),
				TemplateQuickReplyButton(0, "cancel-order-860198"),
				TemplateURLButton(1, "860198"),
			),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template",
				"template":{"name":"order_confirmation","language":{"code":"en_US"},"components":[
					{"type":"header","parameters":[{"type":"image","image":{"link":"https://luckyshrub.com/assets/succulents/aloe.png"}}]},
					{"type":"body","parameters":[{"type":"text","text":"Pablo"},{"type":"text","text":"860198-230332"}]},
					{"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"cancel-order-860198"}]},
					{"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"860198"}]}]}}`,
		},
		{
			name:    "template without parameters",
			message: NewTemplate("16505551234", "hello_world", "en_US"),
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template",
				"template":{"name":"hello_world","language":{"code":"en_US"}}}`,
		},
		{
			name:    "interactive reply buttons",
			message: buttons,
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"interactive",
				"interactive":{"type":"button","header":{"type":"image","image":{"id":"2762702990552401"}},
				"body":{"text":"Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!"},
				"footer":{"text":"Lucky Shrub: Your gateway to succulents!™"},
				"action":{"buttons":[{"type":"reply","reply":{"id":"change-button","title":"Change"}},{"type":"reply","reply":{"id":"cancel-button","title":"Cancel"}}]}}}`,
		},
		{
			name:    "interactive list",
			message: list,
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"interactive",
				"interactive":{"type":"list","header":{"type":"text","text":"Choose Shipping Option"},
				"body":{"text":"Which shipping option do you prefer?"},"footer":{"text":"Lucky Shrub"},
				"action":{"button":"Shipping Options","sections":[
					{"title":"I want it ASAP!","rows":[{"id":"priority_express","title":"Priority Mail Express","description":"Next Day to 2 Days"},{"id":"priority_mail","title":"Priority Mail","description":"1–3 Days"}]},
					{"title":"I can wait a bit","rows":[{"id":"ground_advantage","title":"Ground Advantage"}]}]}}}`,
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if err := test.message.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got, err := encodeJSON(test.message)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.Compact(&want, []byte(test.want)); err != nil {
				t.Fatalf("bad expectation: %v", err)
			}
			if string(got) != want.String() {
				t.Errorf("JSON mismatch\ngot  %s\nwant %s", got, want.String())
			}
		})
	}
}

func TestOutboundValidation(t *testing.T) {
	rows := func(n int) []InteractiveRow {
		var out []InteractiveRow
		for i := range n {
			out = append(out, InteractiveRow{ID: "row-" + string(rune('a'+i)), Title: "Row " + string(rune('A'+i))})
		}
		return out
	}
	constructors := []struct {
		name  string
		build func() (OutboundMessage, error)
	}{
		{"no buttons", func() (OutboundMessage, error) { return NewButtons("1", "body") }},
		{"four buttons", func() (OutboundMessage, error) {
			return NewButtons("1", "body", InteractiveReply{"a", "A"}, InteractiveReply{"b", "B"}, InteractiveReply{"c", "C"}, InteractiveReply{"d", "D"})
		}},
		{"button title too long", func() (OutboundMessage, error) {
			return NewButtons("1", "body", InteractiveReply{"a", "This title is far too long"})
		}},
		{"duplicate button id", func() (OutboundMessage, error) {
			return NewButtons("1", "body", InteractiveReply{"a", "Yes"}, InteractiveReply{"a", "No"})
		}},
		{"empty button body", func() (OutboundMessage, error) { return NewButtons("1", " ", InteractiveReply{"a", "A"}) }},
		{"eleven list rows", func() (OutboundMessage, error) {
			return NewList("1", "body", "Pick", InteractiveSection{Rows: rows(11)})
		}},
		{"list sections need titles", func() (OutboundMessage, error) {
			return NewList("1", "body", "Pick", InteractiveSection{Rows: rows(1)}, InteractiveSection{Title: "B", Rows: []InteractiveRow{{ID: "z", Title: "Z"}}})
		}},
		{"list without label", func() (OutboundMessage, error) {
			return NewList("1", "body", "", InteractiveSection{Rows: rows(1)})
		}},
		{"duplicate row id", func() (OutboundMessage, error) {
			return NewList("1", "body", "Pick", InteractiveSection{Rows: []InteractiveRow{{ID: "x", Title: "X"}, {ID: "x", Title: "Y"}}})
		}},
		{"unknown media type", func() (OutboundMessage, error) { return NewMedia("1", "gif", OutboundMedia{ID: "1"}) }},
		{"media with both id and link", func() (OutboundMessage, error) {
			return NewMedia("1", "image", OutboundMedia{ID: "1", Link: "https://example.com/a.png"})
		}},
		{"media with neither id nor link", func() (OutboundMessage, error) { return NewMedia("1", "video", OutboundMedia{}) }},
		{"caption on audio", func() (OutboundMessage, error) {
			return NewMedia("1", "audio", OutboundMedia{ID: "1", Caption: "listen"})
		}},
		{"file name on image", func() (OutboundMessage, error) {
			return NewMedia("1", "image", OutboundMedia{ID: "1", Filename: "a.png"})
		}},
	}
	for _, test := range constructors {
		t.Run(test.name, func(t *testing.T) {
			if _, err := test.build(); !errors.Is(err, ErrInvalidMessage) {
				t.Errorf("error = %v, want ErrInvalidMessage", err)
			}
		})
	}

	messages := []struct {
		name    string
		message OutboundMessage
	}{
		{"no recipient", NewText("", "hi")},
		{"empty text", NewText("1", "  ")},
		{"text too long", NewText("1", strings.Repeat("é", MaxTextLength+1))},
		{"no type", OutboundMessage{To: "1"}},
		{"reaction without message", NewReaction("1", "", "👍")},
		{"template without language", NewTemplate("1", "hello_world", "")},
		{"location out of range", NewLocation("1", OutboundLocation{Latitude: 100})},
		{"type without content", OutboundMessage{To: "1", Type: "image"}},
	}
	for _, test := range messages {
		t.Run(test.name, func(t *testing.T) {
			if err := test.message.Validate(); !errors.Is(err, ErrInvalidMessage) {
				t.Errorf("Validate = %v, want ErrInvalidMessage", err)
			}
		})
	}
	if err := NewText("1", strings.Repeat("é", MaxTextLength)).Validate(); err != nil {
		t.Errorf("text at the limit rejected: %v", err)
	}
}
