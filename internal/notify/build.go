package notify

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"switchboard/internal/whatsapp"
)

// Content is what an outbound message other than plain text keeps in its payload until and after it is
// sent: the Cloud API message without its recipient, the stored file to upload into its media slot
// first, and what the transcript shows of it.
type Content struct {
	Message   whatsapp.OutboundMessage `json:"message"`
	FileID    int64                    `json:"file_id,omitempty"`
	Preview   *Preview                 `json:"preview,omitempty"`
	Automatic bool                     `json:"automatic,omitempty"` // an automatic notification around the agent's text
}

// Encode returns the payload form.
func (c Content) Encode() string {
	encoded, _ := json.Marshal(c)
	return string(encoded)
}

// DecodeContent reads a payload written by Encode; ok is false for any other payload (plain text
// messages have none, customer messages hold what they sent).
func DecodeContent(payload string) (Content, bool) {
	if !strings.HasPrefix(payload, `{"message":`) {
		return Content{}, false
	}
	var c Content
	if err := json.Unmarshal([]byte(payload), &c); err != nil || c.Message.Type == "" {
		return Content{}, false
	}
	return c, true
}

// Preview is what the customer will see of a structured message. The editor's live preview, the
// transcript and the customer's answer to it are all drawn from it.
type Preview struct {
	Kind        string           `json:"kind"`
	Template    string           `json:"template,omitempty"` // "name · language" of a notification
	HeaderText  string           `json:"header_text,omitempty"`
	HeaderMedia string           `json:"header_media,omitempty"` // image, video or document
	HeaderFile  string           `json:"header_file,omitempty"`
	Body        string           `json:"body"`
	Footer      string           `json:"footer,omitempty"`
	Buttons     []PreviewButton  `json:"buttons,omitempty"`
	ListButton  string           `json:"list_button,omitempty"`
	Sections    []PreviewSection `json:"sections,omitempty"`
}

// PreviewButton is one button; ID is what a customer's tap sends back (the payload of a quick reply,
// the id of a reply button) and Target the number or address of a call-to-action button.
type PreviewButton struct {
	ID     string `json:"id,omitempty"`
	Type   string `json:"type"`
	Text   string `json:"text"`
	Target string `json:"target,omitempty"`
}

// PreviewSection is a titled group of list rows.
type PreviewSection struct {
	Title string       `json:"title,omitempty"`
	Rows  []PreviewRow `json:"rows"`
}

// PreviewRow is one row of a list.
type PreviewRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Preview draws the draft as it stands, with unfilled template parameters left visible as {{n}}.
func (d Draft) Preview() Preview {
	p := Preview{Kind: d.Kind, HeaderMedia: d.Header.Format, HeaderFile: d.Header.Name}
	switch d.Kind {
	case KindNotification:
		t := d.definition.Template
		p.Template = d.Template
		if t.Header.Format == HeaderText {
			p.HeaderText = d.fillTemplateText(t.Header.Text, "header")
		}
		p.Body = d.fillTemplateText(t.Body, "body")
		p.Footer = t.Footer
		for i, b := range t.Buttons {
			button := PreviewButton{Type: b.Type, Text: b.Text}
			switch b.Type {
			case ButtonQuickReply:
				button.ID = b.Text
			case ButtonPhoneNumber:
				button.Target = b.PhoneNumber
			case ButtonURL:
				button.Target = d.fillTemplateText(b.URL, "button"+strconv.Itoa(i+1))
			}
			p.Buttons = append(p.Buttons, button)
		}
	case KindButtons:
		p.HeaderText = d.Value("header")
		p.Body = d.Value("body")
		p.Footer = d.Value("footer")
		for i := range d.definition.Buttons.Buttons {
			p.Buttons = append(p.Buttons, PreviewButton{ID: ReplyButtonID(i + 1), Type: "reply", Text: d.Value("button" + strconv.Itoa(i+1))})
		}
	case KindList:
		l := d.definition.List
		p.HeaderText = d.Value("header")
		p.Body = d.Value("body")
		p.Footer = d.Value("footer")
		p.ListButton = d.Value("list_button")
		row := 0
		for s, section := range l.Sections {
			ps := PreviewSection{Title: d.Value("section" + strconv.Itoa(s+1))}
			for range section.Rows {
				row++
				n := strconv.Itoa(row)
				ps.Rows = append(ps.Rows, PreviewRow{ID: RowID(row), Title: d.Value("row" + n + "_title"), Description: d.Value("row" + n + "_description")})
			}
			p.Sections = append(p.Sections, ps)
		}
	}
	return p
}

// Build turns a valid draft into the content of an outbound message: the exact Cloud API template or
// interactive message (recipient left empty for the outbox to fill in) and its preview.
func (d Draft) Build() (Content, error) {
	if !d.Valid() {
		return Content{}, fmt.Errorf("notify: build %s: the draft has problems", d.Kind)
	}
	preview := d.Preview()
	content := Content{Preview: &preview, FileID: d.Header.FileID}
	switch d.Kind {
	case KindNotification:
		content.Message = d.buildTemplate()
	case KindButtons:
		content.Message = d.buildButtons(preview)
	case KindList:
		content.Message = d.buildList(preview)
	default:
		return Content{}, fmt.Errorf("notify: build: %q is not a structured kind", d.Kind)
	}
	if err := validateWithoutRecipient(content.Message); err != nil {
		return Content{}, fmt.Errorf("notify: build %s: %w", d.Kind, err)
	}
	return content, nil
}

func (d Draft) buildTemplate() whatsapp.OutboundMessage {
	t := d.definition.Template
	var components []whatsapp.TemplateComponent
	switch {
	case t.Header.Format == HeaderText && len(parameterNumbers(t.Header.Text)) > 0:
		components = append(components, whatsapp.TemplateHeader(whatsapp.TextParameter(d.Value(headerKey()))))
	case MediaHeader(t.Header.Format):
		media := whatsapp.OutboundMedia{}
		if t.Header.Format == HeaderDocument {
			media.Filename = d.Header.Name
		}
		parameter, _ := whatsapp.MediaParameter(t.Header.Format, media)
		components = append(components, whatsapp.TemplateHeader(parameter))
	}
	var body []whatsapp.TemplateParameter
	for _, p := range t.ParameterList() {
		if strings.HasPrefix(p.Key, "body.") {
			body = append(body, whatsapp.TextParameter(d.Value(p.Key)))
		}
	}
	if len(body) > 0 {
		components = append(components, whatsapp.TemplateBody(body...))
	}
	for i, b := range t.Buttons {
		switch {
		case b.Type == ButtonQuickReply:
			components = append(components, whatsapp.TemplateQuickReplyButton(i, b.Text))
		case b.Type == ButtonURL && len(parameterNumbers(b.URL)) > 0:
			components = append(components, whatsapp.TemplateURLButton(i, d.Value(buttonKey(i+1))))
		}
	}
	return whatsapp.NewTemplate("", t.Name, t.Language, components...)
}

func (d Draft) buildButtons(p Preview) whatsapp.OutboundMessage {
	interactive := &whatsapp.Interactive{Type: "button", Body: &whatsapp.InteractiveText{Text: p.Body}}
	interactive.Header = interactiveHeader(d.definition.Buttons.Header.Format, p.HeaderText, d.Header.Name)
	if p.Footer != "" {
		interactive.Footer = &whatsapp.InteractiveText{Text: p.Footer}
	}
	for _, b := range p.Buttons {
		interactive.Action.Buttons = append(interactive.Action.Buttons, whatsapp.InteractiveButton{Type: "reply", Reply: whatsapp.InteractiveReply{ID: b.ID, Title: b.Text}})
	}
	return whatsapp.OutboundMessage{MessagingProduct: whatsapp.MessagingProduct, RecipientType: whatsapp.RecipientIndividual,
		Type: whatsapp.MessageTypeInteractive, Interactive: interactive}
}

func (d Draft) buildList(p Preview) whatsapp.OutboundMessage {
	interactive := &whatsapp.Interactive{Type: "list", Body: &whatsapp.InteractiveText{Text: p.Body}, Action: whatsapp.InteractiveAction{Button: p.ListButton}}
	if p.HeaderText != "" {
		interactive.Header = &whatsapp.InteractiveHeader{Type: "text", Text: p.HeaderText}
	}
	if p.Footer != "" {
		interactive.Footer = &whatsapp.InteractiveText{Text: p.Footer}
	}
	for _, s := range p.Sections {
		section := whatsapp.InteractiveSection{Title: s.Title}
		for _, r := range s.Rows {
			section.Rows = append(section.Rows, whatsapp.InteractiveRow{ID: r.ID, Title: r.Title, Description: r.Description})
		}
		interactive.Action.Sections = append(interactive.Action.Sections, section)
	}
	return whatsapp.OutboundMessage{MessagingProduct: whatsapp.MessagingProduct, RecipientType: whatsapp.RecipientIndividual,
		Type: whatsapp.MessageTypeInteractive, Interactive: interactive}
}

// interactiveHeader is the header of a reply-button message: text when there is any, the media object
// the outbox fills with the uploaded file for a media header, nil otherwise.
func interactiveHeader(format, text, filename string) *whatsapp.InteractiveHeader {
	switch format {
	case HeaderText:
		if text == "" {
			return nil
		}
		return &whatsapp.InteractiveHeader{Type: "text", Text: text}
	case HeaderImage:
		return &whatsapp.InteractiveHeader{Type: "image", Image: &whatsapp.OutboundMedia{}}
	case HeaderVideo:
		return &whatsapp.InteractiveHeader{Type: "video", Video: &whatsapp.OutboundMedia{}}
	case HeaderDocument:
		return &whatsapp.InteractiveHeader{Type: "document", Document: &whatsapp.OutboundMedia{Filename: filename}}
	}
	return nil
}

// validateWithoutRecipient applies the wire rules to a message whose recipient is filled in at sending.
func validateWithoutRecipient(m whatsapp.OutboundMessage) error {
	m.To = "0"
	return m.Validate()
}

// Attachment is the content of a message carrying a stored file: WhatsApp's media type is chosen from
// the file's MIME type, and only documents keep their name.
func Attachment(fileID int64, filename, mimeType string) Content {
	kind := MediaKind(mimeType)
	media := whatsapp.OutboundMedia{}
	if kind == whatsapp.MessageTypeDocument {
		media.Filename = filename
	}
	message := whatsapp.OutboundMessage{MessagingProduct: whatsapp.MessagingProduct, RecipientType: whatsapp.RecipientIndividual, Type: kind}
	switch kind {
	case whatsapp.MessageTypeImage:
		message.Image = &media
	case whatsapp.MessageTypeVideo:
		message.Video = &media
	case whatsapp.MessageTypeAudio:
		message.Audio = &media
	default:
		message.Document = &media
	}
	return Content{Message: message, FileID: fileID}
}

// MediaKind is the WhatsApp media type a file of mimeType is sent as: the types WhatsApp shows inline
// as image, video or audio; anything else as a document.
func MediaKind(mimeType string) string {
	switch strings.ToLower(mimeType) {
	case "image/jpeg", "image/png":
		return whatsapp.MessageTypeImage
	case "video/mp4", "video/3gpp":
		return whatsapp.MessageTypeVideo
	case "audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg":
		return whatsapp.MessageTypeAudio
	}
	return whatsapp.MessageTypeDocument
}

// HeaderFormatFor is the media header format a file of mimeType suits; a notification or reply-button
// header accepts only files of its own format.
func HeaderFormatFor(mimeType string) string {
	switch MediaKind(mimeType) {
	case whatsapp.MessageTypeImage:
		return HeaderImage
	case whatsapp.MessageTypeVideo:
		return HeaderVideo
	case whatsapp.MessageTypeAudio:
		return ""
	}
	return HeaderDocument
}
