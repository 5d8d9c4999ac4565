// Package web wires HTTP to Switchboard: routes (routes.go is the table of contents), middleware, and one thin
// handler per page or action that parses input, calls internal/*, and renders a component.
package web

import (
	"log/slog"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"switchboard/internal/events"
	"switchboard/internal/inbound"
	"switchboard/internal/interaction"
	"switchboard/internal/maps"
	"switchboard/internal/media"
	"switchboard/internal/notify"
	"switchboard/internal/options"
	"switchboard/store"
)

// Mounter is something that adds its own routes under a prefix (the built-in WhatsApp simulator).
type Mounter interface {
	Mount(g *echo.Group)
}

// Kicker is woken when there may be new work.
type Kicker interface{ Kick() }

// Deps is everything the handlers use.
type Deps struct {
	Store        *store.Store
	Options      *options.Set
	Bus          events.Bus
	Interactions *interaction.Service
	Notify       *notify.Service // the response library, notifications and the 24-hour rule
	Intake       *inbound.Intake
	Router       Kicker
	Media        *media.Files // where attachments are stored
	Log          *slog.Logger
	Now          func() time.Time

	AppSecret     []byte // verifies X-Hub-Signature-256
	VerifyToken   string // answers Meta's subscription handshake
	CookieKey     []byte // signs the session cookie
	SecureCookies bool   // set the Secure flag (when served over HTTPS)
	Simulator     Mounter
	MapFetcher    *maps.Fetcher // nil makes New create one
	// ShuttingDown closes when the server stops, ending long-lived event streams so shutdown need not wait
	// for them.
	ShuttingDown <-chan struct{}
}

// Server holds the handlers' dependencies.
type Server struct {
	Deps
	cookies *sessions.CookieStore
}

// New builds the Echo instance with every route and middleware.
func New(deps Deps) *echo.Echo {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.MapFetcher == nil {
		deps.MapFetcher = maps.NewFetcher()
	}
	s := &Server{Deps: deps, cookies: sessions.NewCookieStore(deps.CookieKey)}
	s.cookies.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   0, // a browser-session cookie; the server-side record decides how long it is valid
		HttpOnly: true,
		Secure:   deps.SecureCookies,
		SameSite: 2, // http.SameSiteLaxMode: the login redirect must carry it
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	s.routes(e)
	return e
}
