package simulator

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// phoneIndexView is what the customer picker page shows.
type phoneIndexView struct {
	AssetsPath string
	CreateURL  string
	Customers  []phoneCustomerView
	Numbers    []phoneNumberOption
	Form       phoneCustomerForm
}

// phoneCustomerView is one customer in the picker.
type phoneCustomerView struct {
	WAID string
	Name string
	URL  string
}

// phoneNumberOption is one business number the new customer can write to.
type phoneNumberOption struct {
	PhoneNumberID string
	DisplayNumber string
	Selected      bool
}

// phoneCustomerForm keeps what was typed into the new-customer form, and what is wrong with it.
type phoneCustomerForm struct {
	Number        string
	Name          string
	PhoneNumberID string
	Error         string
}

// phoneChatView is the phone screen for one customer talking to one business number.
type phoneChatView struct {
	AssetsPath    string
	BackURL       string
	WAID          string
	CustomerName  string
	BusinessName  string
	PhoneNumberID string
	OtherNumbers  []phoneNumberLink
	PostURL       string
	ReadURL       string
	EventsURL     string
	Bubbles       []bubbleView
	Draft         string
	Error         string
}

// phoneNumberLink switches the phone to the chat with another business number.
type phoneNumberLink struct {
	Label string
	URL   string
}

// bubbleView is one chat bubble. Rich business messages (templates, interactive) fill
// Header, Footer, Buttons and List; everything else is Label and Text. ChoiceURL is where
// the customer's taps on reply buttons and list rows go.
type bubbleView struct {
	WAMID       string
	Direction   string
	Kind        string
	Time        string
	DateTime    string
	Quoted      string
	Label       string
	Header      string
	HeaderMedia string
	Text        string
	Footer      string
	Buttons     []bubbleButton
	ListButton  string
	ListRows    []bubbleListRow
	ChoiceURL   string
}

// bubbleButton is one button under a message. Option is what a tap sends back for reply
// buttons; Target is the number or address of a call-to-action button.
type bubbleButton struct {
	Title  string
	Kind   string // quick_reply, reply, url, phone_number, or another type shown inert
	Option string
	Target string
}

// Tappable reports whether tapping the button answers the message.
func (b bubbleButton) Tappable() bool { return b.Kind == "quick_reply" || b.Kind == "reply" }

// bubbleListRow is one row of a list message, shown under its button.
type bubbleListRow struct {
	Option      string
	Title       string
	Description string
}

// choiceValues is the hx-vals of a tap on option of the message wamid.
func choiceValues(wamid, option string) string {
	encoded, _ := json.Marshal(map[string]string{"wamid": wamid, "option": option})
	return string(encoded)
}

// phonePath builds a link under the phone pages.
func (s *Simulator) phonePath(parts ...string) string {
	path := s.config.BasePath + "/phone"
	for _, part := range parts {
		path += "/" + url.PathEscape(part)
	}
	return path
}

func (s *Simulator) assetsPath() string {
	return s.config.BasePath + "/assets"
}

// chatURL links to the chat of a customer with one business number.
func (s *Simulator) chatURL(waID, phoneNumberID string) string {
	link := s.phonePath(waID)
	if phoneNumberID != "" {
		link += "?number=" + url.QueryEscape(phoneNumberID)
	}
	return link
}

// bubble builds the view of one message; quoted is the text of the message it
// replies to, if any, and choiceURL where taps on its reply buttons and rows go.
func bubble(m message, quoted, choiceURL string) bubbleView {
	view := bubbleView{
		WAMID:     m.WAMID,
		Direction: m.Direction,
		Kind:      m.Kind,
		Time:      m.Timestamp.UTC().Format("15:04"),
		DateTime:  m.Timestamp.UTC().Format(time.RFC3339),
		Quoted:    quoted,
		Text:      m.Text,
	}
	if m.Direction == directionFromCustomer {
		if m.Kind != "text" {
			view.Label = m.Kind
		}
		return view
	}
	var request sendRequest
	if err := json.Unmarshal(m.Payload, &request); err != nil {
		return view
	}
	view.ChoiceURL = choiceURL
	switch request.Type {
	case "template":
		fillTemplateBubble(&view, m, request.Template)
	case "interactive":
		fillInteractiveBubble(&view, m, request.Interactive)
	case "image", "audio", "video", "document", "sticker":
		view.Label = request.Type
		view.Text = ""
		if media := mediaOf(&request); media != nil {
			view.Text = strings.TrimSpace(firstNonEmpty(media.Filename, m.MediaName) + " " + media.Caption)
		}
	case "text":
	default:
		view.Label = request.Type
	}
	return view
}

// bubblesLocked builds the bubbles for messages, resolving quotes. The caller must hold s.mu.
func (s *Simulator) bubblesLocked(messages []message) []bubbleView {
	views := make([]bubbleView, 0, len(messages))
	for _, m := range messages {
		if !m.visibleOnPhone() {
			continue
		}
		views = append(views, bubble(m, s.quotedTextLocked(m.ReplyTo), s.phonePath(m.WAID, "choices")))
	}
	return views
}

// quotedTextLocked is the text of a quoted message. The caller must hold s.mu.
func (s *Simulator) quotedTextLocked(wamid string) string {
	if wamid == "" {
		return ""
	}
	if original, ok := s.state.byWAMID[wamid]; ok {
		return original.Text
	}
	return ""
}
