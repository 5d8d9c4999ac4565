// Package notify holds the Standard Response Library and the structured messages built from it:
// notifications (WhatsApp message templates), reply buttons and list messages. It knows the rules
// WhatsApp sets for each (lengths, parameters, button counts), fills responses with what is known about
// the contact and the agent, checks what an agent typed into a notification's parameters, and turns the
// result into the Cloud API message that the outbox sends. It also applies the 24-hour rule.
package notify

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"switchboard/internal/whatsapp"
)

// Kinds of standard response.
const (
	KindText         = "text"         // plain text, optionally with attachments
	KindNotification = "notification" // a WhatsApp message template
	KindButtons      = "buttons"      // an interactive message with reply buttons
	KindList         = "list"         // an interactive list message
)

// Kinds lists every kind with how admins and agents read it.
var Kinds = []struct{ Value, Label string }{
	{KindText, "Text"},
	{KindNotification, "Notification (WhatsApp template)"},
	{KindButtons, "Reply buttons"},
	{KindList, "List message"},
}

// KindLabel names a kind for people.
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}

// Structured reports whether a kind is edited in the notification editor rather than typed as text.
func Structured(kind string) bool {
	return kind == KindNotification || kind == KindButtons || kind == KindList
}

// Interactive reports whether a kind is an interactive message, which WhatsApp delivers only inside the
// customer service window.
func Interactive(kind string) bool { return kind == KindButtons || kind == KindList }

// Limits WhatsApp sets on templates and interactive messages, in characters.
const (
	MaxHeaderText      = 60
	MaxBody            = 1024
	MaxFooter          = 60
	MaxButtonText      = 20
	MaxQuickReplies    = 3
	MaxPhoneButtons    = 1
	MaxURLButtons      = 2
	MaxURL             = 2000
	MaxPhoneNumber     = 20
	MaxReplyButtons    = 3
	MaxListRows        = 10
	MaxListButton      = 20
	MaxSectionTitle    = 24
	MaxRowTitle        = 24
	MaxRowDescription  = 72
	MaxTemplateName    = 512
	MaxConsecutiveGaps = 4 // spaces allowed in a row inside a header or button parameter
)

// Header formats of templates and reply-button messages.
const (
	HeaderNone     = ""
	HeaderText     = "text"
	HeaderImage    = "image"
	HeaderVideo    = "video"
	HeaderDocument = "document"
)

// HeaderFormats lists the header choices with their labels.
var HeaderFormats = []struct{ Value, Label string }{
	{HeaderNone, "None"}, {HeaderText, "Text"}, {HeaderImage, "Image"}, {HeaderVideo, "Video"}, {HeaderDocument, "Document"},
}

// MediaHeader reports whether a header format carries a file.
func MediaHeader(format string) bool {
	return format == HeaderImage || format == HeaderVideo || format == HeaderDocument
}

// Template button types.
const (
	ButtonQuickReply  = "quick_reply"
	ButtonPhoneNumber = "phone_number"
	ButtonURL         = "url"
)

// Template categories, as WhatsApp names them.
var Categories = []string{whatsapp.TemplateCategoryUtility, whatsapp.TemplateCategoryMarketing, whatsapp.TemplateCategoryAuthentication}

// Template is a notification: a message template modelled as WhatsApp models it. Header, body and URL
// button texts carry positional parameters {{1}}, {{2}}, …; Parameters says for each (by ParameterKey)
// how agents see it and what fills it in.
type Template struct {
	Name       string               `json:"name"`
	Language   string               `json:"language"`
	Category   string               `json:"category"`
	Header     Header               `json:"header"`
	Body       string               `json:"body"`
	Footer     string               `json:"footer,omitempty"`
	Buttons    []TemplateButton     `json:"buttons,omitempty"`
	Parameters map[string]Parameter `json:"parameters,omitempty"`
}

// Header is the optional top of a template or reply-button message: text, or a file shown as image,
// video or document. FileID is the file sent unless the agent uploads another.
type Header struct {
	Format string `json:"format,omitempty"`
	Text   string `json:"text,omitempty"`
	FileID int64  `json:"file_id,omitempty"`
}

// TemplateButton is a quick reply, a phone number to call, or a website; a website URL may end with
// {{1}}, a suffix the agent fills in (a dynamic URL).
type TemplateButton struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	PhoneNumber string `json:"phone_number,omitempty"`
	URL         string `json:"url,omitempty"`
}

// Parameter says how one template parameter is presented and prefilled: Label names it for the agent,
// Field (one of Fields) fills it from the contact or agent, Example is the sample WhatsApp's reviewers
// see and the value used when nothing else fills it.
type Parameter struct {
	Label   string `json:"label,omitempty"`
	Field   string `json:"field,omitempty"`
	Example string `json:"example,omitempty"`
}

// ReplyButtons is an interactive message with one to three reply buttons.
type ReplyButtons struct {
	Header  Header   `json:"header"`
	Body    string   `json:"body"`
	Footer  string   `json:"footer,omitempty"`
	Buttons []string `json:"buttons"`
}

// List is an interactive list message: Button opens a menu of rows grouped in sections.
type List struct {
	Header   string    `json:"header,omitempty"`
	Body     string    `json:"body"`
	Footer   string    `json:"footer,omitempty"`
	Button   string    `json:"button"`
	Sections []Section `json:"sections"`
}

// Section is a titled group of list rows.
type Section struct {
	Title string `json:"title,omitempty"`
	Rows  []Row  `json:"rows"`
}

// Row is one choice of a list message.
type Row struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// ReplyButtonID is the id sent with reply button n (1-based); the customer's answer carries it back.
func ReplyButtonID(n int) string { return "option-" + strconv.Itoa(n) }

// RowID is the id sent with row n (1-based, counted across sections).
func RowID(n int) string { return "row-" + strconv.Itoa(n) }

// Definition is the structured part of a response, exactly one of the three set (or none for text).
type Definition struct {
	Template *Template
	Buttons  *ReplyButtons
	List     *List
}

// ParseDefinition reads the stored definition of a response of the given kind.
func ParseDefinition(kind, stored string) (Definition, error) {
	var d Definition
	var target any
	switch kind {
	case KindText:
		return d, nil
	case KindNotification:
		d.Template = &Template{}
		target = d.Template
	case KindButtons:
		d.Buttons = &ReplyButtons{}
		target = d.Buttons
	case KindList:
		d.List = &List{}
		target = d.List
	default:
		return d, fmt.Errorf("notify: unknown response kind %q", kind)
	}
	if strings.TrimSpace(stored) == "" {
		return d, nil
	}
	if err := json.Unmarshal([]byte(stored), target); err != nil {
		return Definition{}, fmt.Errorf("notify: read %s definition: %w", kind, err)
	}
	return d, nil
}

// Encode returns the stored form of the definition.
func (d Definition) Encode() string {
	var value any
	switch {
	case d.Template != nil:
		value = d.Template
	case d.Buttons != nil:
		value = d.Buttons
	case d.List != nil:
		value = d.List
	default:
		return ""
	}
	encoded, _ := json.Marshal(value)
	return string(encoded)
}

// parameterPattern finds positional parameters such as {{1}}.
var parameterPattern = regexp.MustCompile(`\{\{([0-9]+)\}\}`)

// parameterNumbers returns the parameter numbers in text in order of appearance.
func parameterNumbers(text string) []int {
	var numbers []int
	for _, match := range parameterPattern.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(match[1])
		numbers = append(numbers, n)
	}
	return numbers
}

// Parameter keys name a template parameter by where it is: "header.1", "body.3", or "button2.1" for the
// URL suffix of the second button.
func headerKey() string             { return "header.1" }
func bodyKey(n int) string          { return "body." + strconv.Itoa(n) }
func buttonKey(position int) string { return "button" + strconv.Itoa(position) + ".1" }

// TemplateParameter is one parameter of a template, in the order an agent fills them in.
type TemplateParameter struct {
	Key    string
	Number int
	Where  string // "header", "body", "button 2"
	Inline bool   // in the header or a button: no new lines, tabs or long runs of spaces
	Parameter
}

// ParameterList lists the template's parameters: the header's, the body's in number order, then each
// dynamic URL button's.
func (t Template) ParameterList() []TemplateParameter {
	var list []TemplateParameter
	add := func(key string, number int, where string, inline bool) {
		list = append(list, TemplateParameter{Key: key, Number: number, Where: where, Inline: inline, Parameter: t.Parameters[key]})
	}
	if t.Header.Format == HeaderText && len(parameterNumbers(t.Header.Text)) > 0 {
		add(headerKey(), 1, "header", true)
	}
	seen := map[int]bool{}
	var body []int
	for _, n := range parameterNumbers(t.Body) {
		if !seen[n] {
			seen[n] = true
			body = append(body, n)
		}
	}
	sort.Ints(body)
	for _, n := range body {
		add(bodyKey(n), n, "body", false)
	}
	for i, b := range t.Buttons {
		if b.Type == ButtonURL && len(parameterNumbers(b.URL)) > 0 {
			add(buttonKey(i+1), 1, "button "+strconv.Itoa(i+1), true)
		}
	}
	return list
}

// Problems maps a form field to what is wrong with it. Keys are the names the admin form uses.
type Problems map[string]string

func (p Problems) add(field, format string, args ...any) {
	if _, taken := p[field]; !taken {
		p[field] = fmt.Sprintf(format, args...)
	}
}

var (
	templateNamePattern = regexp.MustCompile(`^[a-z0-9_]+$`)
	languagePattern     = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	phonePattern        = regexp.MustCompile(`^\+?[0-9]{5,20}$`)
	shortcutPattern     = regexp.MustCompile(`^[a-z0-9_-]{1,30}$`)
)

func chars(s string) int { return utf8.RuneCountInString(s) }

// ValidateShortcut explains what is wrong with a shortcut keyword; empty means none.
func ValidateShortcut(shortcut string) string {
	if shortcut != "" && !shortcutPattern.MatchString(shortcut) {
		return "A shortcut is 1 to 30 lower-case letters, digits, - or _ (agents type it after a /)."
	}
	return ""
}

// Validate checks a template against WhatsApp's rules for registering one. Keys of the result are the
// admin form's field names: name, language, category, header_text, body, footer, button1_text, …
func (t Template) Validate() Problems {
	p := Problems{}
	switch {
	case t.Name == "":
		p.add("template_name", "Give the template a name.")
	case chars(t.Name) > MaxTemplateName || !templateNamePattern.MatchString(t.Name):
		p.add("template_name", "A template name uses lower-case letters, digits and _ only (at most %d characters).", MaxTemplateName)
	}
	if !languagePattern.MatchString(t.Language) {
		p.add("language", "The language is a WhatsApp language code such as en or en_US.")
	}
	if !contains(Categories, t.Category) {
		p.add("template_category", "Choose UTILITY, MARKETING or AUTHENTICATION.")
	}
	switch t.Header.Format {
	case HeaderNone, HeaderImage, HeaderVideo, HeaderDocument:
	case HeaderText:
		numbers := parameterNumbers(t.Header.Text)
		switch {
		case strings.TrimSpace(t.Header.Text) == "":
			p.add("header_text", "A text header needs text.")
		case chars(t.Header.Text) > MaxHeaderText:
			p.add("header_text", "The header is %d characters; at most %d.", chars(t.Header.Text), MaxHeaderText)
		case len(numbers) > 1:
			p.add("header_text", "A header may have at most one parameter, {{1}}.")
		case len(numbers) == 1 && numbers[0] != 1:
			p.add("header_text", "The header's parameter must be {{1}}.")
		}
	default:
		p.add("header_format", "Choose none, text, image, video or document.")
	}
	switch {
	case strings.TrimSpace(t.Body) == "":
		p.add("body", "The body is required.")
	case chars(t.Body) > MaxBody:
		p.add("body", "The body is %d characters; at most %d.", chars(t.Body), MaxBody)
	default:
		if problem := sequentialParameters(t.Body); problem != "" {
			p.add("body", "%s", problem)
		}
	}
	if chars(t.Footer) > MaxFooter {
		p.add("footer", "The footer is %d characters; at most %d.", chars(t.Footer), MaxFooter)
	} else if len(parameterNumbers(t.Footer)) > 0 {
		p.add("footer", "A footer cannot have parameters.")
	}
	validateTemplateButtons(t.Buttons, p)
	for key, parameter := range t.Parameters {
		if parameter.Field != "" && !KnownField(parameter.Field) {
			p.add("param_"+key, "Unknown field %q.", parameter.Field)
		}
	}
	return p
}

// sequentialParameters requires the body's parameters to be {{1}} … {{n}} without gaps.
func sequentialParameters(body string) string {
	seen := map[int]bool{}
	highest := 0
	for _, n := range parameterNumbers(body) {
		seen[n] = true
		highest = max(highest, n)
	}
	for n := 1; n <= highest; n++ {
		if !seen[n] {
			return fmt.Sprintf("The body's parameters must be numbered {{1}} to {{%d}} without gaps; {{%d}} is missing.", highest, n)
		}
	}
	return ""
}

func validateTemplateButtons(buttons []TemplateButton, p Problems) {
	quick, phones, urls := 0, 0, 0
	for i, b := range buttons {
		field := fmt.Sprintf("button%d", i+1)
		switch {
		case strings.TrimSpace(b.Text) == "":
			p.add(field+"_text", "Button %d needs a text.", i+1)
		case chars(b.Text) > MaxButtonText:
			p.add(field+"_text", "Button %d's text is %d characters; at most %d.", i+1, chars(b.Text), MaxButtonText)
		case len(parameterNumbers(b.Text)) > 0:
			p.add(field+"_text", "A button's text cannot have parameters.")
		}
		switch b.Type {
		case ButtonQuickReply:
			quick++
		case ButtonPhoneNumber:
			phones++
			if !phonePattern.MatchString(b.PhoneNumber) {
				p.add(field+"_value", "Button %d needs a phone number in international form, e.g. +15550100001.", i+1)
			}
		case ButtonURL:
			urls++
			numbers := parameterNumbers(b.URL)
			switch {
			case !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "http://"):
				p.add(field+"_value", "Button %d needs a web address starting with https://.", i+1)
			case chars(b.URL) > MaxURL:
				p.add(field+"_value", "Button %d's address is longer than %d characters.", i+1, MaxURL)
			case len(numbers) > 1 || len(numbers) == 1 && (numbers[0] != 1 || !strings.HasSuffix(b.URL, "{{1}}")):
				p.add(field+"_value", "A dynamic address has one parameter, {{1}}, at its very end.")
			}
		default:
			p.add(field+"_type", "Button %d: choose quick reply, call a phone number or visit a website.", i+1)
		}
	}
	switch {
	case quick > 0 && phones+urls > 0:
		p.add("buttons", "Use either quick reply buttons or call-to-action buttons, not both.")
	case quick > MaxQuickReplies:
		p.add("buttons", "At most %d quick reply buttons.", MaxQuickReplies)
	case phones > MaxPhoneButtons:
		p.add("buttons", "At most %d phone number button.", MaxPhoneButtons)
	case urls > MaxURLButtons:
		p.add("buttons", "At most %d website buttons.", MaxURLButtons)
	}
	seen := map[string]bool{}
	for i, b := range buttons {
		if seen[b.Text] && b.Text != "" {
			p.add(fmt.Sprintf("button%d_text", i+1), "Button texts must differ; %q is used twice.", b.Text)
		}
		seen[b.Text] = true
	}
}

// Validate checks a reply-button message against WhatsApp's rules.
func (b ReplyButtons) Validate() Problems {
	p := Problems{}
	validateHeader(b.Header, p)
	validateBodyFooter(b.Body, b.Footer, p)
	if len(b.Buttons) == 0 {
		p.add("buttons", "Add at least one button.")
	}
	if len(b.Buttons) > MaxReplyButtons {
		p.add("buttons", "At most %d reply buttons.", MaxReplyButtons)
	}
	seen := map[string]bool{}
	for i, title := range b.Buttons {
		field := fmt.Sprintf("button%d_text", i+1)
		switch {
		case strings.TrimSpace(title) == "":
			p.add(field, "Button %d needs a text.", i+1)
		case chars(title) > MaxButtonText:
			p.add(field, "Button %d's text is %d characters; at most %d.", i+1, chars(title), MaxButtonText)
		case seen[title]:
			p.add(field, "Button texts must differ; %q is used twice.", title)
		}
		seen[title] = true
	}
	return p
}

// Validate checks a list message against WhatsApp's rules.
func (l List) Validate() Problems {
	p := Problems{}
	if chars(l.Header) > MaxHeaderText {
		p.add("header_text", "The header is %d characters; at most %d.", chars(l.Header), MaxHeaderText)
	}
	validateBodyFooter(l.Body, l.Footer, p)
	switch {
	case strings.TrimSpace(l.Button) == "":
		p.add("list_button", "The list needs a button label.")
	case chars(l.Button) > MaxListButton:
		p.add("list_button", "The button label is %d characters; at most %d.", chars(l.Button), MaxListButton)
	}
	rows := 0
	for _, s := range l.Sections {
		rows += len(s.Rows)
	}
	if rows == 0 {
		p.add("rows", "Add at least one row.")
	}
	if rows > MaxListRows {
		p.add("rows", "A list has at most %d rows in all sections together; this one has %d.", MaxListRows, rows)
	}
	n := 0
	for _, s := range l.Sections {
		for _, r := range s.Rows {
			n++
			field := fmt.Sprintf("row%d", n)
			if chars(s.Title) > MaxSectionTitle {
				p.add(field+"_section", "Section title %q is %d characters; at most %d.", s.Title, chars(s.Title), MaxSectionTitle)
			}
			if len(l.Sections) > 1 && strings.TrimSpace(s.Title) == "" {
				p.add(field+"_section", "With several sections every section needs a title.")
			}
			switch {
			case strings.TrimSpace(r.Title) == "":
				p.add(field+"_title", "Row %d needs a title.", n)
			case chars(r.Title) > MaxRowTitle:
				p.add(field+"_title", "Row %d's title is %d characters; at most %d.", n, chars(r.Title), MaxRowTitle)
			}
			if chars(r.Description) > MaxRowDescription {
				p.add(field+"_description", "Row %d's description is %d characters; at most %d.", n, chars(r.Description), MaxRowDescription)
			}
		}
	}
	return p
}

func validateHeader(h Header, p Problems) {
	switch h.Format {
	case HeaderNone, HeaderImage, HeaderVideo, HeaderDocument:
	case HeaderText:
		switch {
		case strings.TrimSpace(h.Text) == "":
			p.add("header_text", "A text header needs text.")
		case chars(h.Text) > MaxHeaderText:
			p.add("header_text", "The header is %d characters; at most %d.", chars(h.Text), MaxHeaderText)
		}
	default:
		p.add("header_format", "Choose none, text, image, video or document.")
	}
}

func validateBodyFooter(body, footer string, p Problems) {
	switch {
	case strings.TrimSpace(body) == "":
		p.add("body", "The body is required.")
	case chars(body) > MaxBody:
		p.add("body", "The body is %d characters; at most %d.", chars(body), MaxBody)
	}
	if chars(footer) > MaxFooter {
		p.add("footer", "The footer is %d characters; at most %d.", chars(footer), MaxFooter)
	}
}

func contains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}
