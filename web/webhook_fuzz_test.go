package web_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzWebhookEndpoint posts arbitrary bodies, correctly signed, through the real router and store. The
// parser and signature check have their own fuzz targets in internal/whatsapp; this one covers what the
// endpoint does with whatever they let through: no panic, and no server error other than 503 (busy), which
// Meta retries.
func FuzzWebhookEndpoint(f *testing.F) {
	now := time.Now()
	seeds := [][]byte{
		textWebhook("wamid.seed", "16505551234", "Sheena Nelson", "hello"),
		statusWebhook(statusUpdate("wamid.unknown", "delivered", "16505551234", now)),
		statusWebhook(statusUpdate("wamid.unknown", "failed", "16505551234", now)),
		webhookBody([]change{{phoneNumberID: testPhoneNumberID, messages: []string{`{"from":"1","id":"x","timestamp":"1","type":"image","image":{"id":"9"}}`, `null`}}}),
		webhookBody([]change{{phoneNumberID: "", messages: []string{textMessage("wamid.nophone", "1", "x")}}}),
		webhookBody([]change{{phoneNumberID: testPhoneNumberID, messages: []string{textMessage("dup", "1", "a"), textMessage("dup", "2", "b")}}}),
		[]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"errors":[{"code":131000,"title":"x"}]}}]}]}`),
		[]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{},"messages":[{}]}}]}]}`),
		templateStatusBody("REJECTED", "INVALID_FORMAT", 1751247548, `,"rejection_info":{"reason":"r","recommendation":"x"}`),
		templateStatusBody("PAUSED", "NONE", 0, `,"other_info":{"title":"FIRST_PAUSE","description":"d"},"disable_info":{"disable_date":"1"}`),
		[]byte(`{}`),
		[]byte(``),
		[]byte(`{"entry":null}`),
		[]byte("\xff\xfe"),
	}
	for _, seed := range seeds {
		f.Add(seed)
	}
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", sign(body))
		rec := httptest.NewRecorder()
		h.handler.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusServiceUnavailable:
		default:
			t.Fatalf("unexpected status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
