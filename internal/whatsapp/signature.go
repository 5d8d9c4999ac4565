package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignatureHeaderName is the request header in which Meta signs every webhook body with the app secret.
const SignatureHeaderName = "X-Hub-Signature-256"

const signaturePrefix = "sha256="

// VerifySignature checks an X-Hub-Signature-256 header ("sha256=<hex>") against HMAC-SHA256(secret, body).
//
// It fails closed: an empty secret, a missing or garbled header, or a digest of the wrong length all
// give false, because a webhook we cannot authenticate must never be acted on. The digests are compared
// in constant time so the check does not leak how much of a forged signature was right.
func VerifySignature(secret, body []byte, header string) bool {
	if len(secret) == 0 {
		return false
	}
	encoded, found := strings.CutPrefix(header, signaturePrefix)
	if !found || len(encoded) != 2*sha256.Size {
		return false
	}
	received, err := hex.DecodeString(encoded)
	if err != nil {
		return false
	}
	return hmac.Equal(received, signature(secret, body))
}

// SignatureHeader returns the X-Hub-Signature-256 value Meta would send for body. The simulator, tests
// and load generators use it to sign the webhooks they post.
func SignatureHeader(secret, body []byte) string {
	return signaturePrefix + hex.EncodeToString(signature(secret, body))
}

func signature(secret, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return mac.Sum(nil)
}
