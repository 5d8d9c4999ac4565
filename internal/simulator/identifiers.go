package simulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// newWAMID makes a message id shaped like Meta's: "wamid." followed by base64 of a
// small binary record holding the customer's number and a random hex id. Realistic
// ids (with "+", "/" and "=") catch code that assumes ids are URL- or HTML-safe.
func newWAMID(waID string) string {
	random := make([]byte, 10)
	_, _ = rand.Read(random)
	record := make([]byte, 0, 64)
	record = append(record, 0x1C, 0x18, byte(len(waID)))
	record = append(record, waID...)
	record = append(record, 0x15, 0x02, 0x00, 0x12, 0x18, 0x14)
	record = append(record, strings.ToUpper(hex.EncodeToString(random))...)
	record = append(record, 0x00)
	return "wamid." + base64.StdEncoding.EncodeToString(record)
}

// newTraceID makes an id like the fbtrace_id Meta puts in every error.
func newTraceID() string {
	random := make([]byte, 18)
	_, _ = rand.Read(random)
	return strings.NewReplacer("-", "A", "_", "z").Replace(base64.RawURLEncoding.EncodeToString(random))
}

// newConversationID makes an id like Meta's billing conversation ids.
func newConversationID() string {
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	return hex.EncodeToString(random)
}

// unixString is Meta's timestamp format in webhooks: Unix seconds as a string.
func unixString(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10)
}

// digitsOnly keeps the digits of a phone number; Meta's webhooks carry numbers that way.
func digitsOnly(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isWAID reports whether s looks like a WhatsApp id: a phone number in digits only.
func isWAID(s string) bool {
	if len(s) < 5 || len(s) > 15 {
		return false
	}
	return digitsOnly(s) == s
}
