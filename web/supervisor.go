package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/options"
	"switchboard/store"
)

// supervisorShow renders the live board of presence and queues.
func (s *Server) supervisorShow(c echo.Context) error {
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	board, err := s.boardView(c.Request().Context(), vc)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.SupervisorPage(components.SupervisorView{Nav: s.nav(c, "supervisor"), Board: board}))
}

func (s *Server) boardView(ctx context.Context, vc viewContext) (components.BoardView, error) {
	people, err := s.Store.Presence(ctx, vc.now.UnixMilli())
	if err != nil {
		return components.BoardView{}, err
	}
	open, err := s.Store.OpenInteractions(ctx)
	if err != nil {
		return components.BoardView{}, err
	}
	capacity := s.Options.Int(options.MaxConcurrentInteractions)
	names := map[int64]string{}
	var board components.BoardView
	for _, p := range people {
		names[p.ID] = p.DisplayName
		row := components.AgentRow{Name: p.DisplayName, Username: p.Username, Role: p.Role, Ready: p.Ready, LoggedIn: p.LoggedIn, Open: p.Open, Capacity: capacity}
		if p.Ready {
			row.Since = "since " + vc.clock(p.ReadySince)
			if p.LoggedIn {
				board.ReadyCount++
			}
		}
		board.Agents = append(board.Agents, row)
	}
	for _, i := range open {
		contact, err := s.Store.ContactByID(ctx, i.ContactID)
		if err != nil {
			return components.BoardView{}, err
		}
		row := components.QueueRow{InteractionID: i.ID, ContactID: contact.ID, ContactName: vc.contactName(contact), Phone: phone(contact.WAID),
			State: i.State, Agent: names[i.AgentID], Since: vc.clock(i.CreatedAt)}
		if i.State == store.StateQueued {
			board.Waiting = append(board.Waiting, row)
		} else {
			board.InProgress = append(board.InProgress, row)
		}
	}
	board.WaitingCount = len(board.Waiting)
	return board, nil
}
