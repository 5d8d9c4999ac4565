package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/internal/options"
)

// loginShow renders the sign-in form, or goes to the workspace when already signed in.
func (s *Server) loginShow(c echo.Context) error {
	if _, _, err := s.currentSession(c); err == nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return render(c, http.StatusOK, components.LoginPage(components.LoginView{CSRF: csrfToken(c), Next: safeNext(c.QueryParam("next"))}))
}

// loginSubmit checks credentials, opens a fresh server-side session (a new id at every login) and sets the
// cookie that refers to it.
func (s *Server) loginSubmit(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	view := components.LoginView{CSRF: csrfToken(c), Username: username, Next: next}
	if username == "" || password == "" {
		view.Error = "Enter your username and password."
		return render(c, http.StatusUnprocessableEntity, components.LoginPage(view))
	}
	user, token, err := auth.Login(c.Request().Context(), s.Store, username, password, s.Now())
	if errors.Is(err, auth.ErrBadCredentials) {
		s.Log.Info("login refused", "username", username, "remote", c.RealIP())
		view.Error = "Wrong username or password."
		return render(c, http.StatusUnprocessableEntity, components.LoginPage(view))
	}
	if err != nil {
		return err
	}
	// A session that came in with the request (another user on this browser, or a planted id) ends here.
	if old, _, err := s.currentSession(c); err == nil {
		_ = s.Store.DeleteSession(c.Request().Context(), old.ID)
	}
	cookieSession, _ := s.cookies.New(c.Request(), sessionCookie)
	cookieSession.Values[sessionTokenKey] = token
	if err := cookieSession.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	if s.Options.Bool(options.ReadyAtLogin) {
		if err := s.Interactions.SetReady(c.Request().Context(), user.ID, true); err != nil {
			return err
		}
	}
	s.Log.Info("login", "user", user.Username)
	return c.Redirect(http.StatusSeeOther, next)
}

// logoutSubmit ends the session. When it was the person's last session they also stop being Ready, so
// nothing is offered to someone who left.
func (s *Server) logoutSubmit(c echo.Context) error {
	session, user, err := s.currentSession(c)
	if err == nil {
		ctx := c.Request().Context()
		if err := s.Store.DeleteSession(ctx, session.ID); err != nil {
			return err
		}
		if live, err := s.Store.CountLiveSessions(ctx, user.ID, s.Now().UnixMilli()); err == nil && live == 0 && user.Ready {
			if err := s.Interactions.SetReady(ctx, user.ID, false); err != nil {
				return err
			}
		}
		s.Log.Info("logout", "user", user.Username)
	}
	cookieSession, _ := s.cookies.New(c.Request(), sessionCookie)
	cookieSession.Options.MaxAge = -1
	_ = cookieSession.Save(c.Request(), c.Response())
	return c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps only same-site paths, so the login form cannot be used to send people elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
