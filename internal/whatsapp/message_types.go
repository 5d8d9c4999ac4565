package whatsapp

import (
	"encoding/json"
	"time"
)

// Message types carried in the "type" field of a message (template is outbound only). Meta adds inbound
// types over time, so an inbound type outside this list is kept as-is rather than rejected.
const (
	MessageTypeText        = "text"
	MessageTypeImage       = "image"
	MessageTypeAudio       = "audio"
	MessageTypeVideo       = "video"
	MessageTypeDocument    = "document"
	MessageTypeSticker     = "sticker"
	MessageTypeLocation    = "location"
	MessageTypeContacts    = "contacts"
	MessageTypeInteractive = "interactive"
	MessageTypeButton      = "button"
	MessageTypeReaction    = "reaction"
	MessageTypeUnsupported = "unsupported"
	MessageTypeSystem      = "system"
	MessageTypeOrder       = "order"
	MessageTypeTemplate    = "template"
)

// Delivery states reported in status webhooks for messages the business sent.
const (
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
	StatusDeleted   = "deleted"
	StatusWarning   = "warning"
)

// Kinds of answer a customer can give to an interactive message.
const (
	ReplyKindButton = "button_reply"
	ReplyKindList   = "list_reply"
)

// ErrorCodeUnsupportedMessage is the code Meta puts on messages whose type the Cloud API cannot deliver
// to a business (for example polls or view-once media).
const ErrorCodeUnsupportedMessage = 131051

// Batch is everything one webhook delivery carried. Items that could not be understood are kept in
// Malformed with their raw JSON, so the caller can quarantine them instead of losing them.
type Batch struct {
	Messages []InboundMessage
	Statuses []StatusUpdate
	Errors   []ValueError
	// TemplateStatuses is WhatsApp's news about the account's message templates.
	TemplateStatuses []TemplateStatusChange
	Malformed        []MalformedItem
}

// MalformedItem is a piece of a webhook that could not be understood, with the reason why.
type MalformedItem struct {
	Raw    json.RawMessage
	Reason string
}

// InboundMessage is one message a customer sent to one of the business phone numbers.
type InboundMessage struct {
	// WAMID is the WhatsApp message id; it is the key for de-duplicating redelivered webhooks.
	WAMID string
	// PhoneNumberID and DisplayPhoneNumber identify the business number the message was sent to.
	PhoneNumberID      string
	DisplayPhoneNumber string
	// From is the customer's WhatsApp id (wa_id).
	From string
	// ProfileName is the customer's WhatsApp profile name, or "" when the webhook did not include one.
	ProfileName string
	// Timestamp is when the customer sent the message, in UTC, with one-second precision.
	Timestamp time.Time
	// Type is one of the MessageType constants or a type this package does not know yet.
	Type     string
	Text     string
	Media    *Media
	Location *Location
	Contacts []SharedContact
	Reply    *Reply
	Button   *Button
	Reaction *Reaction
	Context  *Context
	System   *System
	Order    *Order
	Errors   []Error
	Raw      json.RawMessage
}

// Media describes an image, audio, video, document or sticker the customer sent. The bytes themselves
// must be fetched separately with the media ID.
type Media struct {
	ID       string
	MimeType string
	SHA256   string
	Filename string
	Caption  string
	// Voice is true for audio recorded as a voice note rather than sent as a file.
	Voice bool
	// Animated is true for animated stickers.
	Animated bool
}

// Location is a point on the map the customer shared; Name, Address and URL are set only for places.
type Location struct {
	Latitude  float64
	Longitude float64
	Name      string
	Address   string
	URL       string
}

// SharedContact is one contact card the customer shared.
type SharedContact struct {
	Name      ContactName
	Phones    []ContactPhone
	Emails    []ContactEmail
	Addresses []ContactAddress
	Org       ContactOrg
	URLs      []ContactURL
	Birthday  string
}

// ContactName is the name on a shared contact card.
type ContactName struct {
	FormattedName string
	FirstName     string
	LastName      string
}

// ContactPhone is a phone number on a shared contact card; WAID is set when the number is on WhatsApp.
type ContactPhone struct {
	Phone string
	WAID  string
	Type  string
}

// ContactEmail is an email address on a shared contact card.
type ContactEmail struct {
	Email string
	Type  string
}

// ContactAddress is a postal address on a shared contact card.
type ContactAddress struct {
	Street      string
	City        string
	State       string
	Zip         string
	Country     string
	CountryCode string
	Type        string
}

// ContactOrg is the organisation on a shared contact card.
type ContactOrg struct {
	Company    string
	Department string
	Title      string
}

// ContactURL is a web address on a shared contact card.
type ContactURL struct {
	URL  string
	Type string
}

// Reply is the customer's answer to an interactive button or list message.
type Reply struct {
	// Kind is ReplyKindButton or ReplyKindList.
	Kind        string
	ID          string
	Title       string
	Description string
}

// Button is the customer's tap on a quick-reply button of a template message.
type Button struct {
	Payload string
	Text    string
}

// Reaction is an emoji reaction to an earlier message. An empty Emoji means the customer removed
// their reaction.
type Reaction struct {
	MessageID string
	Emoji     string
}

// Context links a message to the message it quotes, or marks it as forwarded.
type Context struct {
	From                string
	MessageID           string
	Forwarded           bool
	FrequentlyForwarded bool
}

// System is a notice WhatsApp generates about the customer, such as a change of phone number.
type System struct {
	Body string
	// Type is for example "user_changed_number", "customer_changed_number" or "customer_identity_changed".
	Type string
	// WAID is the customer's WhatsApp id after the change; older API versions sent it as NewWAID instead.
	WAID    string
	NewWAID string
}

// Order is a cart the customer sent from the business catalog.
type Order struct {
	CatalogID string
	Text      string
	Items     []OrderItem
}

// OrderItem is one line of an Order.
type OrderItem struct {
	ProductRetailerID string
	Quantity          int
	ItemPrice         float64
	Currency          string
}

// StatusUpdate reports what happened to a message the business sent.
type StatusUpdate struct {
	WAMID         string
	PhoneNumberID string
	RecipientID   string
	// Status is one of the Status constants; unknown values are kept as received.
	Status    string
	Timestamp time.Time
	Errors    []Error
	Raw       json.RawMessage
}

// Error is an error object as WhatsApp reports it inside webhooks.
type Error struct {
	Code    int
	Title   string
	Message string
	Details string
	Href    string
}

// ValueError is an error Meta reports for a whole webhook value rather than for one message, such as a
// rate limit on the business phone number.
type ValueError struct {
	PhoneNumberID string
	Error
}
