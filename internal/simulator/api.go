package simulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Kinds of failure a test can inject into the next sends.
const (
	failureHTTP500       = "http500"
	failureHTTP503       = "http503"
	failureHTTP429       = "http429"
	failureRateLimit     = "rate_limit"
	failureReengagement  = "reengagement"
	failureUndeliverable = "undeliverable"
	failureTimeout       = "timeout"
)

var failureKinds = []string{
	failureHTTP500, failureHTTP503, failureHTTP429, failureRateLimit,
	failureReengagement, failureUndeliverable, failureTimeout,
}

// apiProblem is the JSON API's own error body (the Cloud API stand-in uses Meta's).
type apiProblem struct {
	Error string `json:"error"`
}

func apiFail(c echo.Context, status int, text string) error {
	return c.JSON(status, apiProblem{Error: text})
}

// apiCustomerMessageRequest is the body of POST /api/customers/:wa_id/messages.
// Text covers the common case; Type and Payload pass any other Meta message kind
// through unchanged (payload is the object Meta nests under the type key).
type apiCustomerMessageRequest struct {
	Name          string          `json:"name"`
	PhoneNumberID string          `json:"phone_number_id"`
	Text          string          `json:"text"`
	Type          string          `json:"type"`
	Payload       json.RawMessage `json:"payload"`
	Timestamp     int64           `json:"timestamp"`
	ReplyTo       string          `json:"reply_to"`
}

// apiCustomerMessageResponse tells the caller which wamid the product will see.
type apiCustomerMessageResponse struct {
	WAMID string `json:"wamid"`
	// Delivered is set with ?wait=1 once the product answered 2xx.
	Delivered bool `json:"delivered,omitempty"`
	// ProductStatus is the product's last HTTP status when waiting.
	ProductStatus int    `json:"product_status,omitempty"`
	Error         string `json:"error,omitempty"`
}

// apiCustomerMessageCreate is POST /api/customers/:wa_id/messages: the customer sends
// a message. Answers 202 once the webhook is queued, or with ?wait=1 once the product
// acknowledged it (502 if it never did).
func (s *Simulator) apiCustomerMessageCreate(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return apiFail(c, http.StatusBadRequest, "wa_id must be 5 to 15 digits")
	}
	var body apiCustomerMessageRequest
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, maxSendBody)).Decode(&body); err != nil {
		return apiFail(c, http.StatusBadRequest, "body must be a JSON object: "+err.Error())
	}
	var input customerMessageInput
	switch body.Type {
	case "", "text":
		if body.Text == "" {
			return apiFail(c, http.StatusBadRequest, "text is required")
		}
		input = textInput(waID, body.Name, body.PhoneNumberID, body.Text)
	default:
		var object map[string]json.RawMessage
		if err := json.Unmarshal(body.Payload, &object); err != nil {
			return apiFail(c, http.StatusBadRequest, "payload must be the JSON object Meta nests under the type key")
		}
		input = customerMessageInput{WAID: waID, Name: body.Name, PhoneNumberID: body.PhoneNumberID, Kind: body.Type, Payload: body.Payload}
	}
	if body.Timestamp > 0 {
		input.Timestamp = time.Unix(body.Timestamp, 0)
	}
	input.ReplyTo = body.ReplyTo

	stored, result, err := s.receiveFromCustomer(input)
	switch {
	case errors.Is(err, errUnknownNumber), errors.Is(err, errUnknownQuotedMessage):
		return apiFail(c, http.StatusBadRequest, err.Error())
	case errors.Is(err, errClosed):
		return apiFail(c, http.StatusServiceUnavailable, err.Error())
	case err != nil:
		return err
	}
	if !isTruthy(c.QueryParam("wait")) {
		return c.JSON(http.StatusAccepted, apiCustomerMessageResponse{WAMID: stored.WAMID})
	}
	select {
	case outcome := <-result:
		if outcome.err != nil {
			return c.JSON(http.StatusBadGateway, apiCustomerMessageResponse{
				WAMID: stored.WAMID, ProductStatus: outcome.statusCode, Error: outcome.err.Error(),
			})
		}
		return c.JSON(http.StatusAccepted, apiCustomerMessageResponse{
			WAMID: stored.WAMID, Delivered: true, ProductStatus: outcome.statusCode,
		})
	case <-c.Request().Context().Done():
		return nil
	}
}

func isTruthy(value string) bool {
	return value == "1" || value == "true" || value == "yes"
}

// apiMessage is one message of a conversation as the phone sees it.
type apiMessage struct {
	WAMID         string          `json:"wamid"`
	Direction     string          `json:"direction"`
	Type          string          `json:"type"`
	Text          string          `json:"text"`
	Timestamp     int64           `json:"timestamp"`
	Status        string          `json:"status,omitempty"`
	PhoneNumberID string          `json:"phone_number_id"`
	ReplyTo       string          `json:"reply_to,omitempty"`
	Payload       json.RawMessage `json:"payload,omitempty"`
}

func toAPIMessage(m message) apiMessage {
	return apiMessage{
		WAMID:         m.WAMID,
		Direction:     m.Direction,
		Type:          m.Kind,
		Text:          m.Text,
		Timestamp:     m.Timestamp.Unix(),
		Status:        m.Status,
		PhoneNumberID: m.PhoneNumberID,
		ReplyTo:       m.ReplyTo,
		Payload:       m.Payload,
	}
}

// apiCustomerMessagesList is GET /api/customers/:wa_id/messages.
func (s *Simulator) apiCustomerMessagesList(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return apiFail(c, http.StatusBadRequest, "wa_id must be 5 to 15 digits")
	}
	s.mu.Lock()
	thread := s.state.thread(waID, c.QueryParam("phone_number_id"))
	s.mu.Unlock()
	list := make([]apiMessage, 0, len(thread))
	for _, m := range thread {
		list = append(list, toAPIMessage(m))
	}
	return c.JSON(http.StatusOK, list)
}

// apiCustomerMessagesRead is POST /api/customers/:wa_id/read: the customer opens the
// chat and reads everything the business sent.
func (s *Simulator) apiCustomerMessagesRead(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return apiFail(c, http.StatusBadRequest, "wa_id must be 5 to 15 digits")
	}
	marked := s.markRead(waID, c.QueryParam("phone_number_id"))
	return c.JSON(http.StatusOK, map[string]int{"marked": marked})
}

// apiSentMessage is one accepted business message with the exact request body.
type apiSentMessage struct {
	WAMID         string          `json:"wamid"`
	PhoneNumberID string          `json:"phone_number_id"`
	To            string          `json:"to"`
	Type          string          `json:"type"`
	Timestamp     int64           `json:"timestamp"`
	Status        string          `json:"status"`
	Request       json.RawMessage `json:"request"`
}

// apiSentList is GET /api/sent: everything the business sent, oldest first.
func (s *Simulator) apiSentList(c echo.Context) error {
	s.mu.Lock()
	list := make([]apiSentMessage, 0)
	for _, m := range s.state.messages {
		if m.Direction != directionToCustomer {
			continue
		}
		list = append(list, apiSentMessage{
			WAMID:         m.WAMID,
			PhoneNumberID: m.PhoneNumberID,
			To:            m.WAID,
			Type:          m.Kind,
			Timestamp:     m.Timestamp.Unix(),
			Status:        m.Status,
			Request:       m.Payload,
		})
	}
	s.mu.Unlock()
	return c.JSON(http.StatusOK, list)
}

// apiFailuresCreate is POST /api/failures: the next Count sends fail as Kind.
func (s *Simulator) apiFailuresCreate(c echo.Context) error {
	var rule failureRule
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 4096)).Decode(&rule); err != nil {
		return apiFail(c, http.StatusBadRequest, "body must be a JSON object: "+err.Error())
	}
	if !contains(failureKinds, rule.Kind) {
		return apiFail(c, http.StatusBadRequest, "kind must be one of http500, http503, http429, rate_limit, reengagement, undeliverable, timeout")
	}
	if rule.Remaining < 0 {
		return apiFail(c, http.StatusBadRequest, "count must not be negative")
	}
	if rule.Remaining == 0 {
		rule.Remaining = 1
	}
	s.mu.Lock()
	s.state.failures = append(s.state.failures, &rule)
	pending := s.pendingFailuresLocked()
	s.mu.Unlock()
	return c.JSON(http.StatusCreated, pending)
}

// apiFailuresList is GET /api/failures: the failures still waiting for sends.
func (s *Simulator) apiFailuresList(c echo.Context) error {
	s.mu.Lock()
	pending := s.pendingFailuresLocked()
	s.mu.Unlock()
	return c.JSON(http.StatusOK, pending)
}

// apiFailuresClear is DELETE /api/failures.
func (s *Simulator) apiFailuresClear(c echo.Context) error {
	s.mu.Lock()
	s.state.failures = nil
	s.mu.Unlock()
	return c.NoContent(http.StatusNoContent)
}

func (s *Simulator) pendingFailuresLocked() []failureRule {
	pending := make([]failureRule, 0, len(s.state.failures))
	for _, rule := range s.state.failures {
		pending = append(pending, *rule)
	}
	return pending
}
