package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/internal/interaction"
	"switchboard/store"
)

// render writes a component as the response.
func render(c echo.Context, status int, component templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return component.Render(c.Request().Context(), c.Response().Writer)
}

// handleError renders every error: a full page for navigations, a fragment for htmx requests (which the
// htmx configuration puts into the page's flash area). Internal details are logged, never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	message := "Something went wrong on our side. The problem has been logged; please try again."
	var httpError *echo.HTTPError
	switch {
	case errors.As(err, &httpError):
		status = httpError.Code
		if m, ok := httpError.Message.(string); ok && status < 500 {
			message = m
		} else if status < 500 {
			message = http.StatusText(status)
		}
		if status == http.StatusNotFound && message == "Not Found" {
			message = "There is nothing at this address."
		}
		if status == http.StatusRequestEntityTooLarge {
			message = "The request is too large."
		}
	case errors.Is(err, interaction.ErrNotFound), errors.Is(err, store.ErrNotFound):
		status, message = http.StatusNotFound, "There is nothing at this address, or it is not yours to see."
	case errors.Is(err, interaction.ErrStale):
		status, message = http.StatusConflict, "This interaction has changed in the meantime (the offer may have timed out or it was closed elsewhere)."
	case errors.Is(err, store.ErrBusy):
		status, message = http.StatusServiceUnavailable, "The system is busy. Please try again in a moment."
	}
	if status >= 500 {
		s.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "1")
	}
	view := components.ErrorView{Status: status, Title: http.StatusText(status), Message: message}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if isHTMX(c) {
		_ = render(c, status, components.ErrorFragment(view))
		return
	}
	if user := currentUser(c); user.ID != 0 {
		nav := s.nav(c, "")
		view.Nav = &nav
	}
	_ = render(c, status, components.ErrorPage(view))
}

// nav builds the header view model for the signed-in user.
func (s *Server) nav(c echo.Context, section string) components.Nav {
	user := currentUser(c)
	return components.Nav{
		HighContrast:  user.HighContrast,
		ThemeVersion:  s.themeVersion(),
		UserName:      user.DisplayName,
		Role:          user.Role,
		CSRF:          csrfToken(c),
		Section:       section,
		CanSupervise:  auth.CanSupervise(user.Role),
		CanAdminister: auth.CanAdminister(user.Role),
	}
}

// viewerLocation is the signed-in browser's time zone (set by app.js in the "tz" cookie), UTC when unknown.
func viewerLocation(c echo.Context) *time.Location {
	cookie, err := c.Cookie("tz")
	if err != nil || cookie.Value == "" || len(cookie.Value) > 64 {
		return time.UTC
	}
	location, err := time.LoadLocation(cookie.Value)
	if err != nil {
		return time.UTC
	}
	return location
}

// idParam reads a positive integer path parameter; anything else is a 404.
func idParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}
