package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/options"
)

// settingsShow lists every option with its current value, default, valid values and description.
func (s *Server) settingsShow(c echo.Context) error {
	return render(c, http.StatusOK, components.SettingsPage(s.settingsView(c, nil, nil)))
}

// settingsUpdate saves the submitted options all together, or none of them when any is invalid.
func (s *Server) settingsUpdate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	changes := map[string]string{}
	for _, d := range options.All() {
		if values, ok := form[d.Name]; ok && len(values) > 0 {
			changes[d.Name] = values[0]
		}
	}
	problems, err := s.Options.Update(c.Request().Context(), changes, currentUser(c).ID)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return render(c, http.StatusUnprocessableEntity, components.SettingsPage(s.settingsView(c, changes, problems)))
	}
	s.Log.Info("settings saved", "by", currentUser(c).Username)
	s.Router.Kick() // capacity, auto-answer and timeouts may have changed
	view := s.settingsView(c, nil, nil)
	view.Saved = true
	return render(c, http.StatusOK, components.SettingsPage(view))
}

// settingsView builds the page; typed and problems carry a refused submission back to the form.
func (s *Server) settingsView(c echo.Context, typed, problems map[string]string) components.SettingsView {
	view := components.SettingsView{Nav: s.nav(c, "admin"), Invalid: len(problems)}
	for _, d := range options.All() {
		row := components.OptionRow{
			Name: d.Name, Kind: string(d.Kind), Value: s.Options.Raw(d.Name), Default: d.Default, ValidValues: d.ValidValues(),
			Description: d.Description, Effect: d.Effect, Choices: d.Choices, IsDefault: s.Options.IsDefault(d.Name),
		}
		if value, ok := typed[d.Name]; ok {
			row.Value = value
		}
		row.Error = problems[d.Name]
		if n := len(view.Groups); n == 0 || view.Groups[n-1].Name != d.Group {
			view.Groups = append(view.Groups, components.SettingsGroup{Name: d.Group})
		}
		group := &view.Groups[len(view.Groups)-1]
		group.Options = append(group.Options, row)
	}
	return view
}
