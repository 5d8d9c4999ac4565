package simulator

import (
	"encoding/json"
	"fmt"
)

// This file holds the simulator's own copy of Meta's wire format, written from the
// Cloud API reference rather than shared with internal/whatsapp: if the product
// misreads the format, the two copies disagree and tests notice.

// sendRequest is the body the business posts to /{version}/{phone_number_id}/messages.
// Pointers tell "absent" from "empty", which Meta's validation distinguishes.
type sendRequest struct {
	MessagingProduct string               `json:"messaging_product"`
	RecipientType    string               `json:"recipient_type,omitempty"`
	To               *string              `json:"to"`
	Type             string               `json:"type"`
	Context          *sendContext         `json:"context,omitempty"`
	Text             *sendText            `json:"text,omitempty"`
	Image            *sendMedia           `json:"image,omitempty"`
	Audio            *sendMedia           `json:"audio,omitempty"`
	Video            *sendMedia           `json:"video,omitempty"`
	Document         *sendMedia           `json:"document,omitempty"`
	Sticker          *sendMedia           `json:"sticker,omitempty"`
	Location         *sendLocation        `json:"location,omitempty"`
	Contacts         []sendContactCard    `json:"contacts,omitempty"`
	Reaction         *sendReaction        `json:"reaction,omitempty"`
	Template         *sendTemplate        `json:"template,omitempty"`
	Interactive      *sendInteractive     `json:"interactive,omitempty"`
	Status           string               `json:"status,omitempty"`
	MessageID        string               `json:"message_id,omitempty"`
	TypingIndicator  *sendTypingIndicator `json:"typing_indicator,omitempty"`
	// BizOpaqueCallbackData is echoed back in every status webhook of the message.
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type sendContext struct {
	MessageID string `json:"message_id"`
}

type sendText struct {
	Body       *string `json:"body"`
	PreviewURL bool    `json:"preview_url,omitempty"`
}

type sendMedia struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

type sendLocation struct {
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	Name      string   `json:"name,omitempty"`
	Address   string   `json:"address,omitempty"`
}

type sendContactCard struct {
	Name *struct {
		FormattedName string `json:"formatted_name"`
	} `json:"name"`
	Phones []struct {
		Phone string `json:"phone"`
	} `json:"phones,omitempty"`
}

type sendReaction struct {
	MessageID string  `json:"message_id"`
	Emoji     *string `json:"emoji"`
}

type sendTemplate struct {
	Name     string `json:"name"`
	Language *struct {
		Code   string `json:"code"`
		Policy string `json:"policy,omitempty"`
	} `json:"language"`
	Components []sendTemplateComponent `json:"components,omitempty"`
}

type sendTemplateComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type,omitempty"`
	Index      json.RawMessage     `json:"index,omitempty"`
	Parameters []sendTemplateParam `json:"parameters,omitempty"`
}

type sendTemplateParam struct {
	Type     string     `json:"type"`
	Text     string     `json:"text,omitempty"`
	Payload  string     `json:"payload,omitempty"`
	Image    *sendMedia `json:"image,omitempty"`
	Document *sendMedia `json:"document,omitempty"`
	Video    *sendMedia `json:"video,omitempty"`
	Currency *struct {
		FallbackValue string `json:"fallback_value"`
	} `json:"currency,omitempty"`
	DateTime *struct {
		FallbackValue string `json:"fallback_value"`
	} `json:"date_time,omitempty"`
}

type sendInteractive struct {
	Type   string                 `json:"type"`
	Header *sendInteractiveHeader `json:"header,omitempty"`
	Body   *sendInteractiveText   `json:"body,omitempty"`
	Footer *sendInteractiveText   `json:"footer,omitempty"`
	Action *sendInteractiveAction `json:"action,omitempty"`
}

type sendInteractiveHeader struct {
	Type     string     `json:"type"`
	Text     string     `json:"text,omitempty"`
	Image    *sendMedia `json:"image,omitempty"`
	Video    *sendMedia `json:"video,omitempty"`
	Document *sendMedia `json:"document,omitempty"`
}

type sendInteractiveText struct {
	Text string `json:"text"`
}

type sendInteractiveAction struct {
	Button     string            `json:"button,omitempty"`
	Buttons    []sendReplyButton `json:"buttons,omitempty"`
	Sections   []sendListSection `json:"sections,omitempty"`
	Name       string            `json:"name,omitempty"`
	Parameters json.RawMessage   `json:"parameters,omitempty"`
}

type sendReplyButton struct {
	Type  string `json:"type"`
	Reply *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"reply"`
}

type sendListSection struct {
	Title string        `json:"title,omitempty"`
	Rows  []sendListRow `json:"rows"`
}

type sendListRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type sendTypingIndicator struct {
	Type string `json:"type"`
}

// sendResponse is Meta's answer to an accepted send.
type sendResponse struct {
	MessagingProduct string                `json:"messaging_product"`
	Contacts         []sendResponseContact `json:"contacts"`
	Messages         []sendResponseMessage `json:"messages"`
}

type sendResponseContact struct {
	Input string `json:"input"`
	WAID  string `json:"wa_id"`
}

type sendResponseMessage struct {
	ID            string `json:"id"`
	MessageStatus string `json:"message_status,omitempty"`
}

// graphErrorEnvelope is the Graph API error body shared by every failed request.
type graphErrorEnvelope struct {
	Error graphError `json:"error"`
}

type graphError struct {
	Message      string          `json:"message"`
	Type         string          `json:"type"`
	Code         int             `json:"code"`
	ErrorSubcode int             `json:"error_subcode,omitempty"`
	IsTransient  *bool           `json:"is_transient,omitempty"`
	ErrorData    *graphErrorData `json:"error_data,omitempty"`
	FBTraceID    string          `json:"fbtrace_id"`
}

type graphErrorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

// webhookEnvelope is the body of every webhook Meta posts for the WhatsApp product.
type webhookEnvelope struct {
	Object string         `json:"object"`
	Entry  []webhookEntry `json:"entry"`
}

type webhookEntry struct {
	ID      string          `json:"id"`
	Changes []webhookChange `json:"changes"`
}

type webhookChange struct {
	Value webhookValue `json:"value"`
	Field string       `json:"field"`
}

type webhookValue struct {
	MessagingProduct string           `json:"messaging_product"`
	Metadata         webhookMetadata  `json:"metadata"`
	Contacts         []webhookContact `json:"contacts,omitempty"`
	Messages         []webhookMessage `json:"messages,omitempty"`
	Statuses         []webhookStatus  `json:"statuses,omitempty"`
}

type webhookMetadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type webhookContact struct {
	Profile webhookProfile `json:"profile"`
	WAID    string         `json:"wa_id"`
}

type webhookProfile struct {
	Name string `json:"name"`
}

// webhookMessage is one inbound message. Meta nests the type-specific object under a
// key named after the type ("text": {...}, "image": {...}), so it is kept raw and
// placed by MarshalJSON; that keeps every kind of message on one code path.
type webhookMessage struct {
	From      string
	ID        string
	Timestamp string
	Type      string
	Context   *webhookContext
	Payload   json.RawMessage
}

type webhookContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

// MarshalJSON writes the message in Meta's shape, with the payload under its type's key.
func (m webhookMessage) MarshalJSON() ([]byte, error) {
	fields := map[string]any{
		"from":      m.From,
		"id":        m.ID,
		"timestamp": m.Timestamp,
		"type":      m.Type,
	}
	if m.Context != nil {
		fields["context"] = m.Context
	}
	if len(m.Payload) > 0 {
		if m.Type == "type" || m.Type == "from" || m.Type == "id" || m.Type == "timestamp" || m.Type == "context" {
			return nil, fmt.Errorf("simulator: message type %q collides with a message field", m.Type)
		}
		fields[m.Type] = m.Payload
	}
	return json.Marshal(fields)
}

type webhookStatus struct {
	ID           string               `json:"id"`
	Status       string               `json:"status"`
	Timestamp    string               `json:"timestamp"`
	RecipientID  string               `json:"recipient_id"`
	Conversation *webhookConversation `json:"conversation,omitempty"`
	Pricing      *webhookPricing      `json:"pricing,omitempty"`
	Errors       []webhookStatusError `json:"errors,omitempty"`

	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type webhookConversation struct {
	ID                  string                    `json:"id"`
	ExpirationTimestamp string                    `json:"expiration_timestamp,omitempty"`
	Origin              webhookConversationOrigin `json:"origin"`
}

type webhookConversationOrigin struct {
	Type string `json:"type"`
}

type webhookPricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Category     string `json:"category"`
}

type webhookStatusError struct {
	Code      int                    `json:"code"`
	Title     string                 `json:"title"`
	Message   string                 `json:"message"`
	ErrorData webhookStatusErrorData `json:"error_data"`
	Href      string                 `json:"href"`
}

type webhookStatusErrorData struct {
	Details string `json:"details"`
}

// templateStatusWebhook is the body Meta posts when a template's status changes (field
// "message_template_status_update" of the WhatsApp Business Account).
type templateStatusWebhook struct {
	Object string                `json:"object"`
	Entry  []templateStatusEntry `json:"entry"`
}

type templateStatusEntry struct {
	ID      string                 `json:"id"`
	Time    int64                  `json:"time"`
	Changes []templateStatusChange `json:"changes"`
}

type templateStatusChange struct {
	Value templateStatusValue `json:"value"`
	Field string              `json:"field"`
}

type templateStatusValue struct {
	Event                   string              `json:"event"`
	MessageTemplateID       json.Number         `json:"message_template_id"`
	MessageTemplateName     string              `json:"message_template_name"`
	MessageTemplateLanguage string              `json:"message_template_language"`
	Reason                  string              `json:"reason"`
	MessageTemplateCategory string              `json:"message_template_category,omitempty"`
	OtherInfo               *templateStatusInfo `json:"other_info,omitempty"`
}

type templateStatusInfo struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}
