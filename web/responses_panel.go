package web

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/notify"
	"switchboard/store"
)

// maxSearchLength bounds a library search term.
const maxSearchLength = 100

// responseList is the Responses panel's list for a search or a kind (GET, so it changes nothing).
func (s *Server) responseList(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(c.QueryParam("q"))
	if utf8.RuneCountInString(query) > maxSearchLength {
		query = string([]rune(query)[:maxSearchLength])
	}
	kind := c.QueryParam("kind")
	if kind != notify.KindNotification {
		kind = ""
	}
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	list, _, err := s.responsesView(c.Request().Context(), vc, currentUser(c), id, query, kind)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, components.ResponsesList(list))
}

// responsesPanelView is the whole panel of an interaction the user holds: every active response with its
// fields filled for this conversation, and the shortcuts.
func (s *Server) responsesPanelView(ctx context.Context, vc viewContext, user store.User, interactionID int64) (components.ResponsesPanelView, error) {
	list, shortcuts, err := s.responsesView(ctx, vc, user, interactionID, "", "")
	if err != nil {
		return components.ResponsesPanelView{}, err
	}
	return components.ResponsesPanelView{InteractionID: interactionID, List: list, Shortcuts: shortcuts}, nil
}

func (s *Server) responsesView(ctx context.Context, vc viewContext, user store.User, interactionID int64, query, kind string) (components.ResponsesListView, []components.ResponseItemView, error) {
	values, i, err := s.Notify.Values(ctx, user, interactionID)
	if err != nil {
		return components.ResponsesListView{}, nil, err
	}
	window, err := s.Notify.Window(ctx, i)
	if err != nil {
		return components.ResponsesListView{}, nil, err
	}
	responses, err := s.Notify.Library(ctx, query, kind)
	if err != nil {
		return components.ResponsesListView{}, nil, err
	}
	view := components.ResponsesListView{InteractionID: interactionID, Query: query, Kind: kind}
	var shortcuts []components.ResponseItemView
	for _, r := range responses {
		item := responseItem(r, values, interactionID)
		if notify.Interactive(r.Kind) && !window.Open(vc.now.UnixMilli()) {
			item.Unavailable = "Only within 24 hours of the customer's last message."
		}
		if why := notify.Unsendable(r); why != "" {
			item.Unavailable = why
		}
		if item.Shortcut != "" {
			shortcuts = append(shortcuts, item)
		}
		if n := len(view.Categories); n == 0 || view.Categories[n-1].Name != r.CategoryName {
			view.Categories = append(view.Categories, components.ResponseCategoryView{Name: r.CategoryName})
		}
		last := &view.Categories[len(view.Categories)-1]
		last.Items = append(last.Items, item)
	}
	return view, shortcuts, nil
}

// responseItem shows one response for one conversation.
func responseItem(r store.Response, values notify.Values, interactionID int64) components.ResponseItemView {
	item := components.ResponseItemView{InteractionID: interactionID, ID: r.ID, Name: r.Name, Kind: r.Kind, KindLabel: notify.KindLabel(r.Kind),
		Shortcut: r.Shortcut, Structured: notify.Structured(r.Kind)}
	switch r.Kind {
	case notify.KindText:
		item.Text = notify.Fill(r.Body, values)
		item.Snippet = item.Text
		for _, f := range r.Attachments {
			item.Attachments = append(item.Attachments, components.ResponseFileView{ID: f.ID, Name: f.Filename, Size: components.FileSize(f.Size)})
		}
	default:
		if definition, err := notify.ParseDefinition(r.Kind, r.Definition); err == nil {
			switch {
			case definition.Template != nil:
				item.Snippet = definition.Template.Body
			case definition.Buttons != nil:
				item.Snippet = notify.Fill(definition.Buttons.Body, values) + " [" + strings.Join(definition.Buttons.Buttons, "] [") + "]"
			case definition.List != nil:
				item.Snippet = notify.Fill(definition.List.Body, values) + " ☰ " + definition.List.Button
			}
		}
	}
	if runes := []rune(item.Snippet); len(runes) > 160 {
		item.Snippet = string(runes[:160]) + "…"
	}
	return item
}
