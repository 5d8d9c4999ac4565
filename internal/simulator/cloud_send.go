package simulator

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// maxSendBody bounds what the messages endpoint reads; real requests are a few KB.
const maxSendBody = 1 << 20

var versionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

// cloudMessageSend is POST /{version}/{phone_number_id}/messages: Meta's one endpoint
// for sending messages, marking customer messages read and showing typing.
func (s *Simulator) cloudMessageSend(c echo.Context) error {
	version := c.Param("version")
	phoneNumberID := c.Param("phone_number_id")
	if !versionPattern.MatchString(version) {
		return writeGraphError(c, &apiError{
			httpStatus: http.StatusBadRequest,
			graph: graphError{
				Message: fmt.Sprintf("Unknown path components: /%s/messages", phoneNumberID),
				Type:    "OAuthException",
				Code:    2500,
			},
		})
	}
	if problem := s.checkAccessToken(c.Request()); problem != nil {
		return writeGraphError(c, problem)
	}
	number, ok := s.number(phoneNumberID)
	if !ok {
		return writeGraphError(c, unsupportedPostRequest(phoneNumberID))
	}
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, maxSendBody+1))
	if err != nil {
		return fmt.Errorf("simulator: read send body: %w", err)
	}
	if len(raw) > maxSendBody {
		return writeGraphError(c, invalidParameter("Request body must be at most %d bytes", maxSendBody))
	}
	request, problem := decodeSend(raw)
	if problem != nil {
		return writeGraphError(c, problem)
	}
	if request.Status != "" || (request.MessageID != "" && request.Type == "") {
		return s.cloudMessageMarkRead(c, number, request)
	}
	if problem := validateSend(request); problem != nil {
		return writeGraphError(c, problem)
	}
	return s.acceptSend(c, number, request, raw)
}

// checkAccessToken enforces the bearer token when one is configured.
func (s *Simulator) checkAccessToken(request *http.Request) *apiError {
	if s.config.AccessToken == "" {
		return nil
	}
	header := request.Header.Get("Authorization")
	token, found := strings.CutPrefix(header, "Bearer ")
	if !found || token == "" {
		return invalidAccessToken("An active access token must be used to query information about the current user.")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.config.AccessToken)) != 1 {
		return invalidAccessToken("Invalid OAuth access token - Cannot parse access token")
	}
	return nil
}

// decodeSend parses the body, telling malformed JSON apart from well-formed JSON
// with a field of the wrong type, as Meta's messages do.
func decodeSend(raw []byte) (*sendRequest, *apiError) {
	if !json.Valid(raw) {
		return nil, invalidParameter("Request body is not valid JSON")
	}
	var request sendRequest
	if err := json.Unmarshal(raw, &request); err != nil {
		var typeError *json.UnmarshalTypeError
		if errors.As(err, &typeError) && typeError.Field != "" {
			return nil, invalidParameter("Param %s must be of type %s, got %s", typeError.Field, typeError.Type, typeError.Value)
		}
		return nil, invalidParameter("Request body must be a JSON object")
	}
	if request.MessagingProduct == "" {
		return nil, requiredParameter("messaging_product")
	}
	if request.MessagingProduct != "whatsapp" {
		return nil, invalidParameter("Param messaging_product must be one of {WHATSAPP} - got %q.", request.MessagingProduct)
	}
	return &request, nil
}

// cloudMessageMarkRead handles {"status":"read","message_id":...}: the business
// marking a customer's message read (blue ticks), optionally showing typing.
func (s *Simulator) cloudMessageMarkRead(c echo.Context, number BusinessNumber, request *sendRequest) error {
	if request.Status != "read" {
		return writeGraphError(c, invalidParameter("Param status must be one of {READ} - got %q.", request.Status))
	}
	if request.MessageID == "" {
		return writeGraphError(c, requiredParameter("message_id"))
	}
	if request.TypingIndicator != nil && request.TypingIndicator.Type != "text" {
		return writeGraphError(c, invalidParameter("Param typing_indicator['type'] must be one of {TEXT} - got %q.", request.TypingIndicator.Type))
	}
	s.mu.Lock()
	target, ok := s.state.byWAMID[request.MessageID]
	if ok && (target.Direction != directionFromCustomer || target.PhoneNumberID != number.PhoneNumberID) {
		ok = false
	}
	if ok {
		target.Status = statusRead
	}
	s.mu.Unlock()
	if !ok {
		return writeGraphError(c, invalidParameter("Param message_id %q is not a message received by this phone number", request.MessageID))
	}
	return c.JSON(http.StatusOK, map[string]bool{"success": true})
}

// acceptSend applies any injected failure, records the message and starts its status
// lifecycle. Free-form messages outside the customer-service window are accepted and
// fail later, which is how the Cloud API reports them.
func (s *Simulator) acceptSend(c echo.Context, number BusinessNumber, request *sendRequest, raw []byte) error {
	to := *request.To
	waID := digitsOnly(to)
	now := time.Now()

	s.mu.Lock()
	if s.state.closed {
		s.mu.Unlock()
		return writeGraphError(c, injectedHTTPError(failureHTTP503))
	}
	failureKind := s.state.takeFailure()
	if problem := injectedHTTPError(failureKind); problem != nil {
		s.mu.Unlock()
		s.logger.Info("simulator: injected failure", "kind", failureKind, "to", waID)
		return writeGraphError(c, problem)
	}
	if failureKind == failureTimeout {
		s.mu.Unlock()
		s.logger.Info("simulator: injected failure: holding request", "kind", failureKind, "to", waID)
		select {
		case <-c.Request().Context().Done():
			// The client gave up; like a lost request, nothing was accepted.
			return nil
		case <-s.closing:
			return writeGraphError(c, injectedHTTPError(failureHTTP503))
		}
	}

	var template *templateDefinition
	summary := summarizeSend(request)
	if request.Type == "template" {
		registered, problem := s.checkTemplateSendLocked(request.Template)
		if problem != nil {
			s.mu.Unlock()
			return writeGraphError(c, problem)
		}
		copied := *registered
		template = &copied
		summary = templateText(template, request.Template, "BODY")
	}

	var failure *webhookStatusError
	key := conversationKey{waID: waID, phoneNumberID: number.PhoneNumberID}
	switch {
	case failureKind == failureReengagement:
		failure = new(reengagementError())
	case failureKind == failureUndeliverable:
		failure = new(undeliverableError())
	case request.Type != "template" && !s.state.withinWindow(key, now):
		failure = new(reengagementError())
	case unknownMediaLocked(&s.state, request):
		failure = new(mediaDownloadError())
	}
	category := "service"
	if request.Type == "template" {
		category = "utility"
	}
	s.state.ensureCustomer(waID, "", number.PhoneNumberID, now)
	replyTo := ""
	if request.Context != nil {
		replyTo = request.Context.MessageID
	}
	stored := s.state.addMessage(message{
		WAMID:         newWAMID(waID),
		WAID:          waID,
		PhoneNumberID: number.PhoneNumberID,
		Direction:     directionToCustomer,
		Kind:          request.Type,
		Text:          summary,
		Payload:       json.RawMessage(append([]byte(nil), raw...)),
		Template:      template,
		MediaName:     s.mediaNameLocked(request),
		ReplyTo:       replyTo,
		Timestamp:     now,
		Status:        statusAccepted,
		CallbackData:  request.BizOpaqueCallbackData,
	})
	wamid := stored.WAMID
	s.startBackground(func() { s.runStatusLifecycle(stored, number, category, failure) })
	s.mu.Unlock()

	response := sendResponse{
		MessagingProduct: "whatsapp",
		Contacts:         []sendResponseContact{{Input: to, WAID: waID}},
		Messages:         []sendResponseMessage{{ID: wamid}},
	}
	if request.Type == "template" {
		response.Messages[0].MessageStatus = "accepted"
	}
	return c.JSON(http.StatusOK, response)
}
