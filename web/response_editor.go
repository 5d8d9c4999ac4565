package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/interaction"
	"switchboard/internal/notify"
	"switchboard/store"
)

// editorParams reads the interaction and response ids of an editor URL; anything else is a 404.
func editorParams(c echo.Context) (interactionID, responseID int64, err error) {
	if interactionID, err = idParam(c); err != nil {
		return 0, 0, err
	}
	responseID, err = strconv.ParseInt(c.Param("response"), 10, 64)
	if err != nil || responseID <= 0 {
		return 0, 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return interactionID, responseID, nil
}

// editorForm is what an editor's form carries to its URL: the interaction and response, the values by
// field key and the chosen header file.
type editorForm struct {
	interactionID, responseID int64
	lookup                    func(string) (string, bool)
	headerFileID              int64
}

func readEditorForm(c echo.Context) (editorForm, error) {
	interactionID, responseID, err := editorParams(c)
	if err != nil {
		return editorForm{}, err
	}
	form, err := c.FormParams()
	if err != nil {
		return editorForm{}, echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	headerFileID, _ := strconv.ParseInt(form.Get("header_file_id"), 10, 64)
	return editorForm{interactionID: interactionID, responseID: responseID, lookup: formLookup(form), headerFileID: headerFileID}, nil
}

func formLookup(form url.Values) func(string) (string, bool) {
	return func(key string) (string, bool) {
		values, ok := form["f."+key]
		if !ok || len(values) == 0 {
			return "", false
		}
		return values[0], true
	}
}

// editorView is the editor's view model for a draft.
func (s *Server) editorView(ctx context.Context, interactionID int64, draft notify.Draft) (components.EditorView, error) {
	view := components.EditorView{InteractionID: interactionID, ResponseID: draft.ResponseID, Kind: draft.Kind, KindLabel: notify.KindLabel(draft.Kind),
		Name: draft.Name, Template: draft.Template, Problems: draft.Problems, Valid: draft.Valid(),
		Header:  components.EditorHeaderView{Format: draft.Header.Format, FileID: draft.Header.FileID, Name: draft.Header.Name, Changeable: draft.Header.Changeable},
		Preview: richView(draft.Preview(), false)}
	for _, f := range draft.Fields {
		view.Fields = append(view.Fields, components.EditorField{Key: f.Key, Label: f.Label, Value: f.Value, Limit: f.Limit, Multiline: f.Multiline, Error: f.Error})
	}
	if notify.Interactive(draft.Kind) {
		i, err := s.Store.InteractionByID(ctx, interactionID)
		if err != nil {
			return components.EditorView{}, err
		}
		window, err := s.Notify.Window(ctx, i)
		if err != nil {
			return components.EditorView{}, err
		}
		if !window.Open(s.Now().UnixMilli()) {
			view.Error = "The response window has ended: reply buttons and lists can only be sent within 24 hours of the customer's last message. Send a notification instead."
			view.Valid = false
		}
	}
	return view, nil
}

// responseEditorShow opens a notification, reply-button or list response in the editor.
func (s *Server) responseEditorShow(c echo.Context) error {
	interactionID, responseID, err := editorParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	draft, err := s.Notify.Edit(ctx, currentUser(c), interactionID, responseID, nil, 0)
	if err != nil {
		return s.editorError(c, err)
	}
	view, err := s.editorView(ctx, interactionID, draft)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.Editor(view))
}

// responsePreview re-checks the editor's values as the agent types and answers with a new preview, the
// problems, Send enabled or not, and each field's message out of band.
func (s *Server) responsePreview(c echo.Context) error {
	f, err := readEditorForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	draft, err := s.Notify.Edit(ctx, currentUser(c), f.interactionID, f.responseID, f.lookup, f.headerFileID)
	var inputError *interaction.InputError
	if errors.As(err, &inputError) {
		draft, err = s.Notify.Edit(ctx, currentUser(c), f.interactionID, f.responseID, f.lookup, 0)
	}
	if err != nil {
		return s.editorError(c, err)
	}
	view, err := s.editorView(ctx, f.interactionID, draft)
	if err != nil {
		return err
	}
	if inputError != nil {
		view.Header.Error, view.Valid = inputError.Message, false
	}
	return render(c, http.StatusOK, templ.Join(components.EditorResult(view), components.EditorFieldErrors(view)))
}

// responseSend sends the edited response. The editor closes and the message appears in the transcript;
// a refusal keeps the editor with what is wrong.
func (s *Server) responseSend(c echo.Context) error {
	f, err := readEditorForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	user := currentUser(c)
	message, err := s.Notify.SendResponse(ctx, user, f.interactionID, f.responseID, f.lookup, f.headerFileID)
	var draftError *notify.DraftError
	var inputError *interaction.InputError
	switch {
	case errors.As(err, &draftError):
		view, err := s.editorView(ctx, f.interactionID, draftError.Draft)
		if err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, components.Editor(view))
	case errors.As(err, &inputError):
		draft, derr := s.Notify.Edit(ctx, user, f.interactionID, f.responseID, f.lookup, 0)
		if derr != nil {
			return s.editorError(c, derr)
		}
		view, verr := s.editorView(ctx, f.interactionID, draft)
		if verr != nil {
			return verr
		}
		view.Error, view.Valid = inputError.Message, false
		return render(c, http.StatusUnprocessableEntity, components.Editor(view))
	case err != nil:
		return s.editorError(c, err)
	}
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	line, _, err := s.singleMessageView(ctx, vc, message.ID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, oob("beforeend", hashID("messages", f.interactionID), components.Message(line)))
}

// responseHeaderUpload takes the file an agent chose for the editor's media header and answers with the
// new preview; the hidden field and the file name change out of band.
func (s *Server) responseHeaderUpload(c echo.Context) error {
	allowSlowUpload(c) // before the form is read
	f, err := readEditorForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	user := currentUser(c)
	draft, err := s.Notify.Edit(ctx, user, f.interactionID, f.responseID, f.lookup, 0)
	if err != nil {
		return s.editorError(c, err)
	}
	if !draft.Header.Changeable {
		return echo.NewHTTPError(http.StatusForbidden, "You may not change this message's header file.")
	}
	problem := ""
	file, header, err := c.Request().FormFile("file")
	if err != nil {
		problem = "Choose a file to upload."
	} else {
		defer file.Close()
		uploaded, err := s.Notify.Upload(ctx, user, header.Filename, file, draft.Header.Format)
		var inputError *interaction.InputError
		switch {
		case errors.As(err, &inputError):
			problem = inputError.Message
		case err != nil:
			return err
		default:
			f.headerFileID = uploaded.ID
		}
	}
	if problem == "" || f.headerFileID != 0 {
		if chosen, err := s.Notify.Edit(ctx, user, f.interactionID, f.responseID, f.lookup, f.headerFileID); err == nil {
			draft = chosen
		}
	}
	view, err := s.editorView(ctx, f.interactionID, draft)
	if err != nil {
		return err
	}
	if problem != "" {
		view.Header.Error, view.Valid = problem, false
	}
	return render(c, http.StatusOK, templ.Join(components.EditorResult(view), components.EditorFieldErrors(view), components.EditorHeaderFile(view)))
}

// editorError answers errors of the editor's requests: an interaction that moved on brings the workspace
// up to date; the rest go to the error handler.
func (s *Server) editorError(c echo.Context, err error) error {
	if errors.Is(err, interaction.ErrStale) {
		return s.staleResponse(c)
	}
	if errors.Is(err, store.ErrNotFound) {
		return interaction.ErrNotFound
	}
	return err
}
