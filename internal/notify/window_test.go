package notify

import (
	"switchboard/internal/media/mediatest"

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

// TestFileType: the type comes from the content; a file that is not what its name says, or too large,
// is refused with the reason.
func TestFileType(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	pdf := []byte("%PDF-1.7\n1 0 obj\n")
	docx := mediatest.DOCX()
	tests := []struct {
		name, file string
		content    []byte
		mime, err  string
	}{
		{"png", "a.png", png, "image/png", ""},
		{"pdf", "terms.pdf", pdf, "application/pdf", ""},
		{"docx", "letter.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""},
		{"html named pdf", "evil.pdf", []byte("<html><script>alert(1)</script></html>"), "", "cannot be sent over WhatsApp"},
		{"zip named png", "a.png", docx, "", "cannot be sent"},
		{"plain archive named docx", "letter.docx", mediatest.Zip(), "", "not the Office document"},
		{"program in a zip named docx", "letter.docx", mediatest.JAR(), "", "not the Office document"},
		{"installer named doc", "letter.doc", mediatest.MSI(), "", "not the Office document"},
		{"real doc", "letter.doc", mediatest.DOC(), "application/msword", ""},
		{"empty", "e.pdf", nil, "", "is empty"},
		{"image over 5 MB", "big.png", append(png, make([]byte, MaxImageBytes)...), "", "at most 5 MB"},
	}
	for _, test := range tests {
		mime, err := FileType(test.file, test.content)
		if mime != test.mime || (err == nil) != (test.err == "") || err != nil && !strings.Contains(err.Error(), test.err) {
			t.Errorf("%s: %q %v, want %q %q", test.name, mime, err, test.mime, test.err)
		}
	}
	if got := CleanFilename("../../etc/pa\u202esswd\x00.pdf"); got != "passwd.pdf" {
		t.Errorf("CleanFilename = %q", got)
	}
}
