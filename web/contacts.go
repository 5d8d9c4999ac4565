package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/store"
)

// contactList is the contact directory for supervisors.
func (s *Server) contactList(c echo.Context) error {
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
	for _, ct := range contacts {
		view.Contacts = append(view.Contacts, components.ContactRow{ID: ct.ID, Name: vc.contactName(ct), ProfileName: ct.ProfileName, Phone: phone(ct.WAID), Updated: vc.dateTime(ct.UpdatedAt)})
	}
	return render(c, http.StatusOK, components.ContactListPage(view))
}

// contactShow is a contact's history. Supervisors and admins see every contact; an agent sees contacts of
// interactions they handle or handled, and gets 404 otherwise.
func (s *Server) contactShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	user := currentUser(c)
	contact, err := s.Store.ContactByID(ctx, id)
	if err != nil {
		return err
	}
	history, err := s.Store.ContactInteractions(ctx, id, 100)
	if err != nil {
		return err
	}
	if !auth.CanSupervise(user.Role) {
		allowed := false
		for _, i := range history {
			allowed = allowed || i.AgentID == user.ID
		}
		if !allowed {
			return store.ErrNotFound
		}
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
	view := components.ContactView{Nav: s.nav(c, "contacts"), ContactID: contact.ID, Name: vc.contactName(contact), ProfileName: contact.ProfileName, Phone: phone(contact.WAID)}
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
