package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/options"
)

func (s *Server) attributesView(c echo.Context) (components.AttributesView, error) {
	list, err := s.Store.BusinessAttributes(c.Request().Context())
	if err != nil {
		return components.AttributesView{}, err
	}
	view := components.AttributesView{Nav: s.nav(c, "admin"), EmojiName: s.Options.String(options.EmojisBusinessAttribute)}
	for _, a := range list {
		view.Attributes = append(view.Attributes, components.AttributeRow{ID: a.ID, Name: a.Name, Values: strings.Join(a.Values, "\n")})
	}
	return view, nil
}

func (s *Server) attributesShow(c echo.Context) error {
	view, err := s.attributesView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.AttributesPage(view))
}

// attributeSave creates an attribute or replaces its values (one per line; blank lines dropped).
func (s *Server) attributeSave(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	raw := c.FormValue("values")
	var values []string
	for _, line := range strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			values = append(values, line)
		}
	}
	problem := ""
	switch {
	case name == "" || utf8.RuneCountInString(name) > 80:
		problem = "The name must be 1 to 80 characters."
	case len(values) > 500:
		problem = "At most 500 values."
	}
	for _, v := range values {
		if utf8.RuneCountInString(v) > 200 {
			problem = "Each value must be at most 200 characters."
		}
	}
	if problem == "" {
		if err := s.Store.SaveBusinessAttribute(c.Request().Context(), name, values); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/admin/attributes")
	}
	view, err := s.attributesView(c)
	if err != nil {
		return err
	}
	row := components.AttributeRow{Name: name, Values: raw, Error: problem}
	placed := false
	for i := range view.Attributes {
		if strings.EqualFold(view.Attributes[i].Name, name) {
			row.ID = view.Attributes[i].ID
			view.Attributes[i], placed = row, true
		}
	}
	if !placed {
		view.New = row
	}
	return render(c, http.StatusUnprocessableEntity, components.AttributesPage(view))
}

// attributeDelete removes an attribute.
func (s *Server) attributeDelete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteBusinessAttribute(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/attributes")
}
