package notify

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"switchboard/store"
)

func response(t *testing.T, kind string, definition Definition) store.Response {
	t.Helper()
	return store.Response{ID: 7, Kind: kind, Name: "Test", Definition: definition.Encode(), Active: true}
}

func draftOf(t *testing.T, kind string, definition Definition, values Values) Draft {
	t.Helper()
	d, err := NewDraft(response(t, kind, definition), values)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func set(values map[string]string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		v, ok := values[key]
		return v, ok
	}
}

func confirmation() Template {
	return Template{
		Name: "payment_confirmation", Language: "en_US", Category: "UTILITY",
		Header: Header{Format: HeaderText, Text: "Order {{1}}"},
		Body:   "Hello {{1}}. Have you ordered {{2}}?",
		Footer: "Flowers Inc.",
		Buttons: []TemplateButton{
			{Type: ButtonPhoneNumber, Text: "Call us", PhoneNumber: "+18881112222"},
			{Type: ButtonURL, Text: "Track", URL: "https://shop.example/track/{{1}}"},
		},
		Parameters: map[string]Parameter{
			"body.1":    {Label: "Name", Field: "contact.name"},
			"body.2":    {Label: "Product", Example: "flowers"},
			"header.1":  {Label: "Order number"},
			"button2.1": {Label: "Tracking code", Example: "abc123"},
		},
	}
}

// TestDraftPrefill: each parameter gets its own field, labelled with where it is, prefilled from the
// contact where mapped and otherwise from its example.
func TestDraftPrefill(t *testing.T) {
	template := confirmation()
	d := draftOf(t, KindNotification, Definition{Template: &template}, Values{"contact.name": "Masha Ivanova"})
	var got []string
	for _, f := range d.Fields {
		got = append(got, f.Label+"="+f.Value)
	}
	want := []string{"Header {{1}} · Order number=", "Body {{1}} · Name=Masha Ivanova", "Body {{2}} · Product=flowers", "Button 2 URL {{1}} · Tracking code=abc123"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("fields\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.Validate() {
		t.Error("a draft with an empty parameter is valid")
	}
	if d.Fields[0].Error != "Header {{1}} · Order number: fill this in." {
		t.Errorf("empty header parameter error %q", d.Fields[0].Error)
	}
	preview := d.Preview()
	if preview.HeaderText != "Order {{1}}" || preview.Body != "Hello Masha Ivanova. Have you ordered flowers?" || preview.Buttons[1].Target != "https://shop.example/track/abc123" {
		t.Errorf("preview %+v", preview)
	}
}

// TestDraftRules: the rules checked as the agent types, each saying what and where.
func TestDraftRules(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]string
		field  string // key of the field with the error, or "" for a message problem
		want   string
	}{
		{"all filled", map[string]string{"header.1": "A-17"}, "", ""},
		{"new line in header parameter", map[string]string{"header.1": "A\n17"}, "header.1", "Header {{1}} · Order number: may not contain a new line."},
		{"tab in header parameter", map[string]string{"header.1": "A\t17"}, "header.1", "may not contain a tab"},
		{"five spaces in header parameter", map[string]string{"header.1": "A     17"}, "header.1", "more than four spaces in a row"},
		{"four spaces in header parameter are fine", map[string]string{"header.1": "A    17"}, "", ""},
		{"new line in button parameter", map[string]string{"header.1": "A", "button2.1": "x\ny"}, "button2.1", "Button 2 URL {{1}} · Tracking code: may not contain a new line."},
		{"five spaces in button parameter", map[string]string{"header.1": "A", "button2.1": "x     y"}, "button2.1", "more than four spaces"},
		{"new lines in a body parameter are fine", map[string]string{"header.1": "A", "body.2": "roses\nand tulips"}, "", ""},
		{"empty body parameter", map[string]string{"header.1": "A", "body.2": "  "}, "body.2", "Body {{2}} · Product: fill this in."},
		{"header too long once filled", map[string]string{"header.1": strings.Repeat("9", 55)}, "", "Header: 61 characters with the parameter filled in; at most 60."},
		{"body too long once filled", map[string]string{"header.1": "A", "body.2": strings.Repeat("r", 1000)}, "", "Body: 1039 characters with the parameters filled in; at most 1024."},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			template := confirmation()
			d := draftOf(t, KindNotification, Definition{Template: &template}, Values{"contact.name": "Masha Ivanova"})
			d.Apply(set(test.values))
			valid := d.Validate()
			if test.want == "" {
				if !valid {
					t.Fatalf("invalid: %+v %v", d.Fields, d.Problems)
				}
				return
			}
			if valid {
				t.Fatal("valid, want a problem")
			}
			got := strings.Join(d.Problems, " ")
			for _, f := range d.Fields {
				if f.Key == test.field {
					got = f.Error
				}
			}
			if !strings.Contains(got, test.want) {
				t.Fatalf("problem %q, want %q", got, test.want)
			}
		})
	}
}

// TestInteractiveDraftRules: reply buttons and list texts are edited whole, within WhatsApp's limits.
func TestInteractiveDraftRules(t *testing.T) {
	buttons := ReplyButtons{Header: Header{Format: HeaderText, Text: "Hi {contact.first_name}"}, Body: "Still need help?", Footer: "Bank", Buttons: []string{"Yes", "No"}}
	d := draftOf(t, KindButtons, Definition{Buttons: &buttons}, Values{"contact.first_name": "Ann"})
	if d.Value("header") != "Hi Ann" {
		t.Errorf("header prefilled %q", d.Value("header"))
	}
	for values, want := range map[string]string{
		"button2=Yes":                        "Button 2: the same text as Button 1; reply buttons must differ.",
		"button1=" + strings.Repeat("x", 21): "Button 1: 21 characters; at most 20.",
		"button1=Y\nes":                      "Button 1: may not contain a new line.",
		"header=" + strings.Repeat("h", 61):  "Header: 61 characters; at most 60.",
		"body=":                              "Body: fill this in.",
		"footer=" + strings.Repeat("f", 61):  "Footer: 61 characters; at most 60.",
	} {
		key, value, _ := strings.Cut(values, "=")
		copy := d
		copy.Fields = append([]DraftField(nil), d.Fields...)
		copy.Apply(set(map[string]string{key: value}))
		copy.Validate()
		found := false
		for _, f := range copy.Fields {
			found = found || f.Error == want
		}
		if !found {
			t.Errorf("%s: errors %+v, want %q", key, copy.Fields, want)
		}
	}

	list := List{Body: "Pick", Button: "Options", Sections: []Section{{Title: "A", Rows: []Row{{Title: "One"}}}, {Title: "B", Rows: []Row{{Title: "Two", Description: "second"}}}}}
	l := draftOf(t, KindList, Definition{List: &list}, nil)
	l.Apply(set(map[string]string{"row2_title": strings.Repeat("r", 25), "row1_description": strings.Repeat("d", 73), "section2": "", "list_button": strings.Repeat("b", 21)}))
	l.Validate()
	errors := map[string]string{}
	for _, f := range l.Fields {
		errors[f.Key] = f.Error
	}
	for key, want := range map[string]string{
		"row2_title":       "Row 2 title: 25 characters; at most 24.",
		"row1_description": "Row 1 description: 73 characters; at most 72.",
		"section2":         "Section 2 title: fill this in.",
		"list_button":      "List button: 21 characters; at most 20.",
	} {
		if errors[key] != want {
			t.Errorf("%s error %q, want %q", key, errors[key], want)
		}
	}
}

// TestMediaHeaderNeedsFile: a media header cannot go without a file.
func TestMediaHeaderNeedsFile(t *testing.T) {
	template := Template{Name: "promo", Language: "en", Category: "MARKETING", Header: Header{Format: HeaderImage}, Body: "New in!"}
	d := draftOf(t, KindNotification, Definition{Template: &template}, nil)
	if d.Validate() || !strings.Contains(strings.Join(d.Problems, ""), "image header; upload a file") {
		t.Fatalf("problems %v", d.Problems)
	}
	d.Header.FileID, d.Header.Name = 4, "cat.jpeg"
	if !d.Validate() {
		t.Fatalf("with a file: %v", d.Problems)
	}
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("compact %s: %v", s, err)
	}
	return b.String()
}

// wire renders the content's message as the outbox sends it: recipient filled in, file uploaded.
func wire(t *testing.T, c Content, mediaID string) string {
	t.Helper()
	m := c.Message
	m.To = "16505551234"
	if slot := m.MediaSlot(); slot != nil && c.FileID != 0 {
		slot.ID = mediaID
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("built message is invalid: %v", err)
	}
	encoded, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(encoded)
}

// TestCloudAPIJSON: the exact Cloud API body for each template and interactive shape.
func TestCloudAPIJSON(t *testing.T) {
	rich := confirmation()
	rich.Buttons = append(rich.Buttons[:0:0], rich.Buttons...)
	quick := Template{Name: "delivery_slot", Language: "en_GB", Category: "UTILITY", Header: Header{Format: HeaderImage, FileID: 3},
		Body: "Is {{1}} a good time?", Buttons: quickReplies("One", "Two", "Three")}
	document := Template{Name: "invoice", Language: "de", Category: "UTILITY", Header: Header{Format: HeaderDocument, FileID: 9}, Body: "Your invoice."}
	plain := Template{Name: "thank_you_patience", Language: "en_US", Category: "UTILITY", Body: "Thank you for your patience! {{1}}"}
	static := Template{Name: "visit_us", Language: "en", Category: "MARKETING", Body: "Spring sale.", Footer: "Unsubscribe: reply STOP",
		Buttons: []TemplateButton{{Type: ButtonURL, Text: "Shop", URL: "https://shop.example"}}}
	buttons := ReplyButtons{Header: Header{Format: HeaderText, Text: "GBank"}, Body: "Did this solve it?", Footer: "Reply below", Buttons: []string{"Yes", "No", "Call me"}}
	imageButtons := ReplyButtons{Header: Header{Format: HeaderImage, FileID: 5}, Body: "Like it?", Buttons: []string{"Love it"}}
	list := List{Header: "Shipping", Body: "Which option?", Footer: "Lucky Shrub", Button: "Options", Sections: []Section{
		{Title: "I want it ASAP!", Rows: []Row{{Title: "Express", Description: "Next day"}, {Title: "Priority"}}},
		{Title: "I can wait", Rows: []Row{{Title: "Ground"}}},
	}}
	tests := []struct {
		name     string
		kind     string
		def      Definition
		values   map[string]string
		fileName string
		want     string
	}{
		{
			name: "template with text header, body, phone and dynamic URL buttons", kind: KindNotification, def: Definition{Template: &rich},
			values: map[string]string{"header.1": "A-17", "body.1": "Masha", "body.2": "flowers", "button2.1": "xyz"},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template","template":{"name":"payment_confirmation","language":{"code":"en_US"},"components":[
				{"type":"header","parameters":[{"type":"text","text":"A-17"}]},
				{"type":"body","parameters":[{"type":"text","text":"Masha"},{"type":"text","text":"flowers"}]},
				{"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"xyz"}]}]}}`,
		},
		{
			name: "template with image header and quick replies", kind: KindNotification, def: Definition{Template: &quick}, fileName: "cat.jpeg",
			values: map[string]string{"body.1": "9am"},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template","template":{"name":"delivery_slot","language":{"code":"en_GB"},"components":[
				{"type":"header","parameters":[{"type":"image","image":{"id":"MEDIA-1"}}]},
				{"type":"body","parameters":[{"type":"text","text":"9am"}]},
				{"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"One"}]},
				{"type":"button","sub_type":"quick_reply","index":"1","parameters":[{"type":"payload","payload":"Two"}]},
				{"type":"button","sub_type":"quick_reply","index":"2","parameters":[{"type":"payload","payload":"Three"}]}]}}`,
		},
		{
			name: "template with document header keeps the file name", kind: KindNotification, def: Definition{Template: &document}, fileName: "invoice-17.pdf",
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template","template":{"name":"invoice","language":{"code":"de"},"components":[
				{"type":"header","parameters":[{"type":"document","document":{"id":"MEDIA-1","filename":"invoice-17.pdf"}}]}]}}`,
		},
		{
			name: "template with one body parameter", kind: KindNotification, def: Definition{Template: &plain},
			values: map[string]string{"body.1": "We found your parcel.\nIt arrives today."},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template","template":{"name":"thank_you_patience","language":{"code":"en_US"},"components":[
				{"type":"body","parameters":[{"type":"text","text":"We found your parcel.\nIt arrives today."}]}]}}`,
		},
		{
			name: "template without parameters sends no components", kind: KindNotification, def: Definition{Template: &static},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template","template":{"name":"visit_us","language":{"code":"en"}}}`,
		},
		{
			name: "reply buttons with text header and footer", kind: KindButtons, def: Definition{Buttons: &buttons},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"interactive","interactive":{"type":"button",
				"header":{"type":"text","text":"GBank"},"body":{"text":"Did this solve it?"},"footer":{"text":"Reply below"},
				"action":{"buttons":[{"type":"reply","reply":{"id":"option-1","title":"Yes"}},{"type":"reply","reply":{"id":"option-2","title":"No"}},{"type":"reply","reply":{"id":"option-3","title":"Call me"}}]}}}`,
		},
		{
			name: "reply buttons with image header", kind: KindButtons, def: Definition{Buttons: &imageButtons}, fileName: "dress.png",
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"interactive","interactive":{"type":"button",
				"header":{"type":"image","image":{"id":"MEDIA-1"}},"body":{"text":"Like it?"},
				"action":{"buttons":[{"type":"reply","reply":{"id":"option-1","title":"Love it"}}]}}}`,
		},
		{
			name: "list with sections", kind: KindList, def: Definition{List: &list},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"interactive","interactive":{"type":"list",
				"header":{"type":"text","text":"Shipping"},"body":{"text":"Which option?"},"footer":{"text":"Lucky Shrub"},
				"action":{"button":"Options","sections":[
					{"title":"I want it ASAP!","rows":[{"id":"row-1","title":"Express","description":"Next day"},{"id":"row-2","title":"Priority"}]},
					{"title":"I can wait","rows":[{"id":"row-3","title":"Ground"}]}]}}}`,
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			d := draftOf(t, test.kind, test.def, nil)
			d.Header.Name = test.fileName
			d.Apply(set(test.values))
			if !d.Validate() {
				t.Fatalf("draft invalid: %+v %v", d.Fields, d.Problems)
			}
			content, err := d.Build()
			if err != nil {
				t.Fatal(err)
			}
			if got := wire(t, content, "MEDIA-1"); got != compact(t, test.want) {
				t.Errorf("JSON\n%s\nwant\n%s", got, compact(t, test.want))
			}
			decoded, ok := DecodeContent(content.Encode())
			if !ok || wire(t, decoded, "MEDIA-1") != compact(t, test.want) {
				t.Errorf("content does not survive the payload round trip")
			}
		})
	}
}

// TestAttachmentJSON: a response's file goes as the media type WhatsApp shows it as, by uploaded id.
func TestAttachmentJSON(t *testing.T) {
	tests := map[string]string{
		"image/png":       `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"image","image":{"id":"MEDIA-1"}}`,
		"video/mp4":       `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"video","video":{"id":"MEDIA-1"}}`,
		"audio/mpeg":      `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"audio","audio":{"id":"MEDIA-1"}}`,
		"application/pdf": `{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"document","document":{"id":"MEDIA-1","filename":"terms.pdf"}}`,
	}
	for mime, want := range tests {
		if got := wire(t, Attachment(2, "terms.pdf", mime), "MEDIA-1"); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", mime, got, want)
		}
	}
}

// TestRegistrationJSON: the exact body that registers a template with WhatsApp, examples included.
func TestRegistrationJSON(t *testing.T) {
	template := confirmation()
	got, err := json.Marshal(template.Registration())
	if err != nil {
		t.Fatal(err)
	}
	want := compact(t, `{"name":"payment_confirmation","language":"en_US","category":"UTILITY","components":[
		{"type":"HEADER","format":"TEXT","text":"Order {{1}}","example":{"header_text":["example"]}},
		{"type":"BODY","text":"Hello {{1}}. Have you ordered {{2}}?","example":{"body_text":[["example","flowers"]]}},
		{"type":"FOOTER","text":"Flowers Inc."},
		{"type":"BUTTONS","buttons":[{"type":"PHONE_NUMBER","text":"Call us","phone_number":"+18881112222"},
			{"type":"URL","text":"Track","url":"https://shop.example/track/{{1}}","example":["https://shop.example/track/abc123"]}]}]}`)
	if string(got) != want {
		t.Errorf("registration\n%s\nwant\n%s", got, want)
	}
	quick := Template{Name: "slot", Language: "en", Category: "UTILITY", Header: Header{Format: HeaderImage}, Body: "Pick", Buttons: quickReplies("Yes", "No")}
	got, _ = json.Marshal(quick.Registration())
	want = `{"name":"slot","language":"en","category":"UTILITY","components":[{"type":"HEADER","format":"IMAGE"},{"type":"BODY","text":"Pick"},` +
		`{"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"Yes"},{"type":"QUICK_REPLY","text":"No"}]}]}`
	if string(got) != want {
		t.Errorf("registration\n%s\nwant\n%s", got, want)
	}
}
