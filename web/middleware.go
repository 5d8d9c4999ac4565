package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"switchboard/internal/auth"
	"switchboard/store"
)

const (
	sessionCookie    = "switchboard"
	sessionTokenKey  = "token"
	csrfContextKey   = "csrf"
	userContextKey   = "user"
	sessionIDKey     = "session_id"
	formBodyLimit    = "1M"
	webhookBodyLimit = "3M"
)

// securityHeaders forbids framing, sniffing, and any script or style not served by Switchboard itself.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// multipartNeedsSession refuses a multipart body from someone not signed in before anything reads it: the
// CSRF check below looks for its token among the form fields, and for a multipart body that means parsing
// all of it (32 MB in memory, the rest in temporary files) before any route's body limit or sign-in check
// runs. A signed-in person's multipart body is capped at the largest upload any route takes. The webhook
// and the simulator's customer phone are not Switchboard's forms and are left to their own limits.
func (s *Server) multipartNeedsSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		request := c.Request()
		contentType := strings.ToLower(request.Header.Get(echo.HeaderContentType))
		if !strings.HasPrefix(contentType, "multipart/") || csrfExempt(request.URL.Path) {
			return next(c)
		}
		if _, _, err := s.currentSession(c); errors.Is(err, store.ErrNotFound) {
			return echo.NewHTTPError(http.StatusForbidden, "Sign in before sending files.")
		} else if err != nil {
			return err
		}
		request.Body = http.MaxBytesReader(c.Response(), request.Body, maxUploadBytes)
		return next(c)
	}
}

func csrfExempt(path string) bool {
	return strings.HasPrefix(path, "/webhooks/") || strings.HasPrefix(path, "/sim/") || strings.HasPrefix(path, "/static/")
}

// csrf checks a per-browser token on every state-changing request. Webhooks (signed by Meta) and the
// simulator (a stand-in for Meta) are not browser forms of Switchboard and are exempt.
func (s *Server) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:        func(c echo.Context) bool { return csrfExempt(c.Request().URL.Path) },
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		ContextKey:     csrfContextKey,
		CookieName:     "switchboard_csrf",
		CookiePath:     "/",
		CookieMaxAge:   30 * 24 * 3600,
		CookieHTTPOnly: true,
		CookieSecure:   s.SecureCookies,
		CookieSameSite: http.SameSiteStrictMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "This form has expired. Reload the page and try again.")
		},
	})
}

func csrfToken(c echo.Context) string {
	token, _ := c.Get(csrfContextKey).(string)
	return token
}

// bodyLimit answers 413 for larger bodies.
func bodyLimit(limit string) echo.MiddlewareFunc { return middleware.BodyLimit(limit) }

// recoverPanics turns a panic into a 500 page and a log line with the stack; the user never sees a trace.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.Log.Error("panic", "path", c.Request().URL.Path, "panic", r, "stack", string(debug.Stack()))
				err = echo.NewHTTPError(http.StatusInternalServerError)
			}
		}()
		return next(c)
	}
}

// logRequests writes one line per request (event streams when they end).
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		status := c.Response().Status
		level := s.Log.Debug
		if status >= 500 {
			level = s.Log.Error
		} else if status >= 400 {
			level = s.Log.Info
		}
		level("request", "method", req.Method, "path", req.URL.Path, "status", status, "duration", time.Since(start).Round(time.Microsecond))
		return nil
	}
}

// requireSession admits requests carrying a live session of an active user. Session records live in the
// database, so logout, deactivation and password changes end access at once.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		session, user, err := s.currentSession(c)
		if errors.Is(err, store.ErrNotFound) {
			return s.toLogin(c)
		}
		if err != nil {
			return err
		}
		now := s.Now()
		// Slide the expiry, but write at most once a minute per session.
		if now.UnixMilli()-session.LastSeenAt > time.Minute.Milliseconds() {
			if err := s.Store.TouchSession(c.Request().Context(), session.ID, now.UnixMilli(), now.Add(auth.SessionLifetime).UnixMilli()); err != nil {
				s.Log.Warn("touch session", "err", err)
			}
		}
		c.Set(userContextKey, user)
		c.Set(sessionIDKey, session.ID)
		return next(c)
	}
}

// currentSession resolves the session cookie; ErrNotFound when there is none or it is no longer valid.
func (s *Server) currentSession(c echo.Context) (store.Session, store.User, error) {
	cookieSession, err := s.cookies.Get(c.Request(), sessionCookie)
	if err != nil {
		return store.Session{}, store.User{}, store.ErrNotFound // a cookie signed with another key
	}
	token, _ := cookieSession.Values[sessionTokenKey].(string)
	if token == "" {
		return store.Session{}, store.User{}, store.ErrNotFound
	}
	session, user, err := s.Store.SessionUser(c.Request().Context(), auth.SessionID(token), s.Now().UnixMilli())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.Session{}, store.User{}, store.ErrNotFound
		}
		return store.Session{}, store.User{}, fmt.Errorf("web: session: %w", err)
	}
	return session, user, nil
}

func (s *Server) toLogin(c echo.Context) error {
	req := c.Request()
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", "/login")
		return c.NoContent(http.StatusUnauthorized)
	}
	if req.Method != http.MethodGet {
		return echo.NewHTTPError(http.StatusUnauthorized, "Your session has ended. Log in again.")
	}
	next := req.URL.RequestURI()
	if next == "/" {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
}

func (s *Server) requireSupervisor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !auth.CanSupervise(currentUser(c).Role) {
			return echo.NewHTTPError(http.StatusForbidden, "This page is for supervisors.")
		}
		return next(c)
	}
}

func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !auth.CanAdminister(currentUser(c).Role) {
			return echo.NewHTTPError(http.StatusForbidden, "This page is for admins.")
		}
		return next(c)
	}
}

func currentUser(c echo.Context) store.User {
	u, _ := c.Get(userContextKey).(store.User)
	return u
}

func currentSessionID(c echo.Context) string {
	id, _ := c.Get(sessionIDKey).(string)
	return id
}

func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }
