package notify

import (
	"fmt"
	"strconv"
	"strings"

	"switchboard/store"
)

// Draft is a structured response an agent is editing before sending: each value they may change with
// what is wrong with it, the file of a media header, and problems of the message as a whole. The editor
// shows it beside a preview, and Send is possible only when it is valid.
type Draft struct {
	ResponseID int64
	Kind       string
	Name       string // the response's name
	Template   string // "name · language" for notifications
	Fields     []DraftField
	Header     HeaderFile
	Problems   []string
	definition Definition
	unsendable string // why WhatsApp would refuse a notification's template, from Unsendable
}

// DraftField is one value of a draft: a template parameter, or a text of an interactive message.
type DraftField struct {
	Key       string // form name, unique within the draft
	Label     string // says what and where, e.g. "Body {{2}} · Product"
	Value     string
	Limit     int  // most characters, 0 when only the whole message is limited
	Inline    bool // inside a header or button: no new lines, tabs or more than four spaces in a row
	Multiline bool // edited in a text area
	Required  bool
	Error     string
}

// HeaderFile is the file of a media header: the response's own, or one the agent uploaded instead.
type HeaderFile struct {
	Format     string // image, video or document; empty without a media header
	FileID     int64
	Name       string
	Changeable bool // the agent may upload another file
}

// Valid reports whether the draft can be sent.
func (d Draft) Valid() bool {
	if len(d.Problems) > 0 {
		return false
	}
	for _, f := range d.Fields {
		if f.Error != "" {
			return false
		}
	}
	return true
}

// Value returns the current value of the field with key.
func (d Draft) Value(key string) string {
	for _, f := range d.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// NewDraft opens a structured response for editing: template parameters prefilled from the contact and
// agent where mapped (else with their example), interactive texts with their fields filled in.
func NewDraft(response store.Response, values Values) (Draft, error) {
	definition, err := ParseDefinition(response.Kind, response.Definition)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{ResponseID: response.ID, Kind: response.Kind, Name: response.Name, definition: definition}
	switch response.Kind {
	case KindNotification:
		t := definition.Template
		d.Template = t.Name + " · " + t.Language
		d.unsendable = Unsendable(response)
		for _, p := range t.ParameterList() {
			value := ""
			if p.Field != "" {
				value = values[p.Field]
			}
			if value == "" {
				value = p.Example
			}
			d.Fields = append(d.Fields, DraftField{Key: p.Key, Label: parameterLabel(p), Value: value, Inline: p.Inline,
				Multiline: !p.Inline, Required: true})
		}
		if MediaHeader(t.Header.Format) {
			d.Header = HeaderFile{Format: t.Header.Format, FileID: t.Header.FileID, Changeable: true}
		}
	case KindButtons:
		b := definition.Buttons
		if b.Header.Format == HeaderText {
			d.Fields = append(d.Fields, DraftField{Key: "header", Label: "Header", Value: Fill(b.Header.Text, values), Limit: MaxHeaderText, Inline: true})
		}
		d.Fields = append(d.Fields, DraftField{Key: "body", Label: "Body", Value: Fill(b.Body, values), Limit: MaxBody, Multiline: true, Required: true})
		if b.Footer != "" {
			d.Fields = append(d.Fields, DraftField{Key: "footer", Label: "Footer", Value: Fill(b.Footer, values), Limit: MaxFooter, Inline: true})
		}
		for i, title := range b.Buttons {
			d.Fields = append(d.Fields, DraftField{Key: "button" + strconv.Itoa(i+1), Label: "Button " + strconv.Itoa(i+1),
				Value: Fill(title, values), Limit: MaxButtonText, Inline: true, Required: true})
		}
		if MediaHeader(b.Header.Format) {
			d.Header = HeaderFile{Format: b.Header.Format, FileID: b.Header.FileID}
		}
	case KindList:
		l := definition.List
		if l.Header != "" {
			d.Fields = append(d.Fields, DraftField{Key: "header", Label: "Header", Value: Fill(l.Header, values), Limit: MaxHeaderText, Inline: true})
		}
		d.Fields = append(d.Fields, DraftField{Key: "body", Label: "Body", Value: Fill(l.Body, values), Limit: MaxBody, Multiline: true, Required: true})
		if l.Footer != "" {
			d.Fields = append(d.Fields, DraftField{Key: "footer", Label: "Footer", Value: Fill(l.Footer, values), Limit: MaxFooter, Inline: true})
		}
		d.Fields = append(d.Fields, DraftField{Key: "list_button", Label: "List button", Value: Fill(l.Button, values), Limit: MaxListButton, Inline: true, Required: true})
		row := 0
		for s, section := range l.Sections {
			if section.Title != "" || len(l.Sections) > 1 {
				d.Fields = append(d.Fields, DraftField{Key: "section" + strconv.Itoa(s+1), Label: "Section " + strconv.Itoa(s+1) + " title",
					Value: Fill(section.Title, values), Limit: MaxSectionTitle, Inline: true, Required: len(l.Sections) > 1})
			}
			for _, r := range section.Rows {
				row++
				n := strconv.Itoa(row)
				d.Fields = append(d.Fields,
					DraftField{Key: "row" + n + "_title", Label: "Row " + n + " title", Value: Fill(r.Title, values), Limit: MaxRowTitle, Inline: true, Required: true},
					DraftField{Key: "row" + n + "_description", Label: "Row " + n + " description", Value: Fill(r.Description, values), Limit: MaxRowDescription, Inline: true})
			}
		}
	default:
		return Draft{}, fmt.Errorf("notify: %q responses are not edited as drafts", response.Kind)
	}
	return d, nil
}

func parameterLabel(p TemplateParameter) string {
	where := "Body {{" + strconv.Itoa(p.Number) + "}}"
	switch {
	case p.Key == headerKey():
		where = "Header {{1}}"
	case strings.HasPrefix(p.Key, "button"):
		where = strings.ToUpper(p.Where[:1]) + p.Where[1:] + " URL {{1}}"
	}
	if p.Label != "" {
		return where + " · " + p.Label
	}
	return where
}

// Apply takes the values the agent typed; lookup answers for a field key. Keys it does not know are
// ignored, and fields it has no value for keep theirs.
func (d *Draft) Apply(lookup func(key string) (string, bool)) {
	for i := range d.Fields {
		if value, ok := lookup(d.Fields[i].Key); ok {
			d.Fields[i].Value = strings.ReplaceAll(value, "\r\n", "\n")
		}
	}
}

// Validate checks every value and the message as a whole, recording what is wrong and where; it
// reports whether the draft can be sent.
func (d *Draft) Validate() bool {
	d.Problems = nil
	for i := range d.Fields {
		d.Fields[i].Error = checkField(d.Fields[i])
	}
	switch d.Kind {
	case KindNotification:
		d.validateTemplate()
	case KindButtons:
		seen := map[string]string{}
		for i, f := range d.Fields {
			if !strings.HasPrefix(f.Key, "button") || f.Error != "" {
				continue
			}
			if first, taken := seen[f.Value]; taken {
				d.Fields[i].Error = fmt.Sprintf("%s: the same text as %s; reply buttons must differ.", f.Label, first)
			}
			seen[f.Value] = f.Label
		}
	}
	if MediaHeader(d.Header.Format) && d.Header.FileID == 0 {
		d.Problems = append(d.Problems, fmt.Sprintf("Header: this message has a %s header; upload a file for it.", d.Header.Format))
	}
	return d.Valid()
}

// checkField applies the rules every value follows on its own.
func checkField(f DraftField) string {
	value := f.Value
	if f.Required && strings.TrimSpace(value) == "" {
		return f.Label + ": fill this in."
	}
	if f.Inline {
		switch {
		case strings.Contains(value, "\n"):
			return f.Label + ": may not contain a new line."
		case strings.Contains(value, "\t"):
			return f.Label + ": may not contain a tab."
		case strings.Contains(value, strings.Repeat(" ", MaxConsecutiveGaps+1)):
			return f.Label + ": may not contain more than four spaces in a row."
		}
	}
	if f.Limit > 0 && chars(value) > f.Limit {
		return fmt.Sprintf("%s: %d characters; at most %d.", f.Label, chars(value), f.Limit)
	}
	return ""
}

// validateTemplate checks the lengths WhatsApp enforces once parameters are filled in.
func (d *Draft) validateTemplate() {
	if d.unsendable != "" {
		d.Problems = append(d.Problems, d.unsendable)
	}
	t := d.definition.Template
	if t.Header.Format == HeaderText {
		if n := chars(d.fillTemplateText(t.Header.Text, "header")); n > MaxHeaderText {
			d.Problems = append(d.Problems, fmt.Sprintf("Header: %d characters with the parameter filled in; at most %d.", n, MaxHeaderText))
		}
	}
	if n := chars(d.fillTemplateText(t.Body, "body")); n > MaxBody {
		d.Problems = append(d.Problems, fmt.Sprintf("Body: %d characters with the parameters filled in; at most %d.", n, MaxBody))
	}
	if chars(t.Footer) > MaxFooter {
		d.Problems = append(d.Problems, fmt.Sprintf("Footer: %d characters; at most %d.", chars(t.Footer), MaxFooter))
	}
	for i, b := range t.Buttons {
		if chars(b.Text) > MaxButtonText {
			d.Problems = append(d.Problems, fmt.Sprintf("Button %d: %d characters; at most %d.", i+1, chars(b.Text), MaxButtonText))
		}
		if b.Type == ButtonURL {
			if n := chars(d.fillTemplateText(b.URL, "button"+strconv.Itoa(i+1))); n > MaxURL {
				d.Problems = append(d.Problems, fmt.Sprintf("Button %d: the address is %d characters with the parameter filled in; at most %d.", i+1, n, MaxURL))
			}
		}
	}
}

// fillTemplateText substitutes the draft's values into the parameters of one part of the template
// (where is "header", "body" or "buttonN"); a parameter without a value stays visible as {{n}}.
func (d Draft) fillTemplateText(text, where string) string {
	return parameterPattern.ReplaceAllStringFunc(text, func(token string) string {
		n, _ := strconv.Atoi(token[2 : len(token)-2])
		key := bodyKey(n)
		switch {
		case where == "header":
			key = headerKey()
		case strings.HasPrefix(where, "button"):
			key = where + ".1"
		}
		if value := d.Value(key); value != "" {
			return value
		}
		return token
	})
}
