package notify

import (
	"strings"
	"testing"
	"time"
)

// TestWindow: the window opens with the customer's message, lasts the option's length but never more than
// WhatsApp's 24 hours, and is closed when the customer never wrote.
func TestWindow(t *testing.T) {
	opened := time.Date(2025, 6, 8, 9, 0, 0, 0, time.UTC).UnixMilli()
	hour := time.Hour.Milliseconds()
	w := NewWindow(opened, 48*time.Hour)
	if w.ClosesAt != opened+24*hour {
		t.Errorf("a 48-hour option closes at %d, want 24 hours after", w.ClosesAt)
	}
	if !w.Open(opened+24*hour-1) || w.Open(opened+24*hour) {
		t.Error("open just before 24 hours, closed at 24 hours")
	}
	short := NewWindow(opened, 2*time.Hour)
	if short.Open(opened + 2*hour) {
		t.Error("a 2-hour window is still open after 2 hours")
	}
	if (Window{}).Open(opened) || NewWindow(0, time.Hour).Open(1) {
		t.Error("a window the customer never opened is open")
	}
	if got := w.Left(opened + 30*time.Minute.Milliseconds()); got != "23 h 30 min left to reply" {
		t.Errorf("Left = %q", got)
	}
	if got := w.Left(opened + 24*hour - 59*time.Second.Milliseconds()); got != "1 min left to reply" {
		t.Errorf("Left = %q", got)
	}
	if got := w.Left(opened + 25*hour); !strings.Contains(got, "notifications only") {
		t.Errorf("Left after closing = %q", got)
	}
}
