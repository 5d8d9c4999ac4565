package notify

import (
	"strings"
	"testing"
)

func validTemplate() Template {
	return Template{Name: "order_update", Language: "en_US", Category: "UTILITY", Body: "Hello {{1}}, your order {{2}} is on its way."}
}

// TestTemplateRules: every rule WhatsApp sets for registering a template is checked, and the problem is
// reported on the form field it belongs to.
func TestTemplateRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Template)
		field  string
		want   string
	}{
		{"valid", func(*Template) {}, "", ""},
		{"no name", func(t *Template) { t.Name = "" }, "template_name", "Give the template a name"},
		{"upper-case name", func(t *Template) { t.Name = "Order-Update" }, "template_name", "lower-case letters, digits and _"},
		{"bad language", func(t *Template) { t.Language = "English" }, "language", "en_US"},
		{"bad category", func(t *Template) { t.Category = "SPAM" }, "template_category", "UTILITY, MARKETING or AUTHENTICATION"},
		{"header text 60 is fine", func(t *Template) { t.Header = Header{Format: HeaderText, Text: strings.Repeat("h", 60)} }, "", ""},
		{"header text 61", func(t *Template) { t.Header = Header{Format: HeaderText, Text: strings.Repeat("h", 61)} }, "header_text", "61 characters; at most 60"},
		{"empty text header", func(t *Template) { t.Header = Header{Format: HeaderText} }, "header_text", "needs text"},
		{"two header parameters", func(t *Template) { t.Header = Header{Format: HeaderText, Text: "{{1}} and {{2}}"} }, "header_text", "at most one parameter"},
		{"header parameter not 1", func(t *Template) { t.Header = Header{Format: HeaderText, Text: "Order {{2}}"} }, "header_text", "must be {{1}}"},
		{"image header", func(t *Template) { t.Header = Header{Format: HeaderImage} }, "", ""},
		{"unknown header", func(t *Template) { t.Header = Header{Format: "gif"} }, "header_format", "none, text, image"},
		{"empty body", func(t *Template) { t.Body = "  " }, "body", "required"},
		{"body 1024 is fine", func(t *Template) { t.Body = strings.Repeat("b", 1024) }, "", ""},
		{"body 1025", func(t *Template) { t.Body = strings.Repeat("b", 1025) }, "body", "1025 characters; at most 1024"},
		{"body parameters with a gap", func(t *Template) { t.Body = "{{1}} and {{3}}" }, "body", "{{2}} is missing"},
		{"footer 61", func(t *Template) { t.Footer = strings.Repeat("f", 61) }, "footer", "at most 60"},
		{"footer with a parameter", func(t *Template) { t.Footer = "Bye {{1}}" }, "footer", "cannot have parameters"},
		{"three quick replies", func(t *Template) { t.Buttons = quickReplies("Yes", "No", "Maybe") }, "", ""},
		{"four quick replies", func(t *Template) { t.Buttons = quickReplies("A", "B", "C", "D") }, "buttons", "At most 3 quick reply"},
		{"button text 21", func(t *Template) { t.Buttons = quickReplies(strings.Repeat("x", 21)) }, "button1_text", "21 characters; at most 20"},
		{"button without text", func(t *Template) { t.Buttons = quickReplies("") }, "button1_text", "needs a text"},
		{"same button text twice", func(t *Template) { t.Buttons = quickReplies("Yes", "Yes") }, "button2_text", "used twice"},
		{"quick reply and call to action mixed", func(t *Template) {
			t.Buttons = []TemplateButton{{Type: ButtonQuickReply, Text: "Yes"}, {Type: ButtonURL, Text: "Site", URL: "https://example.com"}}
		}, "buttons", "not both"},
		{"phone button", func(t *Template) {
			t.Buttons = []TemplateButton{{Type: ButtonPhoneNumber, Text: "Call us", PhoneNumber: "+15550100001"}}
		}, "", ""},
		{"two phone buttons", func(t *Template) {
			t.Buttons = []TemplateButton{{Type: ButtonPhoneNumber, Text: "Call", PhoneNumber: "+15550100001"}, {Type: ButtonPhoneNumber, Text: "Call 2", PhoneNumber: "+15550100002"}}
		}, "buttons", "At most 1 phone"},
		{"bad phone number", func(t *Template) {
			t.Buttons = []TemplateButton{{Type: ButtonPhoneNumber, Text: "Call us", PhoneNumber: "call me"}}
		}, "button1_value", "international form"},
		{"static and dynamic URL", func(t *Template) {
			t.Buttons = []TemplateButton{{Type: ButtonURL, Text: "Site", URL: "https://example.com"}, {Type: ButtonURL, Text: "Track", URL: "https://example.com/track/{{1}}"}}
		}, "", ""},
		{"three URL buttons", func(t *Template) {
			t.Buttons = []TemplateButton{{Type: ButtonURL, Text: "A", URL: "https://a.example"}, {Type: ButtonURL, Text: "B", URL: "https://b.example"}, {Type: ButtonURL, Text: "C", URL: "https://c.example"}}
		}, "buttons", "At most 2 website"},
		{"URL without scheme", func(t *Template) { t.Buttons = []TemplateButton{{Type: ButtonURL, Text: "Site", URL: "example.com"}} }, "button1_value", "https://"},
		{"URL parameter not at the end", func(t *Template) {
			t.Buttons = []TemplateButton{{Type: ButtonURL, Text: "Site", URL: "https://example.com/{{1}}/x"}}
		}, "button1_value", "at its very end"},
		{"unknown button type", func(t *Template) { t.Buttons = []TemplateButton{{Type: "copy_code", Text: "Copy"}} }, "button1_type", "choose quick reply"},
		{"unknown parameter field", func(t *Template) { t.Parameters = map[string]Parameter{"body.1": {Field: "contact.shoe_size"}} }, "param_body.1", "Unknown field"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			template := validTemplate()
			test.change(&template)
			problems := template.Validate()
			if test.field == "" {
				if len(problems) != 0 {
					t.Fatalf("problems %v, want none", problems)
				}
				return
			}
			if got := problems[test.field]; !strings.Contains(got, test.want) {
				t.Fatalf("problem on %s = %q, want it to say %q (all: %v)", test.field, got, test.want, problems)
			}
		})
	}
}

func quickReplies(texts ...string) []TemplateButton {
	var list []TemplateButton
	for _, text := range texts {
		list = append(list, TemplateButton{Type: ButtonQuickReply, Text: text})
	}
	return list
}

// TestReplyButtonRules: one to three buttons of at most 20 characters, all different; header text at
// most 60 characters; body required and at most 1024; footer at most 60.
func TestReplyButtonRules(t *testing.T) {
	valid := func() ReplyButtons { return ReplyButtons{Body: "Pick one", Buttons: []string{"Yes", "No"}} }
	tests := []struct {
		name   string
		change func(*ReplyButtons)
		field  string
		want   string
	}{
		{"valid", func(*ReplyButtons) {}, "", ""},
		{"no buttons", func(b *ReplyButtons) { b.Buttons = nil }, "buttons", "at least one"},
		{"four buttons", func(b *ReplyButtons) { b.Buttons = []string{"A", "B", "C", "D"} }, "buttons", "At most 3"},
		{"title 20 is fine", func(b *ReplyButtons) { b.Buttons = []string{strings.Repeat("t", 20)} }, "", ""},
		{"title 21", func(b *ReplyButtons) { b.Buttons = []string{strings.Repeat("t", 21)} }, "button1_text", "at most 20"},
		{"duplicate titles", func(b *ReplyButtons) { b.Buttons = []string{"Yes", "Yes"} }, "button2_text", "must differ"},
		{"empty title", func(b *ReplyButtons) { b.Buttons = []string{"Yes", " "} }, "button2_text", "needs a text"},
		{"header 61", func(b *ReplyButtons) { b.Header = Header{Format: HeaderText, Text: strings.Repeat("h", 61)} }, "header_text", "at most 60"},
		{"image header", func(b *ReplyButtons) { b.Header = Header{Format: HeaderImage} }, "", ""},
		{"no body", func(b *ReplyButtons) { b.Body = "" }, "body", "required"},
		{"body 1025", func(b *ReplyButtons) { b.Body = strings.Repeat("b", 1025) }, "body", "at most 1024"},
		{"footer 61", func(b *ReplyButtons) { b.Footer = strings.Repeat("f", 61) }, "footer", "at most 60"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			b := valid()
			test.change(&b)
			problems := b.Validate()
			if test.field == "" && len(problems) != 0 {
				t.Fatalf("problems %v, want none", problems)
			}
			if test.field != "" && !strings.Contains(problems[test.field], test.want) {
				t.Fatalf("problem on %s = %q, want %q (all: %v)", test.field, problems[test.field], test.want, problems)
			}
		})
	}
}

// TestListRules: a button label of at most 20, at most 10 rows in all sections, row titles at most 24,
// descriptions at most 72, section titles at most 24 and required when there are several sections.
func TestListRules(t *testing.T) {
	rows := func(n int) []Row {
		var list []Row
		for i := 0; i < n; i++ {
			list = append(list, Row{Title: "Row " + strings.Repeat("x", i)})
		}
		return list
	}
	valid := func() List {
		return List{Body: "Choose", Button: "Options", Sections: []Section{{Title: "Fast", Rows: rows(5)}, {Title: "Slow", Rows: rows(5)}}}
	}
	tests := []struct {
		name   string
		change func(*List)
		field  string
		want   string
	}{
		{"ten rows in two sections", func(*List) {}, "", ""},
		{"eleven rows", func(l *List) { l.Sections[1].Rows = rows(6) }, "rows", "at most 10 rows"},
		{"no rows", func(l *List) { l.Sections = nil }, "rows", "at least one"},
		{"no button label", func(l *List) { l.Button = "" }, "list_button", "needs a button label"},
		{"button label 21", func(l *List) { l.Button = strings.Repeat("b", 21) }, "list_button", "at most 20"},
		{"row title 24 is fine", func(l *List) { l.Sections[0].Rows[0].Title = strings.Repeat("r", 24) }, "", ""},
		{"row title 25", func(l *List) { l.Sections[0].Rows[0].Title = strings.Repeat("r", 25) }, "row1_title", "at most 24"},
		{"row without title", func(l *List) { l.Sections[0].Rows[1].Title = "" }, "row2_title", "needs a title"},
		{"description 72 is fine", func(l *List) { l.Sections[0].Rows[0].Description = strings.Repeat("d", 72) }, "", ""},
		{"description 73", func(l *List) { l.Sections[1].Rows[0].Description = strings.Repeat("d", 73) }, "row6_description", "at most 72"},
		{"section title 25", func(l *List) { l.Sections[0].Title = strings.Repeat("s", 25) }, "row1_section", "at most 24"},
		{"untitled section among several", func(l *List) { l.Sections[1].Title = "" }, "row6_section", "needs a title"},
		{"one untitled section", func(l *List) { l.Sections = []Section{{Rows: rows(3)}} }, "", ""},
		{"header 61", func(l *List) { l.Header = strings.Repeat("h", 61) }, "header_text", "at most 60"},
		{"body 1025", func(l *List) { l.Body = strings.Repeat("b", 1025) }, "body", "at most 1024"},
		{"footer 61", func(l *List) { l.Footer = strings.Repeat("f", 61) }, "footer", "at most 60"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			l := valid()
			test.change(&l)
			problems := l.Validate()
			if test.field == "" && len(problems) != 0 {
				t.Fatalf("problems %v, want none", problems)
			}
			if test.field != "" && !strings.Contains(problems[test.field], test.want) {
				t.Fatalf("problem on %s = %q, want %q (all: %v)", test.field, problems[test.field], test.want, problems)
			}
		})
	}
}

// TestParameterList: parameters are listed header first, body in number order (each once), then dynamic
// URL buttons, each marked inline when it sits in the header or a button.
func TestParameterList(t *testing.T) {
	template := Template{
		Header:  Header{Format: HeaderText, Text: "Order {{1}}"},
		Body:    "{{2}} dear {{1}}, again {{2}}",
		Buttons: []TemplateButton{{Type: ButtonPhoneNumber, Text: "Call"}, {Type: ButtonURL, Text: "Track", URL: "https://x.example/{{1}}"}},
	}
	var got []string
	for _, p := range template.ParameterList() {
		got = append(got, p.Key+"/"+p.Where+"/"+map[bool]string{true: "inline", false: "free"}[p.Inline])
	}
	want := "header.1/header/inline body.1/body/free body.2/body/free button2.1/button 2/inline"
	if strings.Join(got, " ") != want {
		t.Errorf("parameters %q, want %q", strings.Join(got, " "), want)
	}
}

// TestFill: fields take the contact's and agent's values; unknown tokens and template parameters stay.
func TestFill(t *testing.T) {
	values := Values{"contact.first_name": "Ann", "agent.name": "Ava Smith"}
	got := Fill("Hi {contact.first_name}, I am {agent.name}. {contact.shoe} {{1}}", values)
	if got != "Hi Ann, I am Ava Smith. {contact.shoe} {{1}}" {
		t.Errorf("Fill = %q", got)
	}
	if unknown := UnknownFields("{contact.first_name} {agent.nick}"); len(unknown) != 1 || unknown[0] != "{agent.nick}" {
		t.Errorf("UnknownFields = %v", unknown)
	}
}

func TestShortcutRule(t *testing.T) {
	for shortcut, ok := range map[string]bool{"": true, "thanks": true, "late-delivery_2": true, "Thanks": false, "two words": false, strings.Repeat("s", 31): false} {
		if got := ValidateShortcut(shortcut) == ""; got != ok {
			t.Errorf("ValidateShortcut(%q) ok = %v, want %v", shortcut, got, ok)
		}
	}
}
