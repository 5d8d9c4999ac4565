package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
)

// The wire* types mirror the sub-objects of an inbound message exactly as Meta sends them. Pointers mark
// the fields whose absence makes a message meaningless, so absence and zero can be told apart.

type wireContext struct {
	From                string `json:"from"`
	ID                  string `json:"id"`
	Forwarded           bool   `json:"forwarded"`
	FrequentlyForwarded bool   `json:"frequently_forwarded"`
}

type wireText struct {
	Body *string `json:"body"`
}

type wireMedia struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Filename string `json:"filename"`
	Caption  string `json:"caption"`
	Voice    bool   `json:"voice"`
	Animated bool   `json:"animated"`
}

type wireLocation struct {
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	Name      string   `json:"name"`
	Address   string   `json:"address"`
	URL       string   `json:"url"`
}

type wireSharedContact struct {
	Name struct {
		FormattedName string `json:"formatted_name"`
		FirstName     string `json:"first_name"`
		LastName      string `json:"last_name"`
	} `json:"name"`
	Phones []struct {
		Phone string `json:"phone"`
		WAID  string `json:"wa_id"`
		Type  string `json:"type"`
	} `json:"phones"`
	Emails []struct {
		Email string `json:"email"`
		Type  string `json:"type"`
	} `json:"emails"`
	Addresses []struct {
		Street      string `json:"street"`
		City        string `json:"city"`
		State       string `json:"state"`
		Zip         string `json:"zip"`
		Country     string `json:"country"`
		CountryCode string `json:"country_code"`
		Type        string `json:"type"`
	} `json:"addresses"`
	Org struct {
		Company    string `json:"company"`
		Department string `json:"department"`
		Title      string `json:"title"`
	} `json:"org"`
	URLs []struct {
		URL  string `json:"url"`
		Type string `json:"type"`
	} `json:"urls"`
	Birthday string `json:"birthday"`
}

type wireReply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type wireInteractive struct {
	Type        string     `json:"type"`
	ButtonReply *wireReply `json:"button_reply"`
	ListReply   *wireReply `json:"list_reply"`
}

type wireButton struct {
	Payload *string `json:"payload"`
	Text    *string `json:"text"`
}

type wireReaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

type wireSystem struct {
	Body    string         `json:"body"`
	Type    string         `json:"type"`
	WAID    flexibleString `json:"wa_id"`
	NewWAID flexibleString `json:"new_wa_id"`
}

type wireOrder struct {
	CatalogID    string `json:"catalog_id"`
	Text         string `json:"text"`
	ProductItems []struct {
		ProductRetailerID string  `json:"product_retailer_id"`
		Quantity          int     `json:"quantity"`
		ItemPrice         float64 `json:"item_price"`
		Currency          string  `json:"currency"`
	} `json:"product_items"`
}

// flexibleString accepts a JSON string or number: older API versions sent some WhatsApp ids as numbers.
type flexibleString string

// UnmarshalJSON accepts a string, a number or null.
func (s *flexibleString) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var text string
	if err := json.Unmarshal(data, &text); err == nil {
		*s = flexibleString(text)
		return nil
	}
	var number json.Number
	if err := json.Unmarshal(data, &number); err != nil {
		return errors.New("not a string or number")
	}
	*s = flexibleString(number.String())
	return nil
}

// parseMessage turns one element of value.messages into an InboundMessage. The error says what is wrong
// with the item; it becomes the quarantine reason.
func parseMessage(raw json.RawMessage, metadata webhookMetadata, profiles map[string]string) (InboundMessage, error) {
	fields, err := decodeObject(raw)
	if err != nil {
		return InboundMessage{}, err
	}
	message := InboundMessage{
		PhoneNumberID:      metadata.PhoneNumberID,
		DisplayPhoneNumber: metadata.DisplayPhoneNumber,
		Raw:                raw,
	}
	if err := requireString(fields, "id", &message.WAMID); err != nil {
		return InboundMessage{}, err
	}
	if err := requireString(fields, "from", &message.From); err != nil {
		return InboundMessage{}, err
	}
	if message.Timestamp, err = parseTimestamp(fields); err != nil {
		return InboundMessage{}, err
	}
	if err := requireString(fields, "type", &message.Type); err != nil {
		return InboundMessage{}, err
	}
	message.ProfileName = profiles[message.From]

	if raw, ok := fields["context"]; ok && !isNull(raw) {
		var context wireContext
		if err := decodeStrictObject(raw, &context); err != nil {
			return InboundMessage{}, fmt.Errorf("context: %s", describeDecodeError(err))
		}
		message.Context = &Context{
			From:                context.From,
			MessageID:           context.ID,
			Forwarded:           context.Forwarded,
			FrequentlyForwarded: context.FrequentlyForwarded,
		}
	}
	var wireErrors []wireError
	if err := decodeField(fields, "errors", &wireErrors); err != nil {
		return InboundMessage{}, fmt.Errorf("errors: %s", describeDecodeError(err))
	}
	message.Errors = toErrors(wireErrors)

	if err := parseContent(fields, &message); err != nil {
		return InboundMessage{}, err
	}
	return message, nil
}

// parseContent fills the part of message that depends on its type. Unknown types need no content: they
// are shown to the agent as unsupported, with Raw kept for later.
func parseContent(fields map[string]json.RawMessage, message *InboundMessage) error {
	switch message.Type {
	case MessageTypeText:
		var text wireText
		if err := requireObject(fields, "text", &text); err != nil {
			return err
		}
		if text.Body == nil {
			return errors.New("text: body missing")
		}
		message.Text = *text.Body

	case MessageTypeImage, MessageTypeAudio, MessageTypeVideo, MessageTypeDocument, MessageTypeSticker:
		var media wireMedia
		if err := requireObject(fields, message.Type, &media); err != nil {
			return err
		}
		if media.ID == "" {
			return fmt.Errorf("%s: id missing", message.Type)
		}
		message.Media = &Media{
			ID:       media.ID,
			MimeType: media.MimeType,
			SHA256:   media.SHA256,
			Filename: media.Filename,
			Caption:  media.Caption,
			Voice:    media.Voice,
			Animated: media.Animated,
		}

	case MessageTypeLocation:
		var location wireLocation
		if err := requireObject(fields, "location", &location); err != nil {
			return err
		}
		if location.Latitude == nil || location.Longitude == nil {
			return errors.New("location: latitude or longitude missing")
		}
		if *location.Latitude < -90 || *location.Latitude > 90 || *location.Longitude < -180 || *location.Longitude > 180 {
			return errors.New("location: latitude or longitude out of range")
		}
		message.Location = &Location{
			Latitude:  *location.Latitude,
			Longitude: *location.Longitude,
			Name:      location.Name,
			Address:   location.Address,
			URL:       location.URL,
		}

	case MessageTypeContacts:
		var contacts []wireSharedContact
		if err := decodeField(fields, "contacts", &contacts); err != nil {
			return fmt.Errorf("contacts: %s", describeDecodeError(err))
		}
		if len(contacts) == 0 {
			return errors.New("contacts: missing")
		}
		message.Contacts = toSharedContacts(contacts)

	case MessageTypeInteractive:
		var interactive wireInteractive
		if err := requireObject(fields, "interactive", &interactive); err != nil {
			return err
		}
		reply, err := interactiveReply(interactive)
		if err != nil {
			return err
		}
		message.Reply = reply

	case MessageTypeButton:
		var button wireButton
		if err := requireObject(fields, "button", &button); err != nil {
			return err
		}
		if button.Payload == nil && button.Text == nil {
			return errors.New("button: text and payload missing")
		}
		message.Button = &Button{}
		if button.Payload != nil {
			message.Button.Payload = *button.Payload
		}
		if button.Text != nil {
			message.Button.Text = *button.Text
		}

	case MessageTypeReaction:
		var reaction wireReaction
		if err := requireObject(fields, "reaction", &reaction); err != nil {
			return err
		}
		if reaction.MessageID == "" {
			return errors.New("reaction: message_id missing")
		}
		message.Reaction = &Reaction{MessageID: reaction.MessageID, Emoji: reaction.Emoji}

	case MessageTypeSystem:
		var system wireSystem
		if err := requireObject(fields, "system", &system); err != nil {
			return err
		}
		message.System = &System{
			Body:    system.Body,
			Type:    system.Type,
			WAID:    string(system.WAID),
			NewWAID: string(system.NewWAID),
		}

	case MessageTypeOrder:
		var order wireOrder
		if err := requireObject(fields, "order", &order); err != nil {
			return err
		}
		message.Order = &Order{CatalogID: order.CatalogID, Text: order.Text}
		for _, item := range order.ProductItems {
			message.Order.Items = append(message.Order.Items, OrderItem{
				ProductRetailerID: item.ProductRetailerID,
				Quantity:          item.Quantity,
				ItemPrice:         item.ItemPrice,
				Currency:          item.Currency,
			})
		}
	}
	return nil
}

// interactiveReply picks the reply object that interactive.type names, falling back to whichever one is
// present, because the type field is informational and the object is what carries the answer.
func interactiveReply(interactive wireInteractive) (*Reply, error) {
	kind, reply := interactive.Type, (*wireReply)(nil)
	switch {
	case kind == ReplyKindButton && interactive.ButtonReply != nil:
		reply = interactive.ButtonReply
	case kind == ReplyKindList && interactive.ListReply != nil:
		reply = interactive.ListReply
	case interactive.ButtonReply != nil:
		kind, reply = ReplyKindButton, interactive.ButtonReply
	case interactive.ListReply != nil:
		kind, reply = ReplyKindList, interactive.ListReply
	default:
		return nil, fmt.Errorf("interactive: no button_reply or list_reply (type %q)", interactive.Type)
	}
	if reply.ID == "" {
		return nil, fmt.Errorf("interactive: %s id missing", kind)
	}
	return &Reply{Kind: kind, ID: reply.ID, Title: reply.Title, Description: reply.Description}, nil
}

func toSharedContacts(wire []wireSharedContact) []SharedContact {
	contacts := make([]SharedContact, 0, len(wire))
	for _, card := range wire {
		contact := SharedContact{
			Name: ContactName{
				FormattedName: card.Name.FormattedName,
				FirstName:     card.Name.FirstName,
				LastName:      card.Name.LastName,
			},
			Org: ContactOrg{
				Company:    card.Org.Company,
				Department: card.Org.Department,
				Title:      card.Org.Title,
			},
			Birthday: card.Birthday,
		}
		for _, phone := range card.Phones {
			contact.Phones = append(contact.Phones, ContactPhone{Phone: phone.Phone, WAID: phone.WAID, Type: phone.Type})
		}
		for _, email := range card.Emails {
			contact.Emails = append(contact.Emails, ContactEmail{Email: email.Email, Type: email.Type})
		}
		for _, address := range card.Addresses {
			contact.Addresses = append(contact.Addresses, ContactAddress{
				Street:      address.Street,
				City:        address.City,
				State:       address.State,
				Zip:         address.Zip,
				Country:     address.Country,
				CountryCode: address.CountryCode,
				Type:        address.Type,
			})
		}
		for _, link := range card.URLs {
			contact.URLs = append(contact.URLs, ContactURL{URL: link.URL, Type: link.Type})
		}
		contacts = append(contacts, contact)
	}
	return contacts
}
