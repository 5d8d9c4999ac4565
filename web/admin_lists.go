package web

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/store"
)

func (s *Server) dispositionsView(c echo.Context) (components.DispositionsView, error) {
	codes, err := s.Store.Dispositions(c.Request().Context(), false)
	if err != nil {
		return components.DispositionsView{}, err
	}
	view := components.DispositionsView{Nav: s.nav(c, "admin")}
	for _, d := range codes {
		view.Codes = append(view.Codes, components.DispositionRow{ID: d.ID, Name: d.Name, Active: d.Active})
	}
	return view, nil
}

func (s *Server) dispositionsShow(c echo.Context) error {
	view, err := s.dispositionsView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.DispositionsPage(view))
}

// dispositionCreate adds a disposition code.
func (s *Server) dispositionCreate(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	problem := ""
	if name == "" || utf8.RuneCountInString(name) > 80 {
		problem = "A code must be 1 to 80 characters."
	} else if _, err := s.Store.CreateDisposition(c.Request().Context(), name); errors.Is(err, store.ErrConflict) {
		problem = "That code already exists."
	} else if err != nil {
		return err
	}
	if problem != "" {
		view, err := s.dispositionsView(c)
		if err != nil {
			return err
		}
		view.Name, view.Error = name, problem
		return render(c, http.StatusUnprocessableEntity, components.DispositionsPage(view))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/dispositions")
}

// dispositionUpdate retires or restores a code.
func (s *Server) dispositionUpdate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.Store.SetDispositionActive(c.Request().Context(), id, c.FormValue("active") == "true"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/dispositions")
}

func (s *Server) numbersView(c echo.Context) (components.NumbersView, error) {
	numbers, err := s.Store.BusinessNumbers(c.Request().Context())
	if err != nil {
		return components.NumbersView{}, err
	}
	view := components.NumbersView{Nav: s.nav(c, "admin"), Simulator: s.Simulator != nil}
	for _, n := range numbers {
		view.Numbers = append(view.Numbers, components.NumberRow{PhoneNumberID: n.PhoneNumberID, DisplayNumber: n.DisplayNumber})
	}
	return view, nil
}

func (s *Server) numbersShow(c echo.Context) error {
	view, err := s.numbersView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.NumbersPage(view))
}

var phoneNumberIDPattern = regexp.MustCompile(`^[0-9]{1,30}$`)

// numberSave adds a business number or renames its display form.
func (s *Server) numberSave(c echo.Context) error {
	id := strings.TrimSpace(c.FormValue("phone_number_id"))
	display := strings.TrimSpace(c.FormValue("display_number"))
	problem := ""
	switch {
	case !phoneNumberIDPattern.MatchString(id):
		problem = "The phone number id is the numeric id Meta shows for the number (digits only)."
	case display == "" || utf8.RuneCountInString(display) > 40:
		problem = "The display number must be 1 to 40 characters."
	}
	if problem == "" {
		if err := s.Store.UpsertBusinessNumber(c.Request().Context(), id, display); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/admin/numbers")
	}
	view, err := s.numbersView(c)
	if err != nil {
		return err
	}
	view.PhoneNumberID, view.DisplayNumber, view.Error = id, display, problem
	return render(c, http.StatusUnprocessableEntity, components.NumbersPage(view))
}

// numberDelete removes a business number; its past conversations stay.
func (s *Server) numberDelete(c echo.Context) error {
	if err := s.Store.DeleteBusinessNumber(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/numbers")
}

// quarantineShow lists quarantined webhook items and value-level errors.
func (s *Server) quarantineShow(c echo.Context) error {
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	items, err := s.Store.Quarantine(ctx, 200)
	if err != nil {
		return err
	}
	reported, err := s.Store.WebhookErrors(ctx, 200)
	if err != nil {
		return err
	}
	view := components.QuarantineView{Nav: s.nav(c, "admin")}
	for _, q := range items {
		view.Items = append(view.Items, components.QuarantineRow{When: vc.dateTime(q.ReceivedAt), Reason: q.Reason, Raw: q.Raw})
	}
	for _, e := range reported {
		view.Errors = append(view.Errors, components.QuarantineRow{When: vc.dateTime(e.ReceivedAt), Reason: e.Title + " (" + e.PhoneNumberID + ")", Raw: e.Message + " " + e.Detail})
	}
	return render(c, http.StatusOK, components.QuarantinePage(view))
}
