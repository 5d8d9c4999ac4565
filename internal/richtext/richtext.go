// Package richtext reads WhatsApp's text formatting (*bold*, _italic_, ~strike~, ```monospace```) and web
// links out of message text, as segments a template renders with its own escaping: no HTML is produced here,
// so customer text can never become markup.
package richtext

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Segment is a run of text with one formatting.
type Segment struct {
	Text                       string
	Bold, Italic, Strike, Mono bool
	Link                       string // a vetted http, https, mailto or tel URL when the run is a link
}

// linkPattern finds candidate links; Parse vets each before it becomes one.
var linkPattern = regexp.MustCompile(`(?i)\b(?:https?://[^\s<>"]+|mailto:[^\s<>"]+@[^\s<>"]+|tel:\+?[0-9][0-9\-.()]*[0-9])|\bwww\.[a-z0-9-]+\.[^\s<>"]+`)

// Parse splits text into formatted segments with links.
func Parse(text string) []Segment {
	var out []Segment
	rest := text
	for rest != "" {
		loc := linkPattern.FindStringIndex(rest)
		if loc == nil {
			out = append(out, format(rest, Segment{})...)
			break
		}
		candidate := trimLinkEnd(rest[loc[0]:loc[1]])
		end := loc[0] + len(candidate)
		if href, ok := vet(candidate); ok {
			out = append(out, format(rest[:loc[0]], Segment{})...)
			out = append(out, Segment{Text: candidate, Link: href})
		} else {
			out = append(out, format(rest[:end], Segment{})...)
		}
		rest = rest[end:]
	}
	return merge(out)
}

// trimLinkEnd drops sentence punctuation that follows a link, keeping a closing bracket that has its
// opening one inside the link (as in Wikipedia addresses).
func trimLinkEnd(s string) string {
	for s != "" {
		last, size := utf8.DecodeLastRuneInString(s)
		switch {
		case strings.ContainsRune(".,;:!?'\"*_~", last):
		case last == ')' && strings.Count(s, "(") < strings.Count(s, ")"):
		default:
			return s
		}
		s = s[:len(s)-size]
	}
	return s
}

// SafeLink vets an address from a message (a location's URL, a contact card's website): only http, https,
// mailto and tel become links.
func SafeLink(raw string) (string, bool) { return vet(strings.TrimSpace(raw)) }

// vet accepts only http, https, mailto and tel links (a bare www. gets https://).
func vet(candidate string) (string, bool) {
	href := candidate
	if strings.HasPrefix(strings.ToLower(candidate), "www.") {
		href = "https://" + candidate
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
		return u.String(), true
	case "mailto", "tel":
		return href, true
	}
	return "", false
}

type marker struct {
	token string
	apply func(*Segment)
}

var markers = []marker{
	{"```", func(s *Segment) { s.Mono = true }},
	{"*", func(s *Segment) { s.Bold = true }},
	{"_", func(s *Segment) { s.Italic = true }},
	{"~", func(s *Segment) { s.Strike = true }},
}

// format applies WhatsApp's formatting markers. A marker opens after a start, space or punctuation and
// before a non-space; it closes before an end, space or punctuation and after a non-space, as in WhatsApp.
func format(text string, style Segment) []Segment {
	if text == "" {
		return nil
	}
	if style.Mono {
		return []Segment{withText(style, text)}
	}
	best, bestOpen, bestClose := -1, -1, -1
	for i, m := range markers {
		open, close := findPair(text, m.token)
		if open >= 0 && (bestOpen < 0 || open < bestOpen) {
			best, bestOpen, bestClose = i, open, close
		}
	}
	if best < 0 {
		return []Segment{withText(style, text)}
	}
	m := markers[best]
	inner := style
	m.apply(&inner)
	var out []Segment
	if bestOpen > 0 {
		out = append(out, withText(style, text[:bestOpen]))
	}
	out = append(out, format(text[bestOpen+len(m.token):bestClose], inner)...)
	out = append(out, format(text[bestClose+len(m.token):], style)...)
	return out
}

func withText(style Segment, text string) Segment {
	style.Text = text
	return style
}

// findPair returns the first well-placed opening marker and its closing marker, or -1s.
func findPair(text, token string) (int, int) {
	for open := 0; open < len(text); {
		i := strings.Index(text[open:], token)
		if i < 0 {
			return -1, -1
		}
		i += open
		if opensAt(text, i, token) {
			for from := i + len(token); from < len(text); {
				j := strings.Index(text[from:], token)
				if j < 0 {
					break
				}
				j += from
				if j > i+len(token) && closesAt(text, j, token) {
					return i, j
				}
				from = j + 1
			}
		}
		open = i + 1
	}
	return -1, -1
}

func opensAt(text string, i int, token string) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i+len(token):])
	return (i == 0 || boundary(before)) && after != utf8.RuneError && !unicode.IsSpace(after)
}

func closesAt(text string, j int, token string) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:j])
	end := j + len(token)
	after, _ := utf8.DecodeRuneInString(text[end:])
	return !unicode.IsSpace(before) && (end == len(text) || boundary(after))
}

func boundary(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) }

// merge joins neighbours with the same formatting.
func merge(in []Segment) []Segment {
	var out []Segment
	for _, s := range in {
		if s.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Link == "" && s.Link == "" && sameStyle(out[n-1], s) {
			out[n-1].Text += s.Text
			continue
		}
		out = append(out, s)
	}
	return out
}

func sameStyle(a, b Segment) bool {
	return a.Bold == b.Bold && a.Italic == b.Italic && a.Strike == b.Strike && a.Mono == b.Mono
}
