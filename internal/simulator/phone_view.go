package simulator

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"switchboard/components"
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
	ShareURL      string
	MediaURL      string
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

// bubbleView is one chat bubble. Rich business messages (templates, interactive) are drawn by the
// product's own components.RichMessage, with an Answer that posts the customer's taps on reply buttons and
// list rows; everything else is Label and Text.
type bubbleView struct {
	WAID      string // the customer, for the bubble's own actions (reply, react)
	WAMID     string
	Direction string
	Kind      string
	Time      string
	DateTime  string
	Quoted    string
	Label     string
	Text      string // also what a reply quotes, for a rich message its body
	Rich      *components.RichView
	Media     *bubbleMedia
}

// bubbleMedia is a file in a bubble, shown as the customer's phone would: images and players inline,
// documents as an icon with name and size.
type bubbleMedia struct {
	Kind      string // image, audio, video, document or sticker
	URL       string
	FileName  string
	Size      string
	IconLabel string
	// Missing is set when the message names a media id the simulator does not have.
	Missing bool
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
		WAID:      m.WAID,
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
		if isMediaKind(m.Kind) {
			var object sendMedia
			_ = json.Unmarshal(m.Payload, &object)
			view.Text = object.Caption
		}
		return view
	}
	var request sendRequest
	if err := json.Unmarshal(m.Payload, &request); err != nil {
		return view
	}
	answer := &components.RichAnswer{URL: choiceURL, Target: "#phone-thread", WAMID: m.WAMID}
	switch request.Type {
	case "template":
		view.Rich = templateRich(m, request.Template)
	case "interactive":
		view.Rich = interactiveRich(m, request.Interactive)
	case "image", "audio", "video", "document", "sticker":
		view.Label = request.Type
		view.Text = ""
		if media := mediaOf(&request); media != nil {
			view.Text = media.Caption
			if media.Link != "" {
				view.Text = strings.TrimSpace(media.Link + " " + media.Caption)
			}
		}
	case "text":
	default:
		view.Label = request.Type
	}
	if view.Rich != nil {
		view.Rich.Answer = answer
		view.Text = view.Rich.Body
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
		views = append(views, s.bubbleLocked(m))
	}
	return views
}

// bubbleFor builds the bubble of one message with its quote and file.
func (s *Simulator) bubbleFor(m message) bubbleView {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bubbleLocked(m)
}

// bubbleLocked is bubbleFor for a caller holding s.mu.
func (s *Simulator) bubbleLocked(m message) bubbleView {
	view := bubble(m, s.quotedTextLocked(m.ReplyTo), s.phonePath(m.WAID, "choices"))
	if !isMediaKind(m.Kind) {
		return view
	}
	id := mediaIDOf(&m)
	if id == "" {
		return view // sent by link: the phone would fetch it from there
	}
	view.Media = &bubbleMedia{Kind: m.Kind, URL: s.phonePath(m.WAID, "media", id)}
	stored, ok := s.state.media[id]
	if !ok {
		view.Media.Missing = true
		view.Media.FileName = "media " + id
		return view
	}
	view.Media.FileName = stored.FileName
	if view.Media.FileName == "" {
		view.Media.FileName = m.Kind
	}
	view.Media.Size = humanSize(stored.Size)
	view.Media.IconLabel = strings.ToUpper(strings.TrimPrefix(filepath.Ext(stored.FileName), "."))
	if view.Media.IconLabel == "" || len(view.Media.IconLabel) > 5 {
		view.Media.IconLabel = "FILE"
	}
	return view
}

func isMediaKind(kind string) bool {
	return kind == "image" || kind == "audio" || kind == "video" || kind == "document" || kind == "sticker"
}

// humanSize is a file size as a phone shows it.
func humanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.0f kB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
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

// reactionChoices are the quick reactions the phone offers on business messages.
var reactionChoices = []string{"👍", "❤️", "😂", "😮", "🙏"}

// reactURL is relative to the chat page (/…/phone/{wa_id}), so bubbles pushed live need no base path.
func reactURL(b bubbleView) string { return b.WAID + "/react" }

func reactionValues(wamid, emoji string) string {
	encoded, _ := json.Marshal(map[string]string{"message_id": wamid, "emoji": emoji})
	return string(encoded)
}
