package web

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/interaction"
	"switchboard/internal/media"
	"switchboard/internal/options"
)

const (
	// uploadBodyLimit admits the largest file plus its form; the handler enforces the exact limits.
	uploadBodyLimit = "102MiB"
	maxUploadBytes  = 102 << 20 // uploadBodyLimit in bytes
	// uploadFormAllowance is what the multipart framing and the caption may add to a file.
	uploadFormAllowance = 2 << 20
	// uploadReadTimeout replaces the server's read timeout for an upload, which may take long on a slow line.
	uploadReadTimeout = 30 * time.Minute
)

// attachmentUpload sends the file the agent attached (with the typed text as its caption). The body is a
// multipart form read as a stream: the file goes straight to a temporary file while it is hashed, its type
// is recognised from its content, and only a file that passes every check is kept and queued. A refused
// file leaves nothing behind and the composer says exactly why, keeping the typed text.
func (s *Server) attachmentUpload(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	user := currentUser(c)
	// Decide whether the agent may write here before reading a byte of the file.
	err = s.Interactions.CheckSend(ctx, user.ID, id)
	if errors.Is(err, interaction.ErrStale) {
		return s.staleResponse(c)
	}
	if err != nil {
		return err
	}
	limits := media.LimitsFrom(s.Options)
	announced := c.Request().ContentLength
	allowSlowUpload(c)
	form, err := c.Request().MultipartReader()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The upload is not a form with a file.")
	}
	var text, name string
	var staged *media.Staged
	defer func() {
		if staged != nil {
			staged.Discard() // does nothing once the file was kept
		}
	}()
	textLimit := min(int64(s.Options.Int(options.MaxTextMessageSize))+1, 1<<20)
	for {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errUploadInterrupted
		}
		switch part.FormName() {
		case "text":
			value, err := io.ReadAll(io.LimitReader(part, textLimit))
			if err != nil {
				return errUploadInterrupted
			}
			text = string(value)
		case "file":
			if staged != nil {
				return s.uploadRefused(c, id, text, &media.Refusal{Reason: "Attach one file at a time."})
			}
			name = media.CleanName(part.FileName())
			if announced > limits.Largest()+uploadFormAllowance {
				// Too large by its announced length: refuse without reading the file.
				return s.uploadRefused(c, id, text, limits.TooLarge(name))
			}
			staged, err = s.Media.Stage(part, limits.Largest())
			if errors.Is(err, media.ErrTooLarge) {
				return s.uploadRefused(c, id, text, limits.TooLarge(name))
			}
			if err != nil {
				return errUploadInterrupted
			}
		}
		part.Close()
	}
	if staged == nil {
		return s.uploadRefused(c, id, text, &media.Refusal{Reason: "Choose a file to send."})
	}
	typ, detectErr := media.Detect(staged, staged.Size)
	if err := limits.Check(name, staged.Size, typ, detectErr); err != nil {
		if refusal, ok := errors.AsType[*media.Refusal](err); ok {
			return s.uploadRefused(c, id, text, refusal)
		}
		return err
	}
	messages, err := s.Interactions.SendAttachment(ctx, user.ID, id, text, interaction.Attachment{File: staged, Type: typ, Name: name})
	var inputError *interaction.InputError
	switch {
	case errors.As(err, &inputError):
		return s.uploadRefused(c, id, text, &media.Refusal{Reason: inputError.Message})
	case errors.Is(err, interaction.ErrStale):
		return s.staleResponse(c)
	case err != nil:
		return err
	}
	return s.sentAnswer(c, id, messages)
}

// allowSlowUpload lifts the server's read timeout for a request that carries a file, which may take long
// on a slow line.
func allowSlowUpload(c echo.Context) {
	_ = http.NewResponseController(c.Response().Writer).SetReadDeadline(time.Now().Add(uploadReadTimeout))
}

// errUploadInterrupted answers an upload whose body broke off (the agent cancelled, the line dropped); what
// had arrived is already gone.
var errUploadInterrupted = echo.NewHTTPError(http.StatusBadRequest, "The upload was interrupted. Nothing was sent.")

// uploadRefused re-renders the composer with the reason and the typed text.
func (s *Server) uploadRefused(c echo.Context, interactionID int64, text string, refusal *media.Refusal) error {
	composer, err := s.composerView(c.Request().Context(), interactionID)
	if err != nil {
		return err
	}
	composer.Text, composer.Error = text, refusal.Reason
	return render(c, http.StatusUnprocessableEntity, components.Composer(composer))
}
