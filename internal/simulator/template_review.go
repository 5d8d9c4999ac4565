package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
)

// templateStatusField is the webhook field of template status changes.
const templateStatusField = "message_template_status_update"

// templateQueue is the webhook queue of the account's template news; customers' queues are keyed by
// their digits, so it cannot collide with one.
const templateQueue = "templates"

// reviewEventPattern is what an event looks like: Meta's events are upper-case words joined by _.
var reviewEventPattern = regexp.MustCompile(`^[A-Z][A-Z_]{1,39}$`)

// statusAfter is a template's status once event happened: reinstating or unarchiving makes it
// approved again; a flag, lock, unlock or the account reaching its template limit leaves it as it was;
// any other event is the new status.
func statusAfter(current, event string) string {
	switch event {
	case "REINSTATED", "UNARCHIVED":
		return "APPROVED"
	case "FLAGGED", "LOCKED", "UNLOCKED", "LIMIT_EXCEEDED":
		return current
	}
	return event
}

// queueTemplateStatusLocked tells the product, as Meta does by webhook, that a template's status changed
// (event, with Meta's reason: "NONE" when there is none). Template news are queued in order on their
// own queue. The caller must hold s.mu.
func (s *Simulator) queueTemplateStatusLocked(t *templateDefinition, event, reason string, info *templateStatusInfo) <-chan webhookResult {
	if reason == "" {
		reason = "NONE"
	}
	body, err := json.Marshal(templateStatusWebhook{
		Object: "whatsapp_business_account",
		Entry: []templateStatusEntry{{
			ID:   accountID,
			Time: time.Now().Unix(),
			Changes: []templateStatusChange{{
				Field: templateStatusField,
				Value: templateStatusValue{
					Event: event, MessageTemplateID: json.Number(t.ID), MessageTemplateName: t.Name, MessageTemplateLanguage: t.Language,
					Reason: reason, MessageTemplateCategory: t.Category, OtherInfo: info,
				},
			}},
		}},
	})
	result := make(chan webhookResult, 1)
	if err != nil {
		result <- webhookResult{err: fmt.Errorf("simulator: encode template status: %w", err)}
		return result
	}
	s.enqueueWebhookLocked(templateQueue, webhookJob{body: body, description: "template " + t.Name + " " + t.Language + " " + event, result: result})
	return result
}

// apiTemplateReviewRequest is the body of POST /api/templates/review: what WhatsApp's reviewers (or its
// quality checks) decide about a registered template.
type apiTemplateReviewRequest struct {
	Name        string `json:"name"`
	Language    string `json:"language"`
	Event       string `json:"event"`       // APPROVED, REJECTED, PAUSED, DISABLED, REINSTATED, FLAGGED, ...
	Reason      string `json:"reason"`      // INVALID_FORMAT, ABUSIVE_CONTENT, ...; "NONE" when empty
	Title       string `json:"title"`       // other_info, e.g. FIRST_PAUSE
	Description string `json:"description"` // other_info's text
}

// apiTemplateReviewResponse says what the template's status is now and whether the product took the news.
type apiTemplateReviewResponse struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Delivered     bool   `json:"delivered,omitempty"`
	ProductStatus int    `json:"product_status,omitempty"`
	Error         string `json:"error,omitempty"`
}

// apiTemplateReview is POST /api/templates/review: the simulated reviewer changes a template's status
// (rejects it, pauses it, reinstates it, ...) and Meta's webhook tells the product. Answers 202 once the
// webhook is queued, or with ?wait=1 once the product acknowledged it (502 if it never did).
func (s *Simulator) apiTemplateReview(c echo.Context) error {
	var body apiTemplateReviewRequest
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, maxSendBody)).Decode(&body); err != nil {
		return apiFail(c, http.StatusBadRequest, "body must be a JSON object: "+err.Error())
	}
	if !reviewEventPattern.MatchString(body.Event) {
		return apiFail(c, http.StatusBadRequest, "event must be one of Meta's, such as APPROVED, REJECTED, PAUSED, DISABLED or REINSTATED")
	}
	if body.Reason != "" && !reviewEventPattern.MatchString(body.Reason) {
		return apiFail(c, http.StatusBadRequest, "reason must be one of Meta's, such as INVALID_FORMAT or ABUSIVE_CONTENT")
	}
	var info *templateStatusInfo
	if body.Title != "" || body.Description != "" {
		info = &templateStatusInfo{Title: body.Title, Description: body.Description}
	}
	s.mu.Lock()
	if s.state.closed {
		s.mu.Unlock()
		return apiFail(c, http.StatusServiceUnavailable, errClosed.Error())
	}
	t, ok := s.state.templates[templateKey(body.Name, body.Language)]
	if !ok {
		s.mu.Unlock()
		return apiFail(c, http.StatusNotFound, fmt.Sprintf("no template %q in %q", body.Name, body.Language))
	}
	t.Status = statusAfter(t.Status, body.Event)
	answer := apiTemplateReviewResponse{ID: t.ID, Status: t.Status}
	result := s.queueTemplateStatusLocked(t, body.Event, body.Reason, info)
	s.mu.Unlock()
	if !isTruthy(c.QueryParam("wait")) {
		return c.JSON(http.StatusAccepted, answer)
	}
	select {
	case outcome := <-result:
		answer.ProductStatus = outcome.statusCode
		if outcome.err != nil {
			answer.Error = outcome.err.Error()
			return c.JSON(http.StatusBadGateway, answer)
		}
		answer.Delivered = true
		return c.JSON(http.StatusAccepted, answer)
	case <-c.Request().Context().Done():
		return nil
	}
}
