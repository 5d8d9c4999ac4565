package whatsapp

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/url"
)

// VerifyChallenge answers the GET Meta sends when a webhook URL is registered
// (?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...). It returns the challenge to echo back
// and true only when the mode is "subscribe" and the token equals verifyToken. An empty configured
// token never matches, so a deployment that forgot to set one cannot be subscribed by anyone.
func VerifyChallenge(query url.Values, verifyToken string) (challenge string, ok bool) {
	if verifyToken == "" || query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	challenge = query.Get("hub.challenge")
	if challenge == "" {
		return "", false
	}
	// Comparing digests keeps the comparison constant-time even in the token's length.
	received := sha256.Sum256([]byte(query.Get("hub.verify_token")))
	expected := sha256.Sum256([]byte(verifyToken))
	if subtle.ConstantTimeCompare(received[:], expected[:]) != 1 {
		return "", false
	}
	return challenge, true
}
