package whatsapp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MessagingProduct is the value Meta requires in "messaging_product" on every send request.
const MessagingProduct = "whatsapp"

// RecipientIndividual is the "recipient_type" for a one-to-one conversation.
const RecipientIndividual = "individual"

// Limits Meta enforces on outbound content; checking them here turns a round trip that is certain to
// fail with error 100 into an immediate, non-retryable error the agent can fix.
const (
	MaxTextLength               = 4096
	MaxCaptionLength            = 1024
	MaxInteractiveBodyLength    = 1024
	MaxReplyButtons             = 3
	MaxReplyButtonTitleLength   = 20
	MaxReplyButtonIDLength      = 256
	MaxListButtonLabelLength    = 20
	MaxListSections             = 10
	MaxListRows                 = 10
	MaxListRowIDLength          = 200
	MaxListRowTitleLength       = 24
	MaxListRowDescriptionLength = 72
	MaxListSectionTitleLength   = 24
)

// ErrInvalidMessage is wrapped by every error about an outbound message that Meta would reject as it
// stands. Retrying such a message can never succeed.
var ErrInvalidMessage = errors.New("invalid message")

// OutboundMessage is the body of POST /{version}/{phone-number-id}/messages. Exactly one content field,
// the one named by Type, is set.
type OutboundMessage struct {
	MessagingProduct string            `json:"messaging_product"`
	RecipientType    string            `json:"recipient_type,omitempty"`
	To               string            `json:"to"`
	Type             string            `json:"type"`
	Context          *OutboundContext  `json:"context,omitempty"`
	Text             *OutboundText     `json:"text,omitempty"`
	Image            *OutboundMedia    `json:"image,omitempty"`
	Audio            *OutboundMedia    `json:"audio,omitempty"`
	Video            *OutboundMedia    `json:"video,omitempty"`
	Document         *OutboundMedia    `json:"document,omitempty"`
	Sticker          *OutboundMedia    `json:"sticker,omitempty"`
	Location         *OutboundLocation `json:"location,omitempty"`
	Reaction         *OutboundReaction `json:"reaction,omitempty"`
	Template         *Template         `json:"template,omitempty"`
	Interactive      *Interactive      `json:"interactive,omitempty"`
}

// OutboundContext makes a message quote an earlier one.
type OutboundContext struct {
	MessageID string `json:"message_id"`
}

// OutboundText is the content of a text message.
type OutboundText struct {
	// PreviewURL asks WhatsApp to render a preview of the first link in Body.
	PreviewURL bool   `json:"preview_url"`
	Body       string `json:"body"`
}

// OutboundMedia refers to media by an uploaded media ID or by a public link; set exactly one of them.
type OutboundMedia struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// OutboundLocation is the content of a location message.
type OutboundLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// OutboundReaction reacts to a message. Emoji is always sent because an empty emoji is how a reaction
// is removed.
type OutboundReaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// Template is a pre-approved message template with its parameters, the only content allowed outside
// the 24-hour customer service window.
type Template struct {
	Name       string              `json:"name"`
	Language   TemplateLanguage    `json:"language"`
	Components []TemplateComponent `json:"components,omitempty"`
}

// TemplateLanguage names the translation of a template to send.
type TemplateLanguage struct {
	Code string `json:"code"`
}

// Template component types and button sub-types.
const (
	ComponentHeader         = "header"
	ComponentBody           = "body"
	ComponentButton         = "button"
	ButtonSubTypeQuickReply = "quick_reply"
	ButtonSubTypeURL        = "url"
)

// TemplateComponent fills the variables of one part of a template. Buttons are addressed by their
// zero-based Index, which Meta takes as a string.
type TemplateComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type,omitempty"`
	Index      string              `json:"index,omitempty"`
	Parameters []TemplateParameter `json:"parameters,omitempty"`
}

// TemplateParameter is the value of one template variable. Type is "text", "image", "video",
// "document" or "payload", and the field of that name is set.
type TemplateParameter struct {
	Type string `json:"type"`
	// ParameterName is set only for templates that use named rather than positional variables.
	ParameterName string         `json:"parameter_name,omitempty"`
	Text          string         `json:"text,omitempty"`
	Image         *OutboundMedia `json:"image,omitempty"`
	Video         *OutboundMedia `json:"video,omitempty"`
	Document      *OutboundMedia `json:"document,omitempty"`
	Payload       string         `json:"payload,omitempty"`
}

// Interactive is the content of an interactive message: reply buttons (Type "button") or a list
// (Type "list").
type Interactive struct {
	Type   string             `json:"type"`
	Header *InteractiveHeader `json:"header,omitempty"`
	Body   *InteractiveText   `json:"body,omitempty"`
	Footer *InteractiveText   `json:"footer,omitempty"`
	Action InteractiveAction  `json:"action"`
}

// InteractiveHeader is the optional header of an interactive message. Type is "text", "image",
// "video" or "document"; lists accept only text.
type InteractiveHeader struct {
	Type     string         `json:"type"`
	Text     string         `json:"text,omitempty"`
	Image    *OutboundMedia `json:"image,omitempty"`
	Video    *OutboundMedia `json:"video,omitempty"`
	Document *OutboundMedia `json:"document,omitempty"`
}

// InteractiveText is the body or footer of an interactive message.
type InteractiveText struct {
	Text string `json:"text"`
}

// InteractiveAction holds either reply Buttons, or a list's Button label and Sections.
type InteractiveAction struct {
	Button   string               `json:"button,omitempty"`
	Buttons  []InteractiveButton  `json:"buttons,omitempty"`
	Sections []InteractiveSection `json:"sections,omitempty"`
}

// InteractiveButton is one reply button; Type is always "reply".
type InteractiveButton struct {
	Type  string           `json:"type"`
	Reply InteractiveReply `json:"reply"`
}

// InteractiveReply is what a reply button shows (Title) and sends back in the webhook (ID).
type InteractiveReply struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// InteractiveSection is a titled group of rows in a list message.
type InteractiveSection struct {
	Title string           `json:"title,omitempty"`
	Rows  []InteractiveRow `json:"rows"`
}

// InteractiveRow is one choice in a list message.
type InteractiveRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

func newOutbound(to, messageType string) OutboundMessage {
	return OutboundMessage{
		MessagingProduct: MessagingProduct,
		RecipientType:    RecipientIndividual,
		To:               to,
		Type:             messageType,
	}
}

// NewText builds a text message. Link previews are turned on when the body contains an http(s) link,
// which is what a person typing the message in WhatsApp would see.
func NewText(to, body string) OutboundMessage {
	message := newOutbound(to, MessageTypeText)
	lower := strings.ToLower(body)
	message.Text = &OutboundText{
		PreviewURL: strings.Contains(lower, "http://") || strings.Contains(lower, "https://"),
		Body:       body,
	}
	return message
}

// NewMedia builds an image, audio, video, document or sticker message. Meta accepts captions only on
// images, videos and documents, and a file name only on documents.
func NewMedia(to, mediaType string, media OutboundMedia) (OutboundMessage, error) {
	message := newOutbound(to, mediaType)
	switch mediaType {
	case MessageTypeImage:
		message.Image = &media
	case MessageTypeVideo:
		message.Video = &media
	case MessageTypeDocument:
		message.Document = &media
	case MessageTypeAudio:
		message.Audio = &media
	case MessageTypeSticker:
		message.Sticker = &media
	default:
		return OutboundMessage{}, fmt.Errorf("whatsapp: new media message: %w: %q is not a media type", ErrInvalidMessage, mediaType)
	}
	if media.Caption != "" && (mediaType == MessageTypeAudio || mediaType == MessageTypeSticker) {
		return OutboundMessage{}, fmt.Errorf("whatsapp: new media message: %w: %s cannot have a caption", ErrInvalidMessage, mediaType)
	}
	if media.Filename != "" && mediaType != MessageTypeDocument {
		return OutboundMessage{}, fmt.Errorf("whatsapp: new media message: %w: only documents have a file name", ErrInvalidMessage)
	}
	if err := message.Validate(); err != nil {
		return OutboundMessage{}, fmt.Errorf("whatsapp: new media message: %w", err)
	}
	return message, nil
}

// NewLocation builds a location message.
func NewLocation(to string, location OutboundLocation) OutboundMessage {
	message := newOutbound(to, MessageTypeLocation)
	message.Location = &location
	return message
}

// NewReaction reacts to the message messageID with emoji; an empty emoji removes our reaction.
func NewReaction(to, messageID, emoji string) OutboundMessage {
	message := newOutbound(to, MessageTypeReaction)
	message.Reaction = &OutboundReaction{MessageID: messageID, Emoji: emoji}
	return message
}

// NewTemplate builds a template message in the given language (for example "en_US").
func NewTemplate(to, name, languageCode string, components ...TemplateComponent) OutboundMessage {
	message := newOutbound(to, MessageTypeTemplate)
	message.Template = &Template{Name: name, Language: TemplateLanguage{Code: languageCode}, Components: components}
	return message
}

// TemplateHeader fills the variable of a template's header (a text or a media parameter).
func TemplateHeader(parameter TemplateParameter) TemplateComponent {
	return TemplateComponent{Type: ComponentHeader, Parameters: []TemplateParameter{parameter}}
}

// TemplateBody fills the variables of a template's body, in order.
func TemplateBody(parameters ...TemplateParameter) TemplateComponent {
	return TemplateComponent{Type: ComponentBody, Parameters: parameters}
}

// TemplateQuickReplyButton sets the payload that the quick-reply button at index returns in the
// webhook when the customer taps it.
func TemplateQuickReplyButton(index int, payload string) TemplateComponent {
	return TemplateComponent{
		Type:       ComponentButton,
		SubType:    ButtonSubTypeQuickReply,
		Index:      strconv.Itoa(index),
		Parameters: []TemplateParameter{{Type: "payload", Payload: payload}},
	}
}

// TemplateURLButton sets the variable suffix of the dynamic URL button at index.
func TemplateURLButton(index int, suffix string) TemplateComponent {
	return TemplateComponent{
		Type:       ComponentButton,
		SubType:    ButtonSubTypeURL,
		Index:      strconv.Itoa(index),
		Parameters: []TemplateParameter{TextParameter(suffix)},
	}
}

// TextParameter is a text template variable.
func TextParameter(text string) TemplateParameter {
	return TemplateParameter{Type: "text", Text: text}
}

// MediaParameter is an image, video or document template variable, used in media headers.
func MediaParameter(mediaType string, media OutboundMedia) (TemplateParameter, error) {
	parameter := TemplateParameter{Type: mediaType}
	switch mediaType {
	case MessageTypeImage:
		parameter.Image = &media
	case MessageTypeVideo:
		parameter.Video = &media
	case MessageTypeDocument:
		parameter.Document = &media
	default:
		return TemplateParameter{}, fmt.Errorf("whatsapp: template media parameter: %w: %q is not image, video or document", ErrInvalidMessage, mediaType)
	}
	return parameter, nil
}

// NewButtons builds an interactive message with up to three reply buttons. Set Interactive.Header and
// Interactive.Footer on the result to add them.
func NewButtons(to, body string, buttons ...InteractiveReply) (OutboundMessage, error) {
	message := newOutbound(to, MessageTypeInteractive)
	interactive := &Interactive{Type: "button", Body: &InteractiveText{Text: body}}
	for _, button := range buttons {
		interactive.Action.Buttons = append(interactive.Action.Buttons, InteractiveButton{Type: "reply", Reply: button})
	}
	message.Interactive = interactive
	if err := message.Validate(); err != nil {
		return OutboundMessage{}, fmt.Errorf("whatsapp: new buttons message: %w", err)
	}
	return message, nil
}

// NewList builds an interactive list message: buttonLabel opens a menu of up to ten rows grouped in
// sections. Set Interactive.Header (text only) and Interactive.Footer on the result to add them.
func NewList(to, body, buttonLabel string, sections ...InteractiveSection) (OutboundMessage, error) {
	message := newOutbound(to, MessageTypeInteractive)
	message.Interactive = &Interactive{
		Type:   "list",
		Body:   &InteractiveText{Text: body},
		Action: InteractiveAction{Button: buttonLabel, Sections: sections},
	}
	if err := message.Validate(); err != nil {
		return OutboundMessage{}, fmt.Errorf("whatsapp: new list message: %w", err)
	}
	return message, nil
}

// InReplyTo returns a copy of the message that quotes the message with the given wamid.
func (m OutboundMessage) InReplyTo(wamid string) OutboundMessage {
	m.Context = &OutboundContext{MessageID: wamid}
	return m
}

// Validate reports, wrapping ErrInvalidMessage, what Meta would certainly reject in the message. It
// checks only rules Meta documents, so a message it accepts may still be refused for other reasons
// (an unknown template, a closed service window, ...).
func (m OutboundMessage) Validate() error {
	if m.To == "" {
		return fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	}
	switch m.Type {
	case "":
		return fmt.Errorf("%w: no type", ErrInvalidMessage)
	case MessageTypeText:
		if m.Text == nil || strings.TrimSpace(m.Text.Body) == "" {
			return fmt.Errorf("%w: empty text", ErrInvalidMessage)
		}
		if length := utf8.RuneCountInString(m.Text.Body); length > MaxTextLength {
			return fmt.Errorf("%w: text is %d characters, at most %d allowed", ErrInvalidMessage, length, MaxTextLength)
		}
	case MessageTypeImage, MessageTypeAudio, MessageTypeVideo, MessageTypeDocument, MessageTypeSticker:
		media := m.media()
		if media == nil {
			return fmt.Errorf("%w: %s message without %s", ErrInvalidMessage, m.Type, m.Type)
		}
		if (media.ID == "") == (media.Link == "") {
			return fmt.Errorf("%w: %s needs exactly one of id and link", ErrInvalidMessage, m.Type)
		}
		if length := utf8.RuneCountInString(media.Caption); length > MaxCaptionLength {
			return fmt.Errorf("%w: caption is %d characters, at most %d allowed", ErrInvalidMessage, length, MaxCaptionLength)
		}
	case MessageTypeLocation:
		if m.Location == nil {
			return fmt.Errorf("%w: location message without location", ErrInvalidMessage)
		}
		if m.Location.Latitude < -90 || m.Location.Latitude > 90 || m.Location.Longitude < -180 || m.Location.Longitude > 180 {
			return fmt.Errorf("%w: location out of range", ErrInvalidMessage)
		}
	case MessageTypeReaction:
		if m.Reaction == nil || m.Reaction.MessageID == "" {
			return fmt.Errorf("%w: reaction without message_id", ErrInvalidMessage)
		}
	case MessageTypeTemplate:
		if m.Template == nil || m.Template.Name == "" || m.Template.Language.Code == "" {
			return fmt.Errorf("%w: template needs a name and a language code", ErrInvalidMessage)
		}
	case MessageTypeInteractive:
		if m.Interactive == nil {
			return fmt.Errorf("%w: interactive message without interactive", ErrInvalidMessage)
		}
		return m.Interactive.validate()
	}
	return nil
}

func (m OutboundMessage) media() *OutboundMedia {
	switch m.Type {
	case MessageTypeImage:
		return m.Image
	case MessageTypeAudio:
		return m.Audio
	case MessageTypeVideo:
		return m.Video
	case MessageTypeDocument:
		return m.Document
	case MessageTypeSticker:
		return m.Sticker
	}
	return nil
}

func (interactive *Interactive) validate() error {
	switch interactive.Type {
	case "button", "list":
	case "":
		return fmt.Errorf("%w: interactive without type", ErrInvalidMessage)
	default:
		// Other interactive types (cta_url, flow, product lists, ...) have rules of their own that
		// this package does not model; leave them to Meta.
		return nil
	}
	if interactive.Body == nil || strings.TrimSpace(interactive.Body.Text) == "" {
		return fmt.Errorf("%w: interactive %s needs a body", ErrInvalidMessage, interactive.Type)
	}
	if length := utf8.RuneCountInString(interactive.Body.Text); length > MaxInteractiveBodyLength {
		return fmt.Errorf("%w: body is %d characters, at most %d allowed", ErrInvalidMessage, length, MaxInteractiveBodyLength)
	}
	if interactive.Type == "button" {
		return validateButtons(interactive.Action.Buttons)
	}
	if interactive.Header != nil && interactive.Header.Type != "text" {
		return fmt.Errorf("%w: a list header must be text", ErrInvalidMessage)
	}
	return validateList(interactive.Action)
}

func validateButtons(buttons []InteractiveButton) error {
	if len(buttons) == 0 || len(buttons) > MaxReplyButtons {
		return fmt.Errorf("%w: %d reply buttons, 1 to %d allowed", ErrInvalidMessage, len(buttons), MaxReplyButtons)
	}
	seenIDs, seenTitles := map[string]bool{}, map[string]bool{}
	for _, button := range buttons {
		reply := button.Reply
		if button.Type != "reply" {
			return fmt.Errorf("%w: reply button of type %q", ErrInvalidMessage, button.Type)
		}
		if err := checkLength("button id", reply.ID, MaxReplyButtonIDLength); err != nil {
			return err
		}
		if err := checkLength("button title", reply.Title, MaxReplyButtonTitleLength); err != nil {
			return err
		}
		// Meta rejects duplicates, and a duplicate id would make the customer's answer ambiguous.
		if seenIDs[reply.ID] || seenTitles[reply.Title] {
			return fmt.Errorf("%w: button %q is not unique", ErrInvalidMessage, reply.Title)
		}
		seenIDs[reply.ID], seenTitles[reply.Title] = true, true
	}
	return nil
}

func validateList(action InteractiveAction) error {
	if err := checkLength("list button label", action.Button, MaxListButtonLabelLength); err != nil {
		return err
	}
	if len(action.Sections) == 0 || len(action.Sections) > MaxListSections {
		return fmt.Errorf("%w: %d list sections, 1 to %d allowed", ErrInvalidMessage, len(action.Sections), MaxListSections)
	}
	rows, seenIDs := 0, map[string]bool{}
	for _, section := range action.Sections {
		if len(action.Sections) > 1 && section.Title == "" {
			return fmt.Errorf("%w: every section needs a title when there are several", ErrInvalidMessage)
		}
		if utf8.RuneCountInString(section.Title) > MaxListSectionTitleLength {
			return fmt.Errorf("%w: section title %q is longer than %d characters", ErrInvalidMessage, section.Title, MaxListSectionTitleLength)
		}
		if len(section.Rows) == 0 {
			return fmt.Errorf("%w: section %q has no rows", ErrInvalidMessage, section.Title)
		}
		for _, row := range section.Rows {
			rows++
			if err := checkLength("row id", row.ID, MaxListRowIDLength); err != nil {
				return err
			}
			if err := checkLength("row title", row.Title, MaxListRowTitleLength); err != nil {
				return err
			}
			if utf8.RuneCountInString(row.Description) > MaxListRowDescriptionLength {
				return fmt.Errorf("%w: row description %q is longer than %d characters", ErrInvalidMessage, row.Description, MaxListRowDescriptionLength)
			}
			if seenIDs[row.ID] {
				return fmt.Errorf("%w: row id %q is not unique", ErrInvalidMessage, row.ID)
			}
			seenIDs[row.ID] = true
		}
	}
	if rows > MaxListRows {
		return fmt.Errorf("%w: %d list rows, at most %d allowed", ErrInvalidMessage, rows, MaxListRows)
	}
	return nil
}

// checkLength requires value to be non-empty and at most limit characters (not bytes: Meta counts
// what the customer sees).
func checkLength(what, value string, limit int) error {
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidMessage, what)
	}
	if length := utf8.RuneCountInString(value); length > limit {
		return fmt.Errorf("%w: %s %q is %d characters, at most %d allowed", ErrInvalidMessage, what, value, length, limit)
	}
	return nil
}
