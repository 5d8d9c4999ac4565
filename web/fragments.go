package web

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/store"
)

// syncEvent asks for a full re-render of everything that changes; the stream sends it on every (re)connect so
// nothing published while a browser was away is missed.
const syncEvent = "sync"

// oobIfPresent is oob for a target the page may not show (a message in a session not loaded, a pane another
// tab closed): the hidden #oob-sink takes the content too, so htmx always has a target and never reports a
// missing one; app.js empties the sink.
func oobIfPresent(swap, target string, content templ.Component) templ.Component {
	return oob(swap, target+", #oob-sink", content)
}

// oob wraps content for an out-of-band swap of target.
func oob(swap, target string, content templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return components.OOB(swap, target).Render(templ.WithChildren(ctx, content), w)
	})
}

func hashID(prefix string, id int64) string { return "#" + prefix + "-" + strconv.FormatInt(id, 10) }

// workspaceFragments renders what event changes in the viewer's workspace, as out-of-band fragments. The
// event stream sends them and action responses return them, so both paths show the same markup. A nil
// component means the event changes nothing the viewer sees.
func (s *Server) workspaceFragments(ctx context.Context, vc viewContext, viewer store.User, e events.Event) (templ.Component, error) {
	switch e.Kind {
	case syncEvent:
		presence, offers, interactions, err := s.agentState(ctx, vc, viewer)
		if err != nil {
			return nil, err
		}
		return templ.Join(
			oob("innerHTML", "#presence-slot", components.Presence(presence)),
			oob("innerHTML", "#offers-slot", components.Offers(offers)),
			oob("innerHTML", "#bar-slot", components.InteractionBar(interactions)),
			oob("innerHTML", "#panes-slot", components.InteractionPanes(interactions)),
		), nil
	case events.PresenceChanged:
		presence, err := s.presenceView(ctx, vc, viewer.ID)
		if err != nil {
			return nil, err
		}
		return oob("innerHTML", "#presence-slot", components.Presence(presence)), nil
	case events.OfferMade, events.OfferWithdrawn:
		return s.offersFragment(ctx, vc, viewer)
	case events.InteractionOpened:
		offers, err := s.offersFragment(ctx, vc, viewer)
		if err != nil {
			return nil, err
		}
		bar, err := s.barFragment(ctx, vc, viewer)
		if err != nil {
			return nil, err
		}
		i, err := s.heldInteraction(ctx, viewer, e.InteractionID, store.StateActive)
		if errors.Is(err, store.ErrNotFound) {
			return templ.Join(offers, bar), nil
		}
		if err != nil {
			return nil, err
		}
		pane, err := s.interactionView(ctx, vc, i)
		if err != nil {
			return nil, err
		}
		// app.js skips an appended pane whose id is already on the page, so a repeated event is harmless.
		return templ.Join(offers, bar, oob("beforeend", "#interaction-panes", components.InteractionPane(pane))), nil
	case events.InteractionClosed:
		bar, err := s.barFragment(ctx, vc, viewer)
		if err != nil {
			return nil, err
		}
		return templ.Join(bar, oob("beforeend", "#closed-panes", components.ClosedPane(e.InteractionID))), nil
	case events.MessageAdded, events.MessageChanged:
		held, err := s.heldInteraction(ctx, viewer, e.InteractionID, store.StateActive)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		view, m, err := s.singleMessageView(ctx, vc, e.MessageID)
		if err != nil {
			return nil, err
		}
		if e.Kind == events.MessageChanged {
			return oobIfPresent("innerHTML", hashID("message", e.MessageID), components.MessageContent(view)), nil
		}
		bar, err := s.barFragment(ctx, vc, viewer)
		if err != nil {
			return nil, err
		}
		parts := []templ.Component{
			oobIfPresent("beforeend", hashID("messages", e.InteractionID), components.Message(view)),
			oobIfPresent("innerHTML", hashID("pending", e.InteractionID), components.PendingIndicator(held.PendingSince)),
			bar,
		}
		if m.Direction == store.DirectionIn {
			// A customer message reopens the 24-hour window.
			window, err := s.windowFragment(ctx, vc, e.InteractionID)
			if err != nil {
				return nil, err
			}
			parts = append(parts, window)
		}
		return templ.Join(parts...), nil
	}
	return nil, nil
}

func (s *Server) offersFragment(ctx context.Context, vc viewContext, viewer store.User) (templ.Component, error) {
	held, err := s.Store.AgentInteractions(ctx, viewer.ID)
	if err != nil {
		return nil, err
	}
	var offers []components.OfferView
	for _, i := range held {
		if i.State != store.StateOffered {
			continue
		}
		o, err := s.offerView(ctx, vc, i)
		if err != nil {
			return nil, err
		}
		offers = append(offers, o)
	}
	return oob("innerHTML", "#offers-slot", components.Offers(offers)), nil
}

// barFragment renders the interaction bar; it needs only names, not transcripts.
func (s *Server) barFragment(ctx context.Context, vc viewContext, viewer store.User) (templ.Component, error) {
	held, err := s.Store.AgentInteractions(ctx, viewer.ID)
	if err != nil {
		return nil, err
	}
	var list []components.InteractionView
	for _, i := range held {
		if i.State != store.StateActive {
			continue
		}
		contact, err := s.Store.ContactByID(ctx, i.ContactID)
		if err != nil {
			return nil, err
		}
		list = append(list, components.InteractionView{ID: i.ID, ContactName: vc.contactName(contact), Phone: phone(contact.WAID), PendingSince: i.PendingSince})
	}
	return oob("innerHTML", "#bar-slot", components.InteractionBar(list)), nil
}

// supervisorFragments renders what an event changes on the supervisor board.
func (s *Server) supervisorFragments(ctx context.Context, vc viewContext, viewer store.User, e events.Event) (templ.Component, error) {
	if !auth.CanSupervise(viewer.Role) {
		return nil, nil
	}
	switch e.Kind {
	case syncEvent, events.PresenceChanged, events.QueueChanged:
		board, err := s.boardView(ctx, vc)
		if err != nil {
			return nil, err
		}
		return oob("innerHTML", "#board-slot", components.Board(board)), nil
	}
	return nil, nil
}
