package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/internal/phonenumber"
	"switchboard/store"
)

// contactList is the contact directory for supervisors.
func (s *Server) contactList(c echo.Context) error { return s.contactListStatus(c, http.StatusOK) }

func (s *Server) contactListStatus(c echo.Context, status int) error {
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(c.QueryParam("q"))
	if len(query) > 100 {
		query = query[:100]
	}
	contacts, err := s.Store.SearchContacts(c.Request().Context(), strings.TrimPrefix(query, "+"), 200)
	if err != nil {
		return err
	}
	view := components.ContactListView{Nav: s.nav(c, "contacts"), Query: query}
	if form, ok := c.Get("contactForm").(components.ContactForm); ok {
		view.New = form
	}
	for _, ct := range contacts {
		view.Contacts = append(view.Contacts, components.ContactRow{ID: ct.ID, Name: vc.contactName(ct), ProfileName: ct.ProfileName, Phone: phone(ct.WAID), Updated: vc.dateTime(ct.UpdatedAt)})
	}
	return render(c, status, components.ContactListPage(view))
}

// contactCreate adds a contact-database entry. The number is stored normalised, so a customer writing from
// "+44 7700 900123" matches an entry typed as "0044-7700-900123".
func (s *Server) contactCreate(c echo.Context) error {
	form := components.ContactForm{Name: strings.TrimSpace(c.FormValue("name")), Phone: strings.TrimSpace(c.FormValue("phone"))}
	waID, err := phonenumber.Normalize(form.Phone)
	switch {
	case form.Name == "" || len([]rune(form.Name)) > 100:
		form.Error = "The name must be 1 to 100 characters."
	case err != nil:
		form.Error = "The number is " + err.Error() + "."
	}
	if form.Error == "" {
		existing, err := s.Store.ContactByWAID(c.Request().Context(), waID)
		switch {
		case err == nil:
			if existing.Name != "" {
				form.Error = "+" + waID + " is already in the contact database as " + existing.Name + "."
				break
			}
			if err := s.Store.SetContactName(c.Request().Context(), existing.ID, form.Name); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/contacts/"+strconv.FormatInt(existing.ID, 10))
		case errors.Is(err, store.ErrNotFound):
			created, err := s.Store.CreateContact(c.Request().Context(), waID, form.Name, s.Now().UnixMilli())
			if err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/contacts/"+strconv.FormatInt(created.ID, 10))
		default:
			return err
		}
	}
	c.Set("contactForm", form)
	return s.contactListStatus(c, http.StatusUnprocessableEntity)
}

// contactUpdate sets the contact-database name (empty removes the contact from it).
func (s *Server) contactUpdate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := s.visibleContact(c, id); err != nil {
		return err
	}
	name := strings.TrimSpace(c.FormValue("name"))
	if len([]rune(name)) > 100 {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "The name must be at most 100 characters.")
	}
	if err := s.Store.SetContactName(c.Request().Context(), id, name); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/contacts/"+strconv.FormatInt(id, 10))
}

// visibleContact returns the contact if the signed-in person may see it: supervisors and admins see every
// contact, agents those of interactions they handle or handled (404 otherwise).
func (s *Server) visibleContact(c echo.Context, id int64) (store.Contact, error) {
	ctx := c.Request().Context()
	contact, err := s.Store.ContactByID(ctx, id)
	if err != nil {
		return store.Contact{}, err
	}
	user := currentUser(c)
	if auth.CanSupervise(user.Role) {
		return contact, nil
	}
	history, err := s.Store.ContactInteractions(ctx, id, 1000)
	if err != nil {
		return store.Contact{}, err
	}
	for _, i := range history {
		if i.AgentID == user.ID {
			return contact, nil
		}
	}
	return store.Contact{}, store.ErrNotFound
}

// contactShow is a contact's history. Supervisors and admins see every contact; an agent sees contacts of
// interactions they handle or handled, and gets 404 otherwise.
func (s *Server) contactShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	contact, err := s.visibleContact(c, id)
	if err != nil {
		return err
	}
	history, err := s.Store.ContactInteractions(ctx, id, 100)
	if err != nil {
		return err
	}
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	users, err := s.Store.ListUsers(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.DisplayName
	}
	codes, err := s.Store.Dispositions(ctx, false)
	if err != nil {
		return err
	}
	codeNames := map[int64]string{}
	for _, d := range codes {
		codeNames[d.ID] = d.Name
	}
	view := components.ContactView{Nav: s.nav(c, "contacts"), Edit: components.ContactForm{Name: contact.Name}, ContactID: contact.ID, Name: vc.contactName(contact), ProfileName: contact.ProfileName, Phone: phone(contact.WAID)}
	for _, i := range history {
		transcript, err := s.transcriptView(ctx, vc, i)
		if err != nil {
			return err
		}
		view.History = append(view.History, components.HistoryEntry{
			InteractionID: i.ID, Started: vc.dateTime(i.CreatedAt), Closed: vc.dateTime(i.ClosedAt), State: i.State,
			Agent: names[i.AgentID], Disposition: codeNames[i.DispositionID], Note: i.Note, Channel: vc.channel(i.PhoneNumberID), Transcript: transcript,
		})
	}
	return render(c, http.StatusOK, components.ContactPage(view))
}
