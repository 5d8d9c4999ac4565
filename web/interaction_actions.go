package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/events"
	"switchboard/internal/interaction"
	"switchboard/store"
)

// interactionAccept takes an offered interaction; the response carries the same fragments the event stream
// sends, so the pane opens even if the stream is reconnecting.
func (s *Server) interactionAccept(c echo.Context) error {
	return s.offerAction(c, s.Interactions.Accept, events.InteractionOpened)
}

// interactionReject sends an offered interaction back to the queue for another agent.
func (s *Server) interactionReject(c echo.Context) error {
	return s.offerAction(c, s.Interactions.Reject, events.OfferWithdrawn)
}

func (s *Server) offerAction(c echo.Context, action func(ctx context.Context, agentID, interactionID int64) error, kind string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = action(c.Request().Context(), currentUser(c).ID, id)
	if errors.Is(err, interaction.ErrStale) {
		return s.staleResponse(c)
	}
	if err != nil {
		return err
	}
	return s.respondWithFragments(c, http.StatusOK, events.Event{Kind: kind, InteractionID: id}, nil)
}

// respondWithFragments answers an htmx action with out-of-band fragments for event e (and an optional flash
// message on top).
func (s *Server) respondWithFragments(c echo.Context, status int, e events.Event, flash templ.Component) error {
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	fragments, err := s.workspaceFragments(c.Request().Context(), vc, currentUser(c), e)
	if err != nil {
		return err
	}
	parts := []templ.Component{}
	if flash != nil {
		parts = append(parts, oob("innerHTML", "#flash", flash))
	}
	if fragments != nil {
		parts = append(parts, fragments)
	}
	return render(c, status, templ.Join(parts...))
}

// staleResponse tells the agent the interaction moved on and brings the whole workspace up to date.
func (s *Server) staleResponse(c echo.Context) error {
	flash := components.ErrorFragment(components.ErrorView{Title: "Already changed.", Message: "This interaction changed in the meantime (the offer may have timed out or it was closed elsewhere). Your workspace is now up to date."})
	c.Response().Header().Set("HX-Reswap", "none")
	return s.respondWithFragments(c, http.StatusOK, events.Event{Kind: syncEvent}, flash)
}

// messageSend sends what the agent wrote in the composer (see notify.SendComposer): inside the response
// window the text, then each of a response's attached files as its own message; after it, the text wrapped
// in the default notification. The messages are committed as queued and handed to the outbox. A refusal
// keeps the typed text and the attached files in the composer with the reason below it.
func (s *Server) messageSend(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	ctx := c.Request().Context()
	user := currentUser(c)
	text, files := form.Get("text"), attachmentIDs(form["attachment"])
	messages, err := s.Notify.SendComposer(ctx, user, id, text, files)
	var inputError *interaction.InputError
	switch {
	case errors.As(err, &inputError):
		composer, err := s.composerView(ctx, id)
		if err != nil {
			return err
		}
		composer.Text, composer.Error, composer.Attachments = text, inputError.Message, s.composerAttachments(ctx, files)
		return render(c, http.StatusUnprocessableEntity, components.Composer(composer))
	case errors.Is(err, interaction.ErrStale):
		return s.staleResponse(c)
	case err != nil:
		return err
	}
	return s.sentAnswer(c, id, messages)
}

// sentAnswer is the answer to anything the agent sent from the composer (text, files, a response): a fresh
// composer, the new messages in the transcript, and the customer no longer waiting for an answer.
func (s *Server) sentAnswer(c echo.Context, interactionID int64, messages []store.Message) error {
	ctx := c.Request().Context()
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	composer, err := s.composerView(ctx, interactionID)
	if err != nil {
		return err
	}
	parts := []templ.Component{components.Composer(composer)}
	for _, m := range messages {
		view, _, err := s.singleMessageView(ctx, vc, m.ID)
		if err != nil {
			return err
		}
		parts = append(parts, oobIfPresent("beforeend", hashID("messages", interactionID), components.Message(view)))
	}
	bar, err := s.barFragment(ctx, vc, currentUser(c))
	if err != nil {
		return err
	}
	parts = append(parts, oobIfPresent("innerHTML", hashID("pending", interactionID), components.PendingIndicator(0)), bar)
	return render(c, http.StatusOK, templ.Join(parts...))
}

// interactionDone closes the interaction with a disposition code and note.
func (s *Server) interactionDone(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	dispositionID, _ := strconv.ParseInt(c.FormValue("disposition"), 10, 64)
	note := c.FormValue("note")
	err = s.Interactions.Close(c.Request().Context(), currentUser(c).ID, id, dispositionID, note)
	var inputError *interaction.InputError
	switch {
	case errors.As(err, &inputError):
		done, derr := s.doneView(c.Request().Context(), id)
		if derr != nil {
			return derr
		}
		done.Selected, done.Note, done.Error, done.Open = c.FormValue("disposition"), note, inputError.Message, true
		return render(c, http.StatusUnprocessableEntity, components.DoneForm(done))
	case errors.Is(err, interaction.ErrStale):
		return s.staleResponse(c)
	case err != nil:
		return err
	}
	c.Response().Header().Set("HX-Reswap", "none")
	return s.respondWithFragments(c, http.StatusOK, events.Event{Kind: events.InteractionClosed, InteractionID: id}, nil)
}
