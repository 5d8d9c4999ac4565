package simulator

import (
	"encoding/json"
	"sort"
	"time"
)

// Directions are named from the phone's point of view, as the JSON API reports them.
const (
	directionToCustomer   = "in"  // the business wrote to the customer
	directionFromCustomer = "out" // the customer wrote to the business
)

// Statuses of business messages, as last reported to the product by webhook.
const (
	statusAccepted  = "accepted"
	statusSent      = "sent"
	statusDelivered = "delivered"
	statusRead      = "read"
	statusFailed    = "failed"
)

// customerServiceWindow is how long after a customer's last message the business may
// send free-form (non-template) messages.
const customerServiceWindow = 24 * time.Hour

// conversationKey names one chat: a customer and the business number they talk to.
type conversationKey struct {
	waID          string
	phoneNumberID string
}

// customer is a person playing the customer.
type customer struct {
	WAID string
	Name string
	// PhoneNumberID is the business number the customer writes to by default.
	PhoneNumberID string
	LastActivity  time.Time
}

// displayName is what the phone shows when the customer never gave a name.
func (c customer) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	return "+" + c.WAID
}

// message is one message in either direction. Kind is Meta's message type and
// Payload the type-specific object, so new kinds (images, reactions, button taps)
// need a summary rule and a rendering, not a new record type.
type message struct {
	Sequence      int64
	WAMID         string
	WAID          string
	PhoneNumberID string
	Direction     string
	Kind          string
	// Text is a plain-text summary for the phone and the JSON API.
	Text string
	// Payload is, for business messages, the whole request the product sent; for
	// customer messages, the object Meta nests under the type key in the webhook.
	Payload   json.RawMessage
	ReplyTo   string
	Timestamp time.Time
	// CallbackData is the business's biz_opaque_callback_data, returned in statuses.
	CallbackData string
	// Template is the registered template a template message used, kept to show it as sent.
	Template *templateDefinition
	// MediaName names the file a business message's media (or media header) refers to.
	MediaName string
	// Status is, for business messages, the last status webhook queued; for customer
	// messages it becomes "read" once the business marks it read.
	Status string
	// readRequested remembers a read that arrived before delivery, so "read" follows
	// "delivered" instead of overtaking it.
	readRequested bool
}

// visibleOnPhone reports whether the customer's phone shows the message: business
// messages appear once delivered, as on a real phone.
func (m message) visibleOnPhone() bool {
	if m.Direction == directionFromCustomer {
		return true
	}
	return m.Status == statusDelivered || m.Status == statusRead
}

// billingConversation mirrors Meta's conversation object in status webhooks.
type billingConversation struct {
	ID       string
	Category string
	Expires  time.Time
}

// failureRule makes the next Remaining sends behave as Kind.
type failureRule struct {
	Kind      string `json:"kind"`
	Remaining int    `json:"count"`
}

// webhookJob is one webhook waiting to be posted.
type webhookJob struct {
	body        []byte
	description string
	result      chan webhookResult // buffered; nil when nobody waits
}

// webhookResult is how delivery of one webhook ended.
type webhookResult struct {
	statusCode int
	err        error
}

// webhookQueue keeps one customer's webhooks in order; a single drain goroutine per
// queue posts them one after another.
type webhookQueue struct {
	jobs     []webhookJob
	draining bool
}

// phoneSubscriber is an open event stream of a customer's phone page.
type phoneSubscriber struct {
	updates chan message
}

// state is everything the simulator remembers, guarded by Simulator.mu.
type state struct {
	closed       bool
	nextSequence int64

	customers     map[string]*customer
	messages      []*message
	byWAMID       map[string]*message
	byCustomer    map[string][]*message
	lastInbound   map[conversationKey]time.Time
	conversations map[conversationKey]*billingConversation
	failures      []*failureRule
	media         map[string]*mediaFile
	mediaFailures []*failureRule
	queues        map[string]*webhookQueue
	subscribers   map[string]map[*phoneSubscriber]struct{}

	// templates are the account's registered message templates by name and language.
	templates      map[string]*templateDefinition
	nextTemplateID int64
}

func newState() state {
	st := state{
		customers:     map[string]*customer{},
		byWAMID:       map[string]*message{},
		byCustomer:    map[string][]*message{},
		lastInbound:   map[conversationKey]time.Time{},
		conversations: map[conversationKey]*billingConversation{},
		media:         map[string]*mediaFile{},
		queues:        map[string]*webhookQueue{},
		subscribers:   map[string]map[*phoneSubscriber]struct{}{},
		templates:     map[string]*templateDefinition{},
		// Like Meta's, template ids are long numbers; new ones follow the sample's.
		nextTemplateID: 1192339204654487,
	}
	sample := helloWorld()
	st.templates[templateKey(sample.Name, sample.Language)] = &sample
	return st
}

// ensureCustomer returns the customer, creating it on first contact. An empty name or
// number leaves what is known untouched.
func (st *state) ensureCustomer(waID, name, phoneNumberID string, now time.Time) *customer {
	existing, ok := st.customers[waID]
	if !ok {
		existing = &customer{WAID: waID}
		st.customers[waID] = existing
	}
	if name != "" {
		existing.Name = name
	}
	if phoneNumberID != "" && existing.PhoneNumberID == "" {
		existing.PhoneNumberID = phoneNumberID
	}
	if now.After(existing.LastActivity) {
		existing.LastActivity = now
	}
	return existing
}

// addMessage stores m and returns the stored copy that later updates go through.
func (st *state) addMessage(m message) *message {
	st.nextSequence++
	m.Sequence = st.nextSequence
	stored := &m
	st.messages = append(st.messages, stored)
	st.byWAMID[m.WAMID] = stored
	st.byCustomer[m.WAID] = append(st.byCustomer[m.WAID], stored)
	return stored
}

// withinWindow reports whether free-form messages may still reach the customer.
func (st *state) withinWindow(key conversationKey, now time.Time) bool {
	last, ok := st.lastInbound[key]
	return ok && now.Sub(last) < customerServiceWindow
}

// customerList is every known customer, most recently active first.
func (st *state) customerList() []customer {
	list := make([]customer, 0, len(st.customers))
	for _, c := range st.customers {
		list = append(list, *c)
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].LastActivity.Equal(list[j].LastActivity) {
			return list[i].LastActivity.After(list[j].LastActivity)
		}
		return list[i].WAID < list[j].WAID
	})
	return list
}

// thread copies a customer's messages, optionally limited to one business number.
func (st *state) thread(waID, phoneNumberID string) []message {
	var list []message
	for _, m := range st.byCustomer[waID] {
		if phoneNumberID != "" && m.PhoneNumberID != phoneNumberID {
			continue
		}
		list = append(list, *m)
	}
	return list
}

// takeFailure consumes one use of the oldest pending failure rule, if any.
func (st *state) takeFailure() string {
	for len(st.failures) > 0 {
		rule := st.failures[0]
		if rule.Remaining <= 0 {
			st.failures = st.failures[1:]
			continue
		}
		rule.Remaining--
		if rule.Remaining == 0 {
			st.failures = st.failures[1:]
		}
		return rule.Kind
	}
	return ""
}
