package whatsapp

import (
	"net/url"
	"strings"
	"testing"
)

func TestVerifySignature(t *testing.T) {
	secret := []byte("app-secret-0123456789abcdef")
	body := messagesWebhook(testContacts, `{"from":"16505551234","id":"wamid.a","timestamp":"1749416383","type":"text","text":{"body":"hi"}}`)
	good := SignatureHeader(secret, body)
	digest := strings.TrimPrefix(good, "sha256=")

	tests := []struct {
		name   string
		secret []byte
		body   []byte
		header string
		want   bool
	}{
		{"good", secret, body, good, true},
		{"good with upper-case hex", secret, body, "sha256=" + strings.ToUpper(digest), true},
		{"wrong secret", []byte("another-secret"), body, good, false},
		{"body changed", secret, append([]byte(nil), body[:len(body)-1]...), good, false},
		{"empty secret", nil, body, SignatureHeader(nil, body), false},
		{"empty header", secret, body, "", false},
		{"missing prefix", secret, body, digest, false},
		{"sha1 prefix", secret, body, "sha1=" + digest, false},
		{"prefix in upper case", secret, body, "SHA256=" + digest, false},
		{"bad hex", secret, body, "sha256=" + strings.Repeat("zz", 32), false},
		{"odd length", secret, body, good[:len(good)-1], false},
		{"too short", secret, body, "sha256=" + digest[:32], false},
		{"too long", secret, body, good + "00", false},
		{"surrounding space", secret, body, " " + good, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := VerifySignature(test.secret, test.body, test.header); got != test.want {
				t.Errorf("VerifySignature = %v, want %v", got, test.want)
			}
		})
	}
}

func TestSignatureHeaderKnownValue(t *testing.T) {
	// HMAC-SHA256 test case 2 from RFC 4231.
	got := SignatureHeader([]byte("Jefe"), []byte("what do ya want for nothing?"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Errorf("SignatureHeader = %s, want %s", got, want)
	}
}

func TestVerifyChallenge(t *testing.T) {
	query := func(mode, token, challenge string) url.Values {
		values := url.Values{}
		values.Set("hub.mode", mode)
		values.Set("hub.verify_token", token)
		values.Set("hub.challenge", challenge)
		return values
	}
	tests := []struct {
		name          string
		query         url.Values
		configured    string
		wantChallenge string
		wantOK        bool
	}{
		{"matching token", query("subscribe", "s3cret", "1158201444"), "s3cret", "1158201444", true},
		{"wrong token", query("subscribe", "guess", "1158201444"), "s3cret", "", false},
		{"token prefix", query("subscribe", "s3c", "1158201444"), "s3cret", "", false},
		{"wrong mode", query("unsubscribe", "s3cret", "1158201444"), "s3cret", "", false},
		{"empty configured token", query("subscribe", "", "1158201444"), "", "", false},
		{"no challenge", query("subscribe", "s3cret", ""), "s3cret", "", false},
		{"no parameters", url.Values{}, "s3cret", "", false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			challenge, ok := VerifyChallenge(test.query, test.configured)
			if challenge != test.wantChallenge || ok != test.wantOK {
				t.Errorf("VerifyChallenge = %q, %v; want %q, %v", challenge, ok, test.wantChallenge, test.wantOK)
			}
		})
	}
}
