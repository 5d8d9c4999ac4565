package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// wellKnownTitles gives a readable title to the Cloud API error codes an agent is most likely to meet,
// for responses that do not carry error_user_title.
var wellKnownTitles = map[int]string{
	100:    "Invalid parameter",
	190:    "Access token has expired",
	368:    "Temporarily blocked for policies violations",
	130429: "Rate limit hit",
	131000: "Something went wrong",
	131016: "Service unavailable",
	131026: "Message undeliverable",
	131030: "Recipient phone number not in allowed list",
	131047: "Re-engagement message",
	131051: "Unsupported message type",
	131056: "Pair rate limit hit",
}

// transientCodes are error codes that describe a temporary condition on Meta's side or a rate limit:
// the same request may succeed later. 1 and 2 are unknown and service errors, 4 and 80007 are
// application and account rate limits.
var transientCodes = map[int]bool{
	1:      true,
	2:      true,
	4:      true,
	80007:  true,
	130429: true,
	131000: true,
	131016: true,
	131056: true,
}

// APIError is an error response from the Cloud API: the request reached Meta and was answered, so
// the message was not sent.
type APIError struct {
	HTTPStatus int
	Code       int
	Subcode    int
	Type       string
	// Title is error_user_title when Meta sends one, otherwise a well-known title for Code, otherwise
	// Message.
	Title     string
	Message   string
	Details   string
	FBTraceID string
}

// Error describes the failure with the details Meta support asks for.
func (e *APIError) Error() string {
	var text strings.Builder
	text.WriteString("api error")
	if e.Code != 0 {
		fmt.Fprintf(&text, " %d", e.Code)
	}
	if e.Subcode != 0 {
		fmt.Fprintf(&text, "/%d", e.Subcode)
	}
	fmt.Fprintf(&text, " (http %d)", e.HTTPStatus)
	if e.Title != "" {
		text.WriteString(": " + e.Title)
	}
	if e.Message != "" && e.Message != e.Title {
		text.WriteString(": " + e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		text.WriteString(" (" + e.Details + ")")
	}
	if e.FBTraceID != "" {
		text.WriteString(" [fbtrace_id " + e.FBTraceID + "]")
	}
	return text.String()
}

// Transient reports whether the same request may succeed if sent again later: server errors, rate
// limits and Meta's temporary failures. Everything else (an expired token, a closed service window, a
// bad parameter) fails again until someone changes something.
func (e *APIError) Transient() bool {
	return e.HTTPStatus >= 500 || e.HTTPStatus == http.StatusTooManyRequests || transientCodes[e.Code]
}

// TransportError is a failure to get an answer from the Cloud API at all.
type TransportError struct {
	Err error
	// MaybeDelivered is false only when the request certainly never reached the server. When it is
	// true Meta may have accepted the message, so sending it again could deliver it twice.
	MaybeDelivered bool
}

// Error describes the failure and whether the message may have gone out.
func (e *TransportError) Error() string {
	if e.MaybeDelivered {
		return fmt.Sprintf("transport: %v (the message may have been delivered)", e.Err)
	}
	return fmt.Sprintf("transport: %v (the message was not sent)", e.Err)
}

// Unwrap exposes the underlying network error.
func (e *TransportError) Unwrap() error {
	return e.Err
}

// IsTransient reports whether a failed Send may be retried: a transient API error, or a transport
// failure that certainly happened before the request reached the server. An ambiguous transport
// failure is not transient, because retrying it could send the message twice.
func IsTransient(err error) bool {
	if apiError, ok := errors.AsType[*APIError](err); ok {
		return apiError.Transient()
	}
	if transportError, ok := errors.AsType[*TransportError](err); ok {
		return !transportError.MaybeDelivered
	}
	return false
}

// wireAPIError is Meta's Graph API error body.
type wireAPIError struct {
	Error *struct {
		Message   string `json:"message"`
		Type      string `json:"type"`
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode"`
		UserTitle string `json:"error_user_title"`
		// ErrorData is an object with "details" for WhatsApp errors, but other Graph endpoints and
		// proxies send a plain string; both are accepted.
		ErrorData errorData `json:"error_data"`
		FBTraceID string    `json:"fbtrace_id"`
	} `json:"error"`
}

type errorData struct {
	Details string
}

// UnmarshalJSON takes details from an object, or the whole string; anything else is ignored because
// error_data only adds detail to an error that is already being reported.
func (d *errorData) UnmarshalJSON(data []byte) error {
	var object struct {
		Details string `json:"details"`
	}
	if err := json.Unmarshal(data, &object); err == nil {
		d.Details = object.Details
		return nil
	}
	var text string
	if err := json.Unmarshal(data, &text); err == nil {
		d.Details = text
	}
	return nil
}

// maxErrorTextLength bounds how much of an unparsable error body is copied into an APIError, so a proxy's
// HTML error page does not end up whole in logs and in the transcript.
const maxErrorTextLength = 512

// parseAPIError builds the APIError for a non-2xx response.
func parseAPIError(status int, body []byte) *APIError {
	apiError := &APIError{HTTPStatus: status}
	var wire wireAPIError
	if err := json.Unmarshal(body, &wire); err == nil && wire.Error != nil {
		apiError.Code = wire.Error.Code
		apiError.Subcode = wire.Error.Subcode
		apiError.Type = wire.Error.Type
		apiError.Message = wire.Error.Message
		apiError.Details = wire.Error.ErrorData.Details
		apiError.FBTraceID = wire.Error.FBTraceID
		apiError.Title = wire.Error.UserTitle
	} else {
		apiError.Message = strings.TrimSpace(strings.ToValidUTF8(string(body), ""))
		if len(apiError.Message) > maxErrorTextLength {
			apiError.Message = strings.ToValidUTF8(apiError.Message[:maxErrorTextLength], "") + "…"
		}
		if apiError.Message == "" {
			apiError.Message = http.StatusText(status)
		}
	}
	if apiError.Title == "" {
		apiError.Title = wellKnownTitles[apiError.Code]
	}
	if apiError.Title == "" {
		apiError.Title = apiError.Message
	}
	return apiError
}
