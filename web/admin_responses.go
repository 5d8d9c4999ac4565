package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/interaction"
	"switchboard/internal/notify"
	"switchboard/store"
)

// responsesAdminShow lists the Standard Response Library.
func (s *Server) responsesAdminShow(c echo.Context) error {
	view, err := s.responsesAdminView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.ResponsesAdminPage(view))
}

func (s *Server) responsesAdminView(c echo.Context) (components.ResponsesAdminView, error) {
	ctx := c.Request().Context()
	categories, err := s.Store.ResponseCategories(ctx)
	if err != nil {
		return components.ResponsesAdminView{}, err
	}
	responses, err := s.Store.ListResponses(ctx, false, "", "")
	if err != nil {
		return components.ResponsesAdminView{}, err
	}
	view := components.ResponsesAdminView{Nav: s.nav(c, "admin"), New: components.ResponseNewForm{Kind: notify.KindText}}
	counts := map[int64]int{}
	for _, r := range responses {
		counts[r.CategoryID]++
		view.Responses = append(view.Responses, components.ResponseRow{ID: r.ID, Name: r.Name, Category: r.CategoryName, Kind: notify.KindLabel(r.Kind),
			Shortcut: r.Shortcut, Active: r.Active, Status: r.WAStatus, Detail: r.WADetail, Blocked: notify.Unsendable(r) != ""})
	}
	for _, cat := range categories {
		view.Categories = append(view.Categories, components.CategoryRow{ID: cat.ID, Name: cat.Name, Count: counts[cat.ID]})
	}
	for _, k := range notify.Kinds {
		view.Kinds = append(view.Kinds, components.Option{Value: k.Value, Label: k.Label})
	}
	return view, nil
}

// responseCategoryCreate adds a category.
func (s *Server) responseCategoryCreate(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	problem := ""
	if name == "" || utf8.RuneCountInString(name) > 80 {
		problem = "A category name is 1 to 80 characters."
	} else if _, err := s.Store.CreateResponseCategory(c.Request().Context(), name); errors.Is(err, store.ErrConflict) {
		problem = "That category exists already."
	} else if err != nil {
		return err
	}
	if problem != "" {
		view, err := s.responsesAdminView(c)
		if err != nil {
			return err
		}
		view.Category, view.Error = name, problem
		return render(c, http.StatusUnprocessableEntity, components.ResponsesAdminPage(view))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/responses")
}

// responseCategoryDelete removes an empty category.
func (s *Server) responseCategoryDelete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = s.Store.DeleteResponseCategory(c.Request().Context(), id)
	if errors.Is(err, store.ErrConflict) {
		return echo.NewHTTPError(http.StatusConflict, "Only an empty category can be removed.")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/responses")
}

// responseNewShow is the empty form of a new response of the chosen kind.
func (s *Server) responseNewShow(c echo.Context) error {
	kind := c.QueryParam("kind")
	if notify.KindLabel(kind) == kind {
		return echo.NewHTTPError(http.StatusNotFound, "Choose a kind of response.")
	}
	view, err := s.responseEditView(c, store.Response{Kind: kind, Name: strings.TrimSpace(c.QueryParam("name")), Active: true})
	if err != nil {
		return err
	}
	view.CategoryID = c.QueryParam("category")
	return render(c, http.StatusOK, components.ResponseEditPage(view))
}

// responseEditShow is the edit page of one response.
func (s *Server) responseEditShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	response, err := s.Store.ResponseByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	view, err := s.responseEditView(c, response)
	if err != nil {
		return err
	}
	view.Saved = c.QueryParam("saved") == "1"
	return render(c, http.StatusOK, components.ResponseEditPage(view))
}

func (s *Server) responseEditView(c echo.Context, r store.Response) (components.ResponseEditView, error) {
	ctx := c.Request().Context()
	categories, err := s.Store.ResponseCategories(ctx)
	if err != nil {
		return components.ResponseEditView{}, err
	}
	view := components.ResponseEditView{Nav: s.nav(c, "admin"), ID: r.ID, Kind: r.Kind, KindLabel: notify.KindLabel(r.Kind), Name: r.Name,
		CategoryID: strconv.FormatInt(r.CategoryID, 10), Shortcut: r.Shortcut, Active: r.Active, Body: r.Body,
		Status: r.WAStatus, StatusDetail: r.WADetail, StatusBlocked: notify.Unsendable(r) != "", Errors: map[string]string{}}
	for _, cat := range categories {
		view.Categories = append(view.Categories, components.Option{Value: strconv.FormatInt(cat.ID, 10), Label: cat.Name})
	}
	for _, f := range notify.Fields {
		view.Fields = append(view.Fields, components.Option{Value: "{" + f.Name + "}", Label: f.Label})
	}
	for _, f := range r.Attachments {
		view.Attachments = append(view.Attachments, components.ResponseFileView{ID: f.ID, Name: f.Filename, Size: components.FileSize(f.Size)})
	}
	definition, err := notify.ParseDefinition(r.Kind, r.Definition)
	if err != nil {
		return components.ResponseEditView{}, err
	}
	view.Template = templateForm(definition.Template)
	view.Interactive = interactiveForm(definition)
	var headerFile int64
	switch {
	case definition.Template != nil:
		headerFile = definition.Template.Header.FileID
	case definition.Buttons != nil:
		headerFile = definition.Buttons.Header.FileID
	}
	if headerFile != 0 {
		if file, err := s.Store.OutboundFileByID(ctx, headerFile); err == nil {
			view.Template.HeaderFile, view.Interactive.HeaderFile = file.Filename, file.Filename
		}
	}
	return view, nil
}

// responseSave creates a response (id 0) or saves one; a notification is then registered with WhatsApp.
// A form with problems changes nothing and comes back with what was typed.
func (s *Server) responseSave(c echo.Context) error {
	ctx := c.Request().Context()
	var id int64
	if c.Param("id") != "" {
		var err error
		if id, err = idParam(c); err != nil {
			return err
		}
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	in := notify.ResponseInput{ID: id, Name: form.Get("name"), Kind: form.Get("kind"), Shortcut: form.Get("shortcut"),
		Body: form.Get("body"), Active: form.Get("active") == "true"}
	in.CategoryID, _ = strconv.ParseInt(form.Get("category"), 10, 64)
	var previous notify.Definition
	if id != 0 {
		stored, err := s.Store.ResponseByID(ctx, id)
		if err != nil {
			return err
		}
		in.Kind = stored.Kind
		if previous, err = notify.ParseDefinition(stored.Kind, stored.Definition); err != nil {
			return err
		}
	}
	switch in.Kind {
	case notify.KindNotification:
		in.Definition.Template = templateFromForm(form, previous.Template)
	case notify.KindButtons:
		in.Definition.Buttons = buttonsFromForm(form, previous.Buttons)
	case notify.KindList:
		in.Definition.List = listFromForm(form)
	}
	savedID, problems, err := s.Notify.SaveResponse(ctx, in)
	if errors.Is(err, interaction.ErrNotFound) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return s.responseFormAgain(c, id, in, form, problems)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/responses/"+strconv.FormatInt(savedID, 10)+"?saved=1")
}

// responseFormAgain shows the edit form with what was typed and the problems.
func (s *Server) responseFormAgain(c echo.Context, id int64, in notify.ResponseInput, form url.Values, problems notify.Problems) error {
	record := store.Response{ID: id, Kind: in.Kind, Name: in.Name, CategoryID: in.CategoryID, Shortcut: in.Shortcut, Body: in.Body,
		Active: in.Active, Definition: in.Definition.Encode()}
	if id != 0 {
		if stored, err := s.Store.ResponseByID(c.Request().Context(), id); err == nil {
			record.Attachments, record.WAStatus, record.WADetail = stored.Attachments, stored.WAStatus, stored.WADetail
		}
	}
	view, err := s.responseEditView(c, record)
	if err != nil {
		return err
	}
	if in.Kind == notify.KindList {
		// Show the slots as typed, not as regrouped into sections.
		for n := 1; n <= listRowSlots && n <= len(view.Interactive.Rows); n++ {
			prefix := "row" + strconv.Itoa(n)
			view.Interactive.Rows[n-1] = components.ListRowForm{N: n, Section: form.Get(prefix + "_section"), Title: form.Get(prefix + "_title"), Description: form.Get(prefix + "_description")}
		}
	}
	view.Shortcut = strings.TrimSpace(form.Get("shortcut"))
	for field, message := range problems {
		view.Errors[field] = message
	}
	return render(c, http.StatusUnprocessableEntity, components.ResponseEditPage(view))
}

// responseDelete removes a response.
func (s *Server) responseDelete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteResponse(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/responses")
}

// responseRegister submits a notification's template to WhatsApp again.
func (s *Server) responseRegister(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := s.Notify.Register(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/responses/"+strconv.FormatInt(id, 10))
}

// responseAttachmentCreate adds a file to a text response.
func (s *Server) responseAttachmentCreate(c echo.Context) error {
	return s.responseFileUpload(c, "attachment", func(id int64, name string, content io.Reader) error {
		_, err := s.Notify.AddAttachment(c.Request().Context(), id, name, content)
		return err
	})
}

// responseHeaderFileSave sets the default file of a media header.
func (s *Server) responseHeaderFileSave(c echo.Context) error {
	return s.responseFileUpload(c, "header_file", func(id int64, name string, content io.Reader) error {
		_, err := s.Notify.SetHeaderFile(c.Request().Context(), id, name, content)
		return err
	})
}

// responseFileUpload hands the form's file to save as a stream, which keeps it in media storage or
// refuses it; a refusal shows the edit page again with the reason beside field.
func (s *Server) responseFileUpload(c echo.Context, field string, save func(id int64, name string, content io.Reader) error) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	file, header, err := c.Request().FormFile("file")
	if err != nil {
		err = &interaction.InputError{Field: field, Message: "Choose a file to upload."}
	} else {
		defer file.Close()
		err = save(id, header.Filename, file)
	}
	var inputError *interaction.InputError
	if errors.As(err, &inputError) {
		response, rerr := s.Store.ResponseByID(c.Request().Context(), id)
		if rerr != nil {
			return rerr
		}
		view, verr := s.responseEditView(c, response)
		if verr != nil {
			return verr
		}
		view.Errors[field] = inputError.Message
		return render(c, http.StatusUnprocessableEntity, components.ResponseEditPage(view))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/responses/"+strconv.FormatInt(id, 10)+"?saved=1")
}

// responseAttachmentDelete removes a file from a text response.
func (s *Server) responseAttachmentDelete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(c.Param("file"), 10, 64)
	if err != nil || fileID <= 0 {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err := s.Store.DetachFromResponse(c.Request().Context(), id, fileID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/responses/"+strconv.FormatInt(id, 10))
}
