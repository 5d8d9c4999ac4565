package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

var (
	errUnknownNumber        = errors.New("unknown business phone number id")
	errUnknownQuotedMessage = errors.New("quoted message not found in this chat")
	errClosed               = errors.New("simulator is closed")
)

// customerMessageInput is one message the customer sends, in the generic form every
// kind shares: Meta's type name plus the object Meta nests under it.
type customerMessageInput struct {
	WAID string
	// Name is the profile name sent with the message; empty keeps the known one.
	Name string
	// PhoneNumberID is the business number written to; empty means the customer's
	// usual one, or the first configured.
	PhoneNumberID string
	Kind          string
	Payload       json.RawMessage
	// Timestamp is when the customer's phone says the message was sent; zero means now.
	// Tests set it to simulate delayed or out-of-order origination.
	Timestamp time.Time
	// ReplyTo is the wamid of the message being quoted, if any.
	ReplyTo string
}

// textInput is the common case: a plain text message.
func textInput(waID, name, phoneNumberID, text string) customerMessageInput {
	payload, _ := json.Marshal(map[string]string{"body": text})
	return customerMessageInput{WAID: waID, Name: name, PhoneNumberID: phoneNumberID, Kind: "text", Payload: payload}
}

// summarizeCustomerPayload is the plain-text line for a customer message.
func summarizeCustomerPayload(kind string, payload json.RawMessage) string {
	var fields struct {
		Body        string   `json:"body"`
		Caption     string   `json:"caption"`
		Emoji       string   `json:"emoji"`
		Text        string   `json:"text"`
		Name        string   `json:"name"`
		Address     string   `json:"address"`
		Latitude    *float64 `json:"latitude"`
		Longitude   *float64 `json:"longitude"`
		ButtonReply *struct {
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			Title string `json:"title"`
		} `json:"list_reply"`
	}
	_ = json.Unmarshal(payload, &fields)
	switch {
	case kind == "location":
		line := strings.TrimSpace(fields.Name + " " + fields.Address)
		if line == "" && fields.Latitude != nil && fields.Longitude != nil {
			line = fmt.Sprintf("%.5f, %.5f", *fields.Latitude, *fields.Longitude)
		}
		return "📍 " + line
	case kind == "contacts":
		var cards []struct {
			Name struct {
				FormattedName string `json:"formatted_name"`
			} `json:"name"`
		}
		_ = json.Unmarshal(payload, &cards)
		var names []string
		for _, c := range cards {
			names = append(names, c.Name.FormattedName)
		}
		return "👤 " + strings.Join(names, ", ")
	case kind == "text":
		return fields.Body
	case kind == "interactive" && fields.ButtonReply != nil:
		return fields.ButtonReply.Title
	case kind == "interactive" && fields.ListReply != nil:
		return fields.ListReply.Title
	case kind == "reaction":
		return fields.Emoji
	case kind == "button":
		return fields.Text
	case fields.Caption != "":
		return "[" + kind + "] " + fields.Caption
	}
	return "[" + kind + "]"
}

// receiveFromCustomer records a customer's message and queues its webhook to the
// product. The returned channel reports how delivery of that webhook ended.
func (s *Simulator) receiveFromCustomer(input customerMessageInput) (message, <-chan webhookResult, error) {
	now := time.Now()
	sentAt := input.Timestamp
	if sentAt.IsZero() {
		sentAt = now
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.closed {
		return message{}, nil, errClosed
	}
	phoneNumberID := input.PhoneNumberID
	if phoneNumberID == "" {
		if known, ok := s.state.customers[input.WAID]; ok && known.PhoneNumberID != "" {
			phoneNumberID = known.PhoneNumberID
		} else if first, ok := s.defaultNumber(); ok {
			phoneNumberID = first.PhoneNumberID
		}
	}
	number, ok := s.number(phoneNumberID)
	if !ok {
		return message{}, nil, fmt.Errorf("simulator: receive from %s: %w: %q", input.WAID, errUnknownNumber, phoneNumberID)
	}

	var quoted *webhookContext
	if input.ReplyTo != "" {
		original, ok := s.state.byWAMID[input.ReplyTo]
		if !ok || original.WAID != input.WAID || original.PhoneNumberID != number.PhoneNumberID {
			return message{}, nil, fmt.Errorf("simulator: receive from %s: %w: %q", input.WAID, errUnknownQuotedMessage, input.ReplyTo)
		}
		// context.from is whoever wrote the quoted message.
		from := input.WAID
		if original.Direction == directionToCustomer {
			from = digitsOnly(number.DisplayNumber)
		}
		quoted = &webhookContext{From: from, ID: original.WAMID}
	}

	person := s.state.ensureCustomer(input.WAID, input.Name, number.PhoneNumberID, now)
	wamid := newWAMID(input.WAID)
	body, err := envelope(webhookValue{
		MessagingProduct: "whatsapp",
		Metadata:         metadata(number),
		Contacts:         []webhookContact{{Profile: webhookProfile{Name: person.displayName()}, WAID: input.WAID}},
		Messages: []webhookMessage{{
			From:      input.WAID,
			ID:        wamid,
			Timestamp: unixString(sentAt),
			Type:      input.Kind,
			Context:   quoted,
			Payload:   input.Payload,
		}},
	})
	if err != nil {
		return message{}, nil, fmt.Errorf("simulator: receive from %s: %w", input.WAID, err)
	}

	key := conversationKey{waID: input.WAID, phoneNumberID: number.PhoneNumberID}
	if sentAt.After(s.state.lastInbound[key]) {
		s.state.lastInbound[key] = sentAt
	}
	stored := s.state.addMessage(message{
		WAMID:         wamid,
		WAID:          input.WAID,
		PhoneNumberID: number.PhoneNumberID,
		Direction:     directionFromCustomer,
		Kind:          input.Kind,
		Text:          summarizeCustomerPayload(input.Kind, input.Payload),
		Payload:       append(json.RawMessage(nil), input.Payload...),
		ReplyTo:       input.ReplyTo,
		Timestamp:     sentAt,
	})
	s.publishLocked(*stored)

	result := make(chan webhookResult, 1)
	s.enqueueWebhookLocked(input.WAID, webhookJob{body: body, description: "message " + wamid, result: result})
	return *stored, result, nil
}
