package web

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/interaction"
)

// composerSendSpecial handles the composer's Send when it is more than one text inside the window: text
// with a response's attachments (sent as separate messages, text first), or anything after the response
// window ended (sent as the automatic notification). handled is false for a plain text message, which
// messageSend sends as before.
func (s *Server) composerSendSpecial(c echo.Context, interactionID int64) (handled bool, err error) {
	ctx := c.Request().Context()
	user := currentUser(c)
	form, err := c.FormParams()
	if err != nil {
		return true, echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	files := attachmentIDs(form["attachment"])
	if len(files) == 0 {
		i, err := s.heldInteraction(ctx, user, interactionID, "active")
		if err != nil {
			return false, nil // messageSend gives the usual answer
		}
		window, err := s.Notify.Window(ctx, i)
		if err != nil {
			return true, err
		}
		if window.Open(s.Now().UnixMilli()) {
			return false, nil
		}
	}
	text := form.Get("text")
	messages, err := s.Notify.SendComposer(ctx, user, interactionID, text, files)
	var inputError *interaction.InputError
	switch {
	case errors.As(err, &inputError):
		composer, cerr := s.composerView(ctx, interactionID)
		if cerr != nil {
			return true, cerr
		}
		composer.Text, composer.Error, composer.Attachments = text, inputError.Message, s.composerAttachments(ctx, files)
		return true, render(c, http.StatusUnprocessableEntity, components.Composer(composer))
	case errors.Is(err, interaction.ErrStale):
		return true, s.staleResponse(c)
	case err != nil:
		return true, err
	}
	vc, err := s.viewContext(c)
	if err != nil {
		return true, err
	}
	composer, err := s.composerView(ctx, interactionID)
	if err != nil {
		return true, err
	}
	parts := []templ.Component{components.Composer(composer)}
	for _, m := range messages {
		line, _, err := s.singleMessageView(ctx, vc, m.ID)
		if err != nil {
			return true, err
		}
		parts = append(parts, oob("beforeend", hashID("messages", interactionID), components.Message(line)))
	}
	return true, render(c, http.StatusOK, templ.Join(parts...))
}
