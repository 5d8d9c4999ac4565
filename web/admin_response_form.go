package web

import (
	"net/url"
	"strconv"
	"strings"

	"switchboard/components"
	"switchboard/internal/notify"
)

// The admin edit form of a response, read into a notify definition and drawn back from one. Fixed slots
// (three buttons, ten list rows) keep the form free of scripts; empty slots are ignored.

const (
	templateButtonSlots = 3
	listRowSlots        = notify.MaxListRows
)

func formText(form url.Values, name string) string {
	return strings.TrimSpace(strings.ReplaceAll(form.Get(name), "\r\n", "\n"))
}

// templateFromForm reads a notification's structure; the default header file and unchanged parameter
// settings of the stored template (previous) are kept.
func templateFromForm(form url.Values, previous *notify.Template) *notify.Template {
	t := &notify.Template{
		Name:     formText(form, "template_name"),
		Language: formText(form, "language"),
		Category: formText(form, "template_category"),
		Header:   notify.Header{Format: formText(form, "header_format"), Text: formText(form, "header_text")},
		Body:     formText(form, "body"),
		Footer:   formText(form, "footer"),
	}
	if t.Header.Format != notify.HeaderText {
		t.Header.Text = ""
	}
	if previous != nil && previous.Header.Format == t.Header.Format {
		t.Header.FileID = previous.Header.FileID
	}
	for n := 1; n <= templateButtonSlots; n++ {
		prefix := "button" + strconv.Itoa(n)
		b := notify.TemplateButton{Type: formText(form, prefix+"_type"), Text: formText(form, prefix+"_text")}
		value := formText(form, prefix+"_value")
		switch b.Type {
		case "":
			continue
		case notify.ButtonPhoneNumber:
			b.PhoneNumber = value
		case notify.ButtonURL:
			b.URL = value
		}
		t.Buttons = append(t.Buttons, b)
	}
	t.Parameters = map[string]notify.Parameter{}
	for _, p := range t.ParameterList() {
		setting := notify.Parameter{}
		if previous != nil {
			setting = previous.Parameters[p.Key]
		}
		prefix := "param." + p.Key
		_, label := form[prefix+".label"]
		_, field := form[prefix+".field"]
		_, example := form[prefix+".example"]
		if label || field || example {
			setting = notify.Parameter{Label: formText(form, prefix+".label"), Field: formText(form, prefix+".field"), Example: formText(form, prefix+".example")}
		}
		if setting != (notify.Parameter{}) {
			t.Parameters[p.Key] = setting
		}
	}
	return t
}

// buttonsFromForm reads a reply-button message.
func buttonsFromForm(form url.Values, previous *notify.ReplyButtons) *notify.ReplyButtons {
	b := &notify.ReplyButtons{
		Header: notify.Header{Format: formText(form, "header_format"), Text: formText(form, "header_text")},
		Body:   formText(form, "body"),
		Footer: formText(form, "footer"),
	}
	if b.Header.Format != notify.HeaderText {
		b.Header.Text = ""
	}
	if previous != nil && previous.Header.Format == b.Header.Format {
		b.Header.FileID = previous.Header.FileID
	}
	for n := 1; n <= notify.MaxReplyButtons; n++ {
		if title := formText(form, "button"+strconv.Itoa(n)+"_text"); title != "" {
			b.Buttons = append(b.Buttons, title)
		}
	}
	return b
}

// listFromForm reads a list message: consecutive rows with the same section title form a section.
func listFromForm(form url.Values) *notify.List {
	l := &notify.List{Header: formText(form, "header_text"), Body: formText(form, "body"), Footer: formText(form, "footer"), Button: formText(form, "list_button")}
	for n := 1; n <= listRowSlots; n++ {
		prefix := "row" + strconv.Itoa(n)
		row := notify.Row{Title: formText(form, prefix+"_title"), Description: formText(form, prefix+"_description")}
		section := formText(form, prefix+"_section")
		if row.Title == "" && row.Description == "" {
			continue
		}
		if len(l.Sections) == 0 || l.Sections[len(l.Sections)-1].Title != section {
			l.Sections = append(l.Sections, notify.Section{Title: section})
		}
		last := &l.Sections[len(l.Sections)-1]
		last.Rows = append(last.Rows, row)
	}
	return l
}

// templateForm draws a notification's structure into the form.
func templateForm(t *notify.Template) components.TemplateForm {
	form := components.TemplateForm{Categories: notify.Categories, Category: notify.Categories[0]}
	if t == nil {
		return padButtons(form)
	}
	form.Name, form.Language, form.HeaderFormat, form.HeaderText, form.Body, form.Footer = t.Name, t.Language, t.Header.Format, t.Header.Text, t.Body, t.Footer
	if t.Category != "" {
		form.Category = t.Category
	}
	for i, b := range t.Buttons {
		value := b.URL
		if b.Type == notify.ButtonPhoneNumber {
			value = b.PhoneNumber
		}
		form.Buttons = append(form.Buttons, components.TemplateButtonForm{N: i + 1, Type: b.Type, Text: b.Text, Value: value})
	}
	for _, p := range t.ParameterList() {
		form.Parameters = append(form.Parameters, components.ParameterForm{Key: p.Key, Where: p.Where + " {{" + strconv.Itoa(p.Number) + "}}",
			Label: p.Label, Field: p.Field, Example: p.Example})
	}
	return padButtons(form)
}

func padButtons(form components.TemplateForm) components.TemplateForm {
	for n := len(form.Buttons) + 1; n <= templateButtonSlots; n++ {
		form.Buttons = append(form.Buttons, components.TemplateButtonForm{N: n})
	}
	return form
}

// interactiveForm draws a reply-button or list message into the form.
func interactiveForm(d notify.Definition) components.InteractiveForm {
	form := components.InteractiveForm{Buttons: make([]string, notify.MaxReplyButtons)}
	switch {
	case d.Buttons != nil:
		form.HeaderFormat, form.HeaderText, form.Body, form.Footer = d.Buttons.Header.Format, d.Buttons.Header.Text, d.Buttons.Body, d.Buttons.Footer
		copy(form.Buttons, d.Buttons.Buttons)
	case d.List != nil:
		form.HeaderText, form.Body, form.Footer, form.ListButton = d.List.Header, d.List.Body, d.List.Footer, d.List.Button
		for _, s := range d.List.Sections {
			for _, r := range s.Rows {
				form.Rows = append(form.Rows, components.ListRowForm{N: len(form.Rows) + 1, Section: s.Title, Title: r.Title, Description: r.Description})
			}
		}
	}
	for n := len(form.Rows) + 1; n <= listRowSlots; n++ {
		form.Rows = append(form.Rows, components.ListRowForm{N: n})
	}
	return form
}
