package notify

import (
	"fmt"
	"time"
)

// ServiceWindow is WhatsApp's limit on free-form messages: they reach the customer only within 24 hours of
// the customer's latest message. Outside it only notifications (templates) are delivered.
const ServiceWindow = 24 * time.Hour

// Window is the response window of one conversation: it opens with each customer message and closes a
// fixed time later (the response-window option, at most WhatsApp's 24 hours). While it is open agents
// may send text, attachments and interactive messages; once it has closed, only notifications.
type Window struct {
	OpenedAt int64 // the customer's latest message (Unix ms); 0 when they never wrote
	ClosesAt int64 // Unix ms; 0 when it never opened
}

// NewWindow is the window opened by a customer message at openedAt (0 for none) lasting length, cut to
// WhatsApp's 24 hours.
func NewWindow(openedAt int64, length time.Duration) Window {
	if openedAt <= 0 {
		return Window{}
	}
	return Window{OpenedAt: openedAt, ClosesAt: openedAt + min(length, ServiceWindow).Milliseconds()}
}

// Open reports whether free-form messages may be sent at now (Unix ms).
func (w Window) Open(now int64) bool { return w.OpenedAt > 0 && now < w.ClosesAt }

// Left describes the time left at now for the interaction header, e.g. "23 h 59 min left to reply".
func (w Window) Left(now int64) string {
	if !w.Open(now) {
		return "Reply window closed: notifications only"
	}
	return FormatLeft(time.Duration(w.ClosesAt-now) * time.Millisecond)
}

// FormatLeft renders a remaining duration the way the header shows it; static/responses.js repeats the
// rule while the page is open.
func FormatLeft(d time.Duration) string {
	minutes := int((d + time.Minute - 1) / time.Minute)
	if minutes >= 60 {
		return fmt.Sprintf("%d h %02d min left to reply", minutes/60, minutes%60)
	}
	return fmt.Sprintf("%d min left to reply", minutes)
}
