package media_test

import (
	"mime"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"switchboard/internal/media"
)

func TestCleanNameDefusesHostileNames(t *testing.T) {
	cases := map[string]string{
		"../../etc/passwd":                 "passwd",
		`..\..\windows\system32\cmd.exe`:   "cmd.exe",
		"invoice\u202Efdp.exe":             "invoice[U+202E]fdp.exe",
		"a\u2066b\u2069c.pdf":              "a[U+2066]b[U+2069]c.pdf",
		"line\r\nbreak.pdf":                "line[U+000D][U+000A]break.pdf",
		"nul\x00byte.png":                  "nul[U+0000]byte.png",
		"<img src=x onerror=alert(1)>.png": "<img src=x onerror=alert(1)>.png",
		"..":                               "attachment",
		"":                                 "attachment",
		"   ":                              "attachment",
		"report.":                          "report",
		"family 👨‍👩‍👧.jpg":                 "family 👨‍👩‍👧.jpg",
		"bad\xffutf8.pdf":                  "bad\uFFFDutf8.pdf",
	}
	for raw, want := range cases {
		if got := media.CleanName(raw); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", raw, got, want)
		}
	}
	long := strings.Repeat("x", 500) + ".docx"
	got := media.CleanName(long)
	if utf8.RuneCountInString(got) != media.MaxNameLength || !strings.HasSuffix(got, "….docx") {
		t.Errorf("long name shortened to %q (%d characters)", got, utf8.RuneCountInString(got))
	}
}

func TestDownloadNameMatchesTheContent(t *testing.T) {
	cases := []struct{ name, mime, want string }{
		{"photo.exe", "image/jpeg", "photo.exe.jpg"},
		{"photo.JPEG", "image/jpeg", "photo.JPEG"},
		{"scan.pdf", "application/pdf", "scan.pdf"},
		{"voice", "audio/ogg", "voice.opus"},
		{"mystery.bin", "application/octet-stream", "mystery.bin"},
	}
	for _, c := range cases {
		if got := media.DownloadName(c.name, c.mime); got != c.want {
			t.Errorf("DownloadName(%q, %s) = %q, want %q", c.name, c.mime, got, c.want)
		}
	}
}

// checkName is what must hold for any file name, whatever someone sends.
func checkName(t *testing.T, raw string) {
	clean := media.CleanName(raw)
	if !utf8.ValidString(clean) {
		t.Fatalf("CleanName(%q) = %q is not valid UTF-8", raw, clean)
	}
	if clean == "" || clean == "." || clean == ".." || strings.ContainsAny(clean, `/\`) {
		t.Fatalf("CleanName(%q) = %q could be read as a path", raw, clean)
	}
	if n := utf8.RuneCountInString(clean); n > media.MaxNameLength {
		t.Fatalf("CleanName(%q) has %d characters", raw, n)
	}
	for _, r := range clean {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			t.Fatalf("CleanName(%q) = %q keeps %U", raw, clean, r)
		}
	}
	if media.CleanName(clean) != clean {
		t.Fatalf("CleanName is not stable: %q → %q → %q", raw, clean, media.CleanName(clean))
	}
	for _, mimeType := range []string{"application/pdf", "image/png", "application/octet-stream"} {
		download := media.DownloadName(raw, mimeType)
		header := media.ContentDisposition("attachment", download)
		disposition, params, err := mime.ParseMediaType(header)
		if err != nil || disposition != "attachment" {
			t.Fatalf("Content-Disposition for %q is %q: %v", raw, header, err)
		}
		if params["filename"] != download {
			t.Fatalf("Content-Disposition %q reads back as %q, want %q", header, params["filename"], download)
		}
		if strings.ContainsAny(header, "\r\n\x00") {
			t.Fatalf("Content-Disposition %q has a line break", header)
		}
	}
}

func FuzzFileName(f *testing.F) {
	for _, seed := range []string{
		"report.pdf", "../../etc/passwd", `C:\Users\evil\..\x.docx`, "invoice\u202Efdp.exe", "<script>alert(1)</script>.png",
		"\x00\x01\x02", "名前.pdf", "a\"b\\c%d.pdf", strings.Repeat("ä", 300) + ".xlsx", "..", ".", "  ", "x\u200b.pdf", "\xff\xfe",
	} {
		f.Add(seed)
	}
	f.Fuzz(checkName)
}
