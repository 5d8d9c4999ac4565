// Package phonenumber turns phone numbers as people type them into WhatsApp ids: international digits only.
package phonenumber

import (
	"errors"
	"strings"
)

// ErrInvalid is returned for text that is not a phone number.
var ErrInvalid = errors.New("not a phone number: use the international form, e.g. +44 7700 900123")

// Normalize strips "+", spaces, dashes, dots, brackets and the leading zeros of an international dialling
// prefix ("0044…" becomes "44…"), and checks that 6 to 15 digits remain (E.164 allows 15).
func Normalize(raw string) (string, error) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(raw) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0, r == ' ', r == '-', r == '.', r == '(', r == ')', r == '\u00a0':
		default:
			return "", ErrInvalid
		}
	}
	digits := strings.TrimLeft(b.String(), "0")
	if len(digits) < 6 || len(digits) > 15 {
		return "", ErrInvalid
	}
	return digits, nil
}
