package whatsapp

// Template management: a message template must be registered with WhatsApp (POST
// /{version}/{waba-id}/message_templates) before a message may use it. These types are that endpoint's
// JSON, in the upper-case spelling Meta uses there (the send endpoint spells the same ideas in lower case).

// Template categories.
const (
	TemplateCategoryUtility        = "UTILITY"
	TemplateCategoryMarketing      = "MARKETING"
	TemplateCategoryAuthentication = "AUTHENTICATION"
)

// Template definition component types, header formats and button types.
const (
	DefinitionHeader  = "HEADER"
	DefinitionBody    = "BODY"
	DefinitionFooter  = "FOOTER"
	DefinitionButtons = "BUTTONS"

	HeaderFormatText     = "TEXT"
	HeaderFormatImage    = "IMAGE"
	HeaderFormatVideo    = "VIDEO"
	HeaderFormatDocument = "DOCUMENT"

	DefinitionButtonQuickReply  = "QUICK_REPLY"
	DefinitionButtonPhoneNumber = "PHONE_NUMBER"
	DefinitionButtonURL         = "URL"
)

// Template review states WhatsApp reports.
const (
	TemplateStatusApproved = "APPROVED"
	TemplateStatusPending  = "PENDING"
	TemplateStatusRejected = "REJECTED"
)

// TemplateDefinition is a message template as WhatsApp Manager stores it: the body of a create request,
// and one element of the list endpoint's "data".
type TemplateDefinition struct {
	ID         string                        `json:"id,omitempty"`
	Name       string                        `json:"name"`
	Language   string                        `json:"language"`
	Category   string                        `json:"category"`
	Status     string                        `json:"status,omitempty"`
	Components []TemplateDefinitionComponent `json:"components"`
}

// TemplateDefinitionComponent is the header, body, footer or button row of a template definition.
type TemplateDefinitionComponent struct {
	Type    string                     `json:"type"`
	Format  string                     `json:"format,omitempty"`
	Text    string                     `json:"text,omitempty"`
	Example *TemplateExample           `json:"example,omitempty"`
	Buttons []TemplateDefinitionButton `json:"buttons,omitempty"`
}

// TemplateExample gives WhatsApp's reviewers sample values for the variables of a component.
type TemplateExample struct {
	HeaderText   []string   `json:"header_text,omitempty"`
	BodyText     [][]string `json:"body_text,omitempty"`
	HeaderHandle []string   `json:"header_handle,omitempty"`
}

// TemplateDefinitionButton is one button of a template: a quick reply, a phone number to call, or a
// website whose URL may end in a {{1}} variable (then Example holds a sample full URL).
type TemplateDefinitionButton struct {
	Type        string   `json:"type"`
	Text        string   `json:"text"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	URL         string   `json:"url,omitempty"`
	Example     []string `json:"example,omitempty"`
}

// TemplateStatusReport is WhatsApp's answer to creating or editing a template.
type TemplateStatusReport struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Category string `json:"category"`
	Success  bool   `json:"success,omitempty"`
}

// MediaSlot returns the one media object of a message that an uploaded media id goes into: the media of
// an image, video, document, audio or sticker message, the media parameter of a template header, or the
// media of an interactive header. It is nil when the message has none.
func (m *OutboundMessage) MediaSlot() *OutboundMedia {
	switch m.Type {
	case MessageTypeTemplate:
		if m.Template == nil {
			return nil
		}
		for i := range m.Template.Components {
			component := &m.Template.Components[i]
			if component.Type != ComponentHeader || len(component.Parameters) == 0 {
				continue
			}
			parameter := &component.Parameters[0]
			switch {
			case parameter.Image != nil:
				return parameter.Image
			case parameter.Video != nil:
				return parameter.Video
			case parameter.Document != nil:
				return parameter.Document
			}
		}
		return nil
	case MessageTypeInteractive:
		if m.Interactive == nil || m.Interactive.Header == nil {
			return nil
		}
		header := m.Interactive.Header
		switch {
		case header.Image != nil:
			return header.Image
		case header.Video != nil:
			return header.Video
		case header.Document != nil:
			return header.Document
		}
		return nil
	}
	return m.media()
}
