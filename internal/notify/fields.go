package notify

import (
	"regexp"
	"strings"

	"switchboard/store"
)

// Field is a value a response can take from the conversation: written {contact.first_name} in a
// response's text, or chosen as what prefills a notification parameter.
type Field struct {
	Name  string
	Label string
}

// Fields lists every field responses can use.
var Fields = []Field{
	{"contact.first_name", "Contact's first name"},
	{"contact.last_name", "Contact's last name"},
	{"contact.name", "Contact's full name"},
	{"contact.phone", "Contact's phone number"},
	{"agent.name", "Agent's name"},
	{"agent.first_name", "Agent's first name"},
}

// KnownField reports whether name is one of Fields.
func KnownField(name string) bool {
	for _, f := range Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Values are the fields' values for one agent talking to one contact.
type Values map[string]string

// ValuesFor fills the fields from what is known: the contact's name from the contact database, else the
// name they set in WhatsApp.
func ValuesFor(contact store.Contact, agent store.User) Values {
	name := strings.TrimSpace(contact.Name)
	if name == "" {
		name = strings.TrimSpace(contact.ProfileName)
	}
	first, last, _ := strings.Cut(name, " ")
	agentFirst, _, _ := strings.Cut(strings.TrimSpace(agent.DisplayName), " ")
	phone := ""
	if contact.WAID != "" {
		phone = "+" + contact.WAID
	}
	return Values{
		"contact.first_name": first,
		"contact.last_name":  strings.TrimSpace(last),
		"contact.name":       name,
		"contact.phone":      phone,
		"agent.name":         strings.TrimSpace(agent.DisplayName),
		"agent.first_name":   agentFirst,
	}
}

// fieldPattern finds {field.name} tokens; template parameters ({{1}}) never match.
var fieldPattern = regexp.MustCompile(`\{([a-z]+\.[a-z_]+)\}`)

// Fill replaces the known field tokens of text with their values; unknown tokens stay as typed.
func Fill(text string, values Values) string {
	return fieldPattern.ReplaceAllStringFunc(text, func(token string) string {
		name := token[1 : len(token)-1]
		if !KnownField(name) {
			return token
		}
		return values[name]
	})
}

// UnknownFields lists the field tokens in text that are not fields, so admins learn of typos on save.
func UnknownFields(text string) []string {
	var unknown []string
	for _, match := range fieldPattern.FindAllStringSubmatch(text, -1) {
		if !KnownField(match[1]) {
			unknown = append(unknown, match[0])
		}
	}
	return unknown
}
