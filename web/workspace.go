package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/options"
)

// workspaceShow renders the agent's main window.
func (s *Server) workspaceShow(c echo.Context) error {
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	presence, offers, interactions, err := s.agentState(c.Request().Context(), vc, currentUser(c))
	if err != nil {
		return err
	}
	warning, maximum := s.Options.Pair(options.PendingResponseToCustomer)
	return render(c, http.StatusOK, components.WorkspacePage(components.WorkspaceView{
		Nav: s.nav(c, "workspace"),
		Attention: components.AttentionView{
			PendingWarning: warning, PendingMaximum: maximum,
			Blink: s.Options.Bool(options.NewMessageBlinking), BlinkSeconds: s.Options.Int(options.NewMessageBlinkingDuration),
			FocusNewMessages: s.Options.Bool(options.FocusOnNewMessages), ServerNow: s.Now().UnixMilli(),
		},
		Presence:     presence,
		Offers:       offers,
		Interactions: interactions,
	}))
}

// presenceUpdate sets Ready / Not Ready on the WhatsApp channel and re-renders the switch.
func (s *Server) presenceUpdate(c echo.Context) error {
	var ready bool
	switch c.FormValue("ready") {
	case "true":
		ready = true
	case "false":
	default:
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose Ready or Not Ready.")
	}
	user := currentUser(c)
	if err := s.Interactions.SetReady(c.Request().Context(), user.ID, ready); err != nil {
		return err
	}
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	presence, err := s.presenceView(c.Request().Context(), vc, user.ID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.Presence(presence))
}
