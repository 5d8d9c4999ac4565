package simulator

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiError is a Graph API error together with the HTTP status it travels with.
type apiError struct {
	httpStatus int
	graph      graphError
}

// whatsappError builds the usual shape of a messages-endpoint error: a "(#code) title"
// message and the WhatsApp-specific details under error_data.
func whatsappError(httpStatus, code int, title, details string) *apiError {
	return &apiError{
		httpStatus: httpStatus,
		graph: graphError{
			Message:   fmt.Sprintf("(#%d) %s", code, title),
			Type:      "OAuthException",
			Code:      code,
			ErrorData: &graphErrorData{MessagingProduct: "whatsapp", Details: details},
		},
	}
}

// invalidParameter is Meta's catch-all for a parameter with a wrong value or type.
func invalidParameter(format string, args ...any) *apiError {
	return whatsappError(http.StatusBadRequest, 100, "Invalid parameter", fmt.Sprintf(format, args...))
}

// requiredParameter is Meta's error for a missing parameter.
func requiredParameter(name string) *apiError {
	text := fmt.Sprintf("The parameter %s is required.", name)
	return whatsappError(http.StatusBadRequest, 100, text, text)
}

// invalidValue is Meta's error for a value outside what the parameter allows
// (lengths, counts, duplicates).
func invalidValue(format string, args ...any) *apiError {
	return whatsappError(http.StatusBadRequest, 131009, "Parameter value is not valid", fmt.Sprintf(format, args...))
}

// unsupportedPostRequest is the Graph API's answer for a path object that does not exist.
func unsupportedPostRequest(objectID string) *apiError {
	return &apiError{
		httpStatus: http.StatusBadRequest,
		graph: graphError{
			Message: fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist, cannot be loaded due to "+
				"missing permissions, or does not support this operation. Please read the Graph API documentation at "+
				"https://developers.facebook.com/docs/graph-api", objectID),
			Type:         "GraphMethodException",
			Code:         100,
			ErrorSubcode: 33,
		},
	}
}

// invalidAccessToken is the Graph API's answer for a missing or wrong token.
func invalidAccessToken(message string) *apiError {
	return &apiError{
		httpStatus: http.StatusUnauthorized,
		graph:      graphError{Message: message, Type: "OAuthException", Code: 190},
	}
}

// transientError marks the error as one worth retrying, as Meta does for outages.
func (e *apiError) transient() *apiError {
	yes := true
	e.graph.IsTransient = &yes
	return e
}

// writeGraphError sends err in Meta's envelope with a fresh trace id.
func writeGraphError(c echo.Context, err *apiError) error {
	body := err.graph
	body.FBTraceID = newTraceID()
	if err.httpStatus == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", fmt.Sprintf(`OAuth "Facebook Platform" "invalid_token" "%s"`, body.Message))
	}
	return c.JSON(err.httpStatus, graphErrorEnvelope{Error: body})
}

// injectedHTTPError is the answer for a failure rule that fails the request itself.
func injectedHTTPError(kind string) *apiError {
	switch kind {
	case failureHTTP500:
		return whatsappError(http.StatusInternalServerError, 131000, "Something went wrong",
			"Message failed to send due to an unknown error.").transient()
	case failureHTTP503:
		return whatsappError(http.StatusServiceUnavailable, 2, "Service temporarily unavailable",
			"Temporary due to downtime or due to being overloaded.").transient()
	case failureHTTP429:
		return whatsappError(http.StatusTooManyRequests, 80007, "Rate limit issues",
			"The WhatsApp Business Account has reached its rate limit.").transient()
	case failureRateLimit:
		return whatsappError(http.StatusBadRequest, 130429, "Rate limit hit",
			"Cloud API message throughput has been reached.")
	}
	return nil
}
