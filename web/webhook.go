package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// webhookVerify answers Meta's subscription handshake: hub.mode=subscribe with our verify token gets the
// challenge back; anything else is refused.
func (s *Server) webhookVerify(c echo.Context) error {
	challenge, ok := whatsapp.VerifyChallenge(c.QueryParams(), s.VerifyToken)
	if !ok {
		return c.String(http.StatusForbidden, "verification failed")
	}
	return c.String(http.StatusOK, challenge)
}

// webhookReceive takes a Cloud API webhook. The signature is checked on the raw body before anything is
// parsed; 200 is returned only once every item is committed (or quarantined), so Meta redelivers anything
// not stored. A locked database answers 503 for the same reason.
func (s *Server) webhookReceive(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		// The body limit middleware reports a body that outgrows the limit while streaming (no Content-Length)
		// as its own 413 error, not as *http.MaxBytesError.
		if errors.As(err, &tooLarge) || errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return c.String(http.StatusRequestEntityTooLarge, "payload too large")
		}
		return c.String(http.StatusBadRequest, "could not read body")
	}
	if !whatsapp.VerifySignature(s.AppSecret, body, c.Request().Header.Get("X-Hub-Signature-256")) {
		s.Log.Warn("webhook refused: bad signature", "remote", c.RealIP(), "bytes", len(body))
		return c.String(http.StatusUnauthorized, "invalid signature")
	}
	batch, err := whatsapp.ParseWebhook(body)
	if err != nil {
		// A signed body that is not a webhook at all: keep it, say so, and do not ask for redelivery of
		// something that will never parse.
		if qerr := s.Store.AddQuarantine(c.Request().Context(), "webhook", err.Error(), string(body), s.Now().UnixMilli()); qerr != nil {
			return s.webhookStoreFailed(c, qerr)
		}
		s.Log.Warn("webhook body quarantined", "err", err)
		return c.String(http.StatusBadRequest, "malformed webhook payload")
	}
	result, err := s.Intake.Process(c.Request().Context(), batch)
	if err != nil {
		return s.webhookStoreFailed(c, err)
	}
	s.Log.Debug("webhook stored", "messages", result.Messages, "duplicates", result.Duplicates, "statuses", result.Statuses,
		"template_statuses", result.TemplateStatuses, "unknown_templates", result.UnknownTemplates, "quarantined", result.Quarantined)
	return c.String(http.StatusOK, "ok")
}

func (s *Server) webhookStoreFailed(c echo.Context, err error) error {
	if errors.Is(err, store.ErrBusy) {
		s.Log.Warn("webhook deferred: database busy", "err", err)
		c.Response().Header().Set("Retry-After", "1")
		return c.String(http.StatusServiceUnavailable, "busy, retry")
	}
	s.Log.Error("webhook not stored", "err", err)
	return c.String(http.StatusInternalServerError, "not stored, retry")
}
