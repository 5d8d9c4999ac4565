package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/store"
)

func (s *Server) usersShow(c echo.Context) error {
	view, err := s.usersView(c)
	if err != nil {
		return err
	}
	view.Flash = flashText(c.QueryParam("done"))
	return render(c, http.StatusOK, components.UsersPage(view))
}

func flashText(code string) string {
	switch code {
	case "saved":
		return "Saved."
	case "password":
		return "Password set; the person's sessions were signed out."
	}
	return ""
}

func (s *Server) usersView(c echo.Context) (components.UsersView, error) {
	users, err := s.Store.ListUsers(c.Request().Context())
	if err != nil {
		return components.UsersView{}, err
	}
	view := components.UsersView{Nav: s.nav(c, "admin"), New: components.UserForm{Role: auth.RoleAgent}}
	for _, u := range users {
		row := components.UserRow{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Active: u.Active, Ready: u.Ready, Self: u.ID == currentUser(c).ID}
		granted, err := s.Store.UserPermissions(c.Request().Context(), u.ID)
		if err != nil {
			return components.UsersView{}, err
		}
		for _, p := range auth.Permissions {
			row.Permissions = append(row.Permissions, components.PermissionCheck{Name: p.Name, Label: p.Label, Granted: slices.Contains(granted, p.Name)})
		}
		view.Users = append(view.Users, row)
	}
	return view, nil
}

// userCreate adds a person; without a password one is generated and shown once.
func (s *Server) userCreate(c echo.Context) error {
	form := components.UserForm{
		Username:    strings.TrimSpace(c.FormValue("username")),
		DisplayName: strings.TrimSpace(c.FormValue("display_name")),
		Role:        c.FormValue("role"),
		Errors:      map[string]string{},
	}
	password := c.FormValue("password")
	if err := auth.ValidateUsername(form.Username); err != nil {
		form.Errors["username"] = err.Error()
	}
	if form.DisplayName == "" || utf8.RuneCountInString(form.DisplayName) > 100 {
		form.Errors["display_name"] = "Display name must be 1 to 100 characters."
	}
	if !auth.ValidRole(form.Role) {
		form.Errors["role"] = "Choose agent, supervisor or admin."
	}
	generated := ""
	if password == "" {
		password = auth.RandomPassword()
		generated = password
	} else if err := auth.ValidatePassword(password); err != nil {
		form.Errors["password"] = err.Error()
	}
	if len(form.Errors) == 0 {
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		_, err = s.Store.CreateUser(c.Request().Context(), store.User{Username: form.Username, DisplayName: form.DisplayName, PasswordHash: hash, Role: form.Role, Active: true})
		if errors.Is(err, store.ErrConflict) {
			form.Errors["username"] = "That username is taken."
		} else if err != nil {
			return err
		}
	}
	view, err := s.usersView(c)
	if err != nil {
		return err
	}
	if len(form.Errors) > 0 {
		view.New = form
		return render(c, http.StatusUnprocessableEntity, components.UsersPage(view))
	}
	view.Flash = "Added " + form.Username + "."
	view.Created = generated
	s.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.PresenceChanged})
	return render(c, http.StatusOK, components.UsersPage(view))
}

// userUpdate changes a person's name, role and whether they may sign in; deactivation ends their sessions.
func (s *Server) userUpdate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	target, err := s.Store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.FormValue("display_name"))
	role := c.FormValue("role")
	active := c.FormValue("active") == "true" || id == currentUser(c).ID // nobody locks themselves out
	problem := ""
	switch {
	case name == "" || utf8.RuneCountInString(name) > 100:
		problem = "Display name must be 1 to 100 characters."
	case !auth.ValidRole(role):
		problem = "Choose agent, supervisor or admin."
	case id == currentUser(c).ID && role != auth.RoleAdmin:
		problem = "You cannot remove your own admin role."
	}
	if problem != "" {
		view, err := s.usersView(c)
		if err != nil {
			return err
		}
		for i := range view.Users {
			if view.Users[i].ID == id {
				view.Users[i].DisplayName, view.Users[i].Role, view.Users[i].Error = name, role, problem
			}
		}
		return render(c, http.StatusUnprocessableEntity, components.UsersPage(view))
	}
	var permissions []string
	for _, p := range c.Request().Form["permission"] {
		if auth.ValidPermission(p) {
			permissions = append(permissions, p)
		}
	}
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateUser(ctx, id, name, role, active); err != nil {
			return err
		}
		return tx.SetUserPermissions(ctx, id, permissions)
	})
	if err != nil {
		return err
	}
	if target.Active && !active {
		s.Log.Info("user deactivated", "user", target.Username, "by", currentUser(c).Username)
		s.Bus.Publish(events.UserTopic(id), events.Event{Kind: events.SessionInvalidated})
		s.Router.Kick()
	}
	s.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.PresenceChanged})
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=saved")
}

// userPasswordUpdate sets a person's password and signs out all their sessions.
func (s *Server) userPasswordUpdate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	password := c.FormValue("password")
	if err := auth.ValidatePassword(password); err != nil {
		view, verr := s.usersView(c)
		if verr != nil {
			return verr
		}
		for i := range view.Users {
			if view.Users[i].ID == id {
				view.Users[i].Error = "The new " + err.Error() + "."
			}
		}
		return render(c, http.StatusUnprocessableEntity, components.UsersPage(view))
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	keep := ""
	if id == currentUser(c).ID {
		keep = currentSessionID(c)
	}
	if err := s.Store.SetPassword(c.Request().Context(), id, hash, keep); err != nil {
		return err
	}
	s.Bus.Publish(events.UserTopic(id), events.Event{Kind: events.SessionInvalidated})
	s.Router.Kick()
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=password")
}
