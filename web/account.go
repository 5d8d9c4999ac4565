package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/internal/events"
)

func (s *Server) accountShow(c echo.Context) error {
	return render(c, http.StatusOK, components.AccountPage(components.AccountView{Nav: s.nav(c, "account"), Name: currentUser(c).DisplayName, Changed: c.QueryParam("changed") == "1"}))
}

// accountPasswordUpdate changes the user's own password and signs out their other sessions.
func (s *Server) accountPasswordUpdate(c echo.Context) error {
	user := currentUser(c)
	view := components.AccountView{Nav: s.nav(c, "account"), Name: user.DisplayName}
	password := c.FormValue("password")
	if !auth.CheckPassword(user.PasswordHash, c.FormValue("current")) {
		view.Error = "The current password is wrong."
		return render(c, http.StatusUnprocessableEntity, components.AccountPage(view))
	}
	if err := auth.ValidatePassword(password); err != nil {
		view.Error = "The new " + err.Error() + "."
		return render(c, http.StatusUnprocessableEntity, components.AccountPage(view))
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(c.Request().Context(), user.ID, hash, currentSessionID(c)); err != nil {
		return err
	}
	s.Bus.Publish(events.UserTopic(user.ID), events.Event{Kind: events.SessionInvalidated})
	return c.Redirect(http.StatusSeeOther, "/account?changed=1")
}
