package media

import (
	"fmt"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the most characters of a file name Switchboard keeps and shows.
const MaxNameLength = 120

// CleanName turns a file name someone else chose into one that is safe to store, show and offer for
// download. File names are never used as paths (files are stored under their SHA-256), but they are shown
// to agents and customers, so everything that could mislead a reader goes: directory parts (path
// traversal), control characters, and the invisible characters that reorder text (a right-to-left override
// can make "invoice‮fdp.exe" read as "invoiceexe.pdf") are written out as a visible [U+XXXX] instead.
// Very long names are shortened in the middle, keeping the extension. Markup needs nothing here: templates
// escape it when they show the name.
func CleanName(raw string) string {
	name := strings.ToValidUTF8(raw, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		if unsafeInName(r) {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	name = strings.TrimSpace(b.String())
	name = strings.TrimRight(name, ". ")
	if strings.Trim(name, ".") == "" {
		return "attachment"
	}
	return shorten(name, MaxNameLength)
}

// unsafeInName reports characters that must not reach a reader as they are: controls, the bidirectional
// formatting characters, and other invisible format characters except the joiners emoji need.
func unsafeInName(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	case r == 0x200D || r == 0x200C || r == 0xFE0F || r == 0xFE0E:
		return false // joiners and variation selectors: needed by emoji and some scripts
	case unicode.Is(unicode.Cf, r):
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

// shorten cuts name to at most limit characters, keeping a short extension and marking the cut with "…".
func shorten(name string, limit int) string {
	runes := []rune(name)
	if len(runes) <= limit {
		return name
	}
	extension := []rune{}
	if dot := strings.LastIndexByte(name, '.'); dot > 0 {
		if tail := []rune(name[dot:]); len(tail) <= 10 {
			extension = tail
			runes = []rune(name[:dot])
		}
	}
	keep := limit - len(extension) - 1
	return string(runes[:keep]) + "…" + string(extension)
}

// DownloadName is the name a file is saved under: its clean name, with the extension of the type its
// content was recognised as added when the name lacks it, so "photo.exe" holding a JPEG saves as
// "photo.exe.jpg" and opens as what it is.
func DownloadName(name, mimeType string) string {
	name = CleanName(name)
	var match *Type
	for i := range Types {
		if Types[i].MIME == mimeType {
			match = &Types[i]
			break
		}
	}
	if match == nil {
		return name
	}
	lower := strings.ToLower(name)
	for _, extension := range match.Extensions {
		if strings.HasSuffix(lower, "."+extension) {
			return name
		}
	}
	return shorten(name+"."+match.Extensions[0], MaxNameLength+5)
}

// ContentDisposition is the header value that makes a browser save the file under name (disposition is
// "attachment") or show it ("inline"). A name that is not plain ASCII gets an ASCII fallback and the exact
// name in RFC 5987 form (filename* with UTF-8 percent-encoding), which every current browser reads.
func ContentDisposition(disposition, name string) string {
	if isPrintableASCII(name) {
		if value := mime.FormatMediaType(disposition, map[string]string{"filename": name}); value != "" {
			return value
		}
	}
	fallback := mime.FormatMediaType(disposition, map[string]string{"filename": asciiFallback(name)})
	extended := mime.FormatMediaType(disposition, map[string]string{"filename": strings.ToValidUTF8(name, "\uFFFD")})
	if fallback == "" {
		return disposition
	}
	if extended == "" || !strings.Contains(extended, "filename*=") {
		return fallback
	}
	return fallback + "; " + strings.TrimPrefix(extended, disposition+"; ")
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// asciiFallback replaces what older clients cannot read in a quoted filename.
func asciiFallback(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r > 0x7E, r == '"', r == '\\', r == '%':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
