package simulator

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits from the Cloud API reference for the messages endpoint.
const (
	maxTextBody           = 4096
	maxCaption            = 1024
	maxInteractiveBody    = 1024
	maxInteractiveHeader  = 60
	maxInteractiveFooter  = 60
	maxReplyButtons       = 3
	maxReplyButtonTitle   = 20
	maxReplyButtonID      = 256
	maxListButton         = 20
	maxListSections       = 10
	maxListRows           = 10
	maxListRowTitle       = 24
	maxListRowDescription = 72
	maxListRowID          = 200
	maxListSectionTitle   = 24
	maxTemplateName       = 512
)

var recipientPattern = regexp.MustCompile(`^\+?[0-9]{5,15}$`)

// messageTypes are the values of "type" the messages endpoint accepts.
var messageTypes = []string{
	"text", "image", "audio", "video", "document", "sticker",
	"location", "contacts", "reaction", "template", "interactive",
}

// interactiveTypes are the interactive.type values Meta accepts; button and list get
// full validation since the product sends them, the rest only the common checks.
var interactiveTypes = []string{
	"button", "list", "cta_url", "flow", "product", "product_list",
	"catalog_message", "location_request_message", "address_message",
}

func length(s string) int { return utf8.RuneCountInString(s) }

// validateSend checks a send request the way Meta does, returning the first problem.
func validateSend(request *sendRequest) *apiError {
	if request.To == nil || *request.To == "" {
		return requiredParameter("to")
	}
	if !recipientPattern.MatchString(*request.To) {
		return invalidValue("Param to must be a valid WhatsApp phone number, got %q.", *request.To)
	}
	if request.RecipientType != "" && request.RecipientType != "individual" {
		return invalidParameter("Param recipient_type must be one of {INDIVIDUAL} - got %q.", request.RecipientType)
	}
	if request.Type == "" {
		// Meta defaults a missing type to text.
		request.Type = "text"
	}
	if !contains(messageTypes, request.Type) {
		return invalidParameter("Param type must be one of {%s} - got %q.",
			strings.ToUpper(strings.Join(messageTypes, ", ")), request.Type)
	}
	if request.Context != nil && request.Context.MessageID == "" {
		return requiredParameter("context['message_id']")
	}
	switch request.Type {
	case "text":
		return validateText(request.Text)
	case "image", "video", "document":
		return validateMedia(request.Type, mediaOf(request), true)
	case "audio", "sticker":
		return validateMedia(request.Type, mediaOf(request), false)
	case "location":
		return validateLocation(request.Location)
	case "contacts":
		return validateContacts(request.Contacts)
	case "reaction":
		return validateReaction(request.Reaction)
	case "template":
		return validateTemplate(request.Template)
	case "interactive":
		return validateInteractive(request.Interactive)
	}
	return nil
}

func contains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}

// mediaOf picks the media object matching the request's type.
func mediaOf(request *sendRequest) *sendMedia {
	switch request.Type {
	case "image":
		return request.Image
	case "audio":
		return request.Audio
	case "video":
		return request.Video
	case "document":
		return request.Document
	case "sticker":
		return request.Sticker
	}
	return nil
}

func validateText(text *sendText) *apiError {
	if text == nil {
		return requiredParameter("text")
	}
	if text.Body == nil || *text.Body == "" {
		return requiredParameter("text['body']")
	}
	if length(*text.Body) > maxTextBody {
		return invalidParameter("Param text['body'] must be at most %d characters long", maxTextBody)
	}
	return nil
}

func validateMedia(kind string, media *sendMedia, captionAllowed bool) *apiError {
	if media == nil {
		return requiredParameter(kind)
	}
	if media.ID == "" && media.Link == "" {
		return invalidParameter("Param %s must have either id or link", kind)
	}
	if media.ID != "" && media.Link != "" {
		return invalidParameter("Param %s must have either id or link, not both", kind)
	}
	if media.Caption != "" && !captionAllowed {
		return invalidParameter("Param %s['caption'] is not supported for %s messages", kind, kind)
	}
	if length(media.Caption) > maxCaption {
		return invalidParameter("Param %s['caption'] must be at most %d characters long", kind, maxCaption)
	}
	return nil
}

func validateLocation(location *sendLocation) *apiError {
	if location == nil {
		return requiredParameter("location")
	}
	if location.Latitude == nil {
		return requiredParameter("location['latitude']")
	}
	if location.Longitude == nil {
		return requiredParameter("location['longitude']")
	}
	if *location.Latitude < -90 || *location.Latitude > 90 || *location.Longitude < -180 || *location.Longitude > 180 {
		return invalidValue("Param location must have a latitude in [-90, 90] and a longitude in [-180, 180]")
	}
	return nil
}

func validateContacts(contacts []sendContactCard) *apiError {
	if len(contacts) == 0 {
		return requiredParameter("contacts")
	}
	for i, card := range contacts {
		if card.Name == nil || card.Name.FormattedName == "" {
			return requiredParameter(fmt.Sprintf("contacts[%d]['name']['formatted_name']", i))
		}
	}
	return nil
}

func validateReaction(reaction *sendReaction) *apiError {
	if reaction == nil {
		return requiredParameter("reaction")
	}
	if reaction.MessageID == "" {
		return requiredParameter("reaction['message_id']")
	}
	// An empty emoji is valid: it removes an earlier reaction.
	if reaction.Emoji == nil {
		return requiredParameter("reaction['emoji']")
	}
	return nil
}

var templateComponentTypes = []string{"header", "body", "footer", "button", "carousel", "limited_time_offer"}

func validateTemplate(template *sendTemplate) *apiError {
	if template == nil {
		return requiredParameter("template")
	}
	if template.Name == "" {
		return requiredParameter("template['name']")
	}
	if length(template.Name) > maxTemplateName {
		return invalidParameter("Param template['name'] must be at most %d characters long", maxTemplateName)
	}
	if template.Language == nil {
		return requiredParameter("template['language']")
	}
	if template.Language.Code == "" {
		return requiredParameter("template['language']['code']")
	}
	for i, component := range template.Components {
		if !contains(templateComponentTypes, component.Type) {
			return invalidParameter("Param template['components'][%d]['type'] must be one of {%s} - got %q.",
				i, strings.ToUpper(strings.Join(templateComponentTypes, ", ")), component.Type)
		}
		if component.Type == "button" {
			if component.SubType == "" {
				return requiredParameter(fmt.Sprintf("template['components'][%d]['sub_type']", i))
			}
			if len(component.Index) == 0 {
				return requiredParameter(fmt.Sprintf("template['components'][%d]['index']", i))
			}
		}
		for j, parameter := range component.Parameters {
			if parameter.Type == "" {
				return requiredParameter(fmt.Sprintf("template['components'][%d]['parameters'][%d]['type']", i, j))
			}
			if parameter.Type == "text" && parameter.Text == "" {
				return requiredParameter(fmt.Sprintf("template['components'][%d]['parameters'][%d]['text']", i, j))
			}
		}
	}
	return nil
}

func validateInteractive(interactive *sendInteractive) *apiError {
	if interactive == nil {
		return requiredParameter("interactive")
	}
	if interactive.Type == "" {
		return requiredParameter("interactive['type']")
	}
	if !contains(interactiveTypes, interactive.Type) {
		return invalidParameter("Param interactive['type'] must be one of {%s} - got %q.",
			strings.ToUpper(strings.Join(interactiveTypes, ", ")), interactive.Type)
	}
	if header := interactive.Header; header != nil {
		if header.Type == "" {
			return requiredParameter("interactive['header']['type']")
		}
		if header.Type == "text" {
			if header.Text == "" {
				return requiredParameter("interactive['header']['text']")
			}
			if length(header.Text) > maxInteractiveHeader {
				return invalidValue("Header text length invalid. Max length: %d", maxInteractiveHeader)
			}
		}
		if interactive.Type == "list" && header.Type != "text" {
			return invalidValue("Param interactive['header']['type'] must be text for list messages")
		}
	}
	if interactive.Footer != nil && length(interactive.Footer.Text) > maxInteractiveFooter {
		return invalidValue("Footer text length invalid. Max length: %d", maxInteractiveFooter)
	}
	if interactive.Body != nil && length(interactive.Body.Text) > maxInteractiveBody {
		return invalidValue("Body text length invalid. Max length: %d", maxInteractiveBody)
	}
	needsBody := interactive.Type != "product" && interactive.Type != "address_message"
	if needsBody && (interactive.Body == nil || interactive.Body.Text == "") {
		return requiredParameter("interactive['body']['text']")
	}
	if interactive.Action == nil {
		return requiredParameter("interactive['action']")
	}
	switch interactive.Type {
	case "button":
		return validateReplyButtons(interactive.Action.Buttons)
	case "list":
		return validateList(interactive.Action)
	case "cta_url":
		if interactive.Action.Name != "cta_url" {
			return invalidParameter("Param interactive['action']['name'] must be cta_url")
		}
	}
	return nil
}

func validateReplyButtons(buttons []sendReplyButton) *apiError {
	if len(buttons) == 0 {
		return requiredParameter("interactive['action']['buttons']")
	}
	if len(buttons) > maxReplyButtons {
		return invalidValue("Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: %d", maxReplyButtons)
	}
	ids := map[string]bool{}
	titles := map[string]bool{}
	for i, button := range buttons {
		if button.Type != "reply" {
			return invalidParameter("Param interactive['action']['buttons'][%d]['type'] must be one of {REPLY} - got %q.", i, button.Type)
		}
		if button.Reply == nil {
			return requiredParameter(fmt.Sprintf("interactive['action']['buttons'][%d]['reply']", i))
		}
		if button.Reply.ID == "" {
			return requiredParameter(fmt.Sprintf("interactive['action']['buttons'][%d]['reply']['id']", i))
		}
		if button.Reply.Title == "" {
			return requiredParameter(fmt.Sprintf("interactive['action']['buttons'][%d]['reply']['title']", i))
		}
		if length(button.Reply.ID) > maxReplyButtonID {
			return invalidValue("Button id length invalid. Max length: %d", maxReplyButtonID)
		}
		if length(button.Reply.Title) > maxReplyButtonTitle {
			return invalidValue("Button title length invalid. Min length: 1, Max length: %d", maxReplyButtonTitle)
		}
		if ids[button.Reply.ID] {
			return invalidValue("Duplicate button id %q: button ids must be unique", button.Reply.ID)
		}
		if titles[button.Reply.Title] {
			return invalidValue("Duplicate button title %q: button titles must be unique", button.Reply.Title)
		}
		ids[button.Reply.ID] = true
		titles[button.Reply.Title] = true
	}
	return nil
}

func validateList(action *sendInteractiveAction) *apiError {
	if action.Button == "" {
		return requiredParameter("interactive['action']['button']")
	}
	if length(action.Button) > maxListButton {
		return invalidValue("Button title length invalid. Min length: 1, Max length: %d", maxListButton)
	}
	if len(action.Sections) == 0 {
		return requiredParameter("interactive['action']['sections']")
	}
	if len(action.Sections) > maxListSections {
		return invalidValue("Invalid sections count. Min allowed sections: 1, Max allowed sections: %d", maxListSections)
	}
	rows := 0
	rowIDs := map[string]bool{}
	for i, section := range action.Sections {
		// Meta requires section titles only when there is more than one section.
		if len(action.Sections) > 1 && section.Title == "" {
			return requiredParameter(fmt.Sprintf("interactive['action']['sections'][%d]['title']", i))
		}
		if length(section.Title) > maxListSectionTitle {
			return invalidValue("Section title length invalid. Max length: %d", maxListSectionTitle)
		}
		if len(section.Rows) == 0 {
			return requiredParameter(fmt.Sprintf("interactive['action']['sections'][%d]['rows']", i))
		}
		for j, row := range section.Rows {
			rows++
			if row.ID == "" {
				return requiredParameter(fmt.Sprintf("interactive['action']['sections'][%d]['rows'][%d]['id']", i, j))
			}
			if row.Title == "" {
				return requiredParameter(fmt.Sprintf("interactive['action']['sections'][%d]['rows'][%d]['title']", i, j))
			}
			if length(row.ID) > maxListRowID {
				return invalidValue("Row id length invalid. Max length: %d", maxListRowID)
			}
			if length(row.Title) > maxListRowTitle {
				return invalidValue("Row title length invalid. Max length: %d", maxListRowTitle)
			}
			if length(row.Description) > maxListRowDescription {
				return invalidValue("Row description length invalid. Max length: %d", maxListRowDescription)
			}
			if rowIDs[row.ID] {
				return invalidValue("Duplicate row id %q: row ids must be unique", row.ID)
			}
			rowIDs[row.ID] = true
		}
	}
	if rows > maxListRows {
		return invalidValue("Invalid rows count. Total rows across sections must be at most %d", maxListRows)
	}
	return nil
}
