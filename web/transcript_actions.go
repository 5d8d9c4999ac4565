package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/maps"
	"switchboard/internal/options"
	"switchboard/store"
)

// maxSessionsPerLoad bounds a "through" load (jumping to a search hit far back).
const maxSessionsPerLoad = 1000

// olderSessions answers "see older messages...": the next transcript-interactions-count sessions before the
// oldest one shown, or with through= every session back to and including that one (a search hit's).
func (s *Server) olderSessions(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	held, err := s.heldInteraction(ctx, currentUser(c), id, store.StateActive)
	if err != nil {
		return err
	}
	beforeID, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	before, err := s.Store.InteractionByID(ctx, beforeID)
	if errors.Is(err, store.ErrNotFound) || err == nil && before.ContactID != held.ContactID {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	count := s.Options.Int(options.TranscriptInteractionsCount)
	throughID, _ := strconv.ParseInt(c.QueryParam("through"), 10, 64)
	var page []store.Interaction
	more := false
	for {
		batch, err := s.Store.PreviousInteractions(ctx, held.ContactID, vc.numberFilter(held), before, count+1)
		if err != nil {
			return err
		}
		more = len(batch) > count
		if more {
			batch = batch[:count]
		}
		page = append(page, batch...)
		reached := throughID == 0
		for _, in := range batch {
			reached = reached || in.ID == throughID
		}
		if reached || !more || len(page) >= maxSessionsPerLoad {
			break
		}
		before = batch[len(batch)-1]
	}
	chronological := make([]store.Interaction, 0, len(page))
	for k := len(page) - 1; k >= 0; k-- {
		chronological = append(chronological, page[k])
	}
	sessions, err := s.sessionViews(ctx, vc, chronological, held.ID)
	if err != nil {
		return err
	}
	older := components.OlderView{InteractionID: held.ID, More: more}
	if len(chronological) > 0 {
		older.Before = chronological[0].ID
	}
	return render(c, http.StatusOK, components.OlderSessions(older, sessions))
}

// searchMessages finds keywords in every message of the interaction's contact.
func (s *Server) searchMessages(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	held, err := s.heldInteraction(ctx, currentUser(c), id, store.StateActive)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(c.QueryParam("q"))
	view := components.SearchView{Query: query}
	match := ftsQuery(query)
	if query != "" && match == "" {
		view.Error = "Type words or numbers to search for."
	}
	if match != "" {
		vc, err := s.viewContext(c)
		if err != nil {
			return err
		}
		hits, err := s.Store.SearchContactMessages(ctx, held.ContactID, match, 50)
		if err != nil {
			return err
		}
		for _, h := range hits {
			who := "Customer"
			if h.Message.Direction == store.DirectionOut {
				who = "Agent"
			}
			view.Hits = append(view.Hits, components.SearchHitView{MessageID: h.Message.ID, InteractionID: h.Message.InteractionID,
				When: vc.dateTime(h.Message.ReceivedAt), Who: who, Snippet: snippetSegments(h.Snippet)})
		}
	}
	return render(c, http.StatusOK, components.SearchResults(view))
}

// ftsQuery turns typed words into a full-text query: each word (letters and digits only, so nothing typed can
// be query syntax) must appear, as a word or the start of one.
func ftsQuery(typed string) string {
	var terms []string
	for _, word := range strings.FieldsFunc(typed, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(terms) == 8 {
			break
		}
		terms = append(terms, strings.ToLower(word)+"*")
	}
	return strings.Join(terms, " ")
}

// snippetSegments splits a snippet whose matches SQLite wrapped in \x01…\x02 into marked and plain parts.
func snippetSegments(snippet string) []components.TextSegment {
	var parts []components.TextSegment
	for _, piece := range strings.Split(snippet, "\x01") {
		match, rest, found := strings.Cut(piece, "\x02")
		if !found {
			parts = append(parts, components.TextSegment{Text: piece})
			continue
		}
		parts = append(parts, components.TextSegment{Text: match, Bold: true}, components.TextSegment{Text: rest})
	}
	return parts
}

// mapImage serves the static map of a location preview from the configured provider, or a tidy offline
// picture when the provider cannot be reached. Only the coordinates come from the request.
func (s *Server) mapImage(c echo.Context) error {
	lat, errLat := strconv.ParseFloat(c.QueryParam("lat"), 64)
	lon, errLon := strconv.ParseFloat(c.QueryParam("lon"), 64)
	if errLat != nil || errLon != nil || !maps.ValidCoordinates(lat, lon) {
		return echo.NewHTTPError(http.StatusBadRequest, "Latitude and longitude are required and must be on the globe.")
	}
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	if vc.maps.Enabled() {
		if address, err := vc.maps.ImageURL(lat, lon); err == nil {
			image, err := s.MapFetcher.Fetch(c.Request().Context(), address)
			if err == nil {
				h.Set("Cache-Control", "private, max-age=86400")
				return c.Blob(http.StatusOK, image.ContentType, image.Body)
			}
			s.Log.Warn("map image unavailable", "provider", vc.maps.Provider, "err", err)
		}
	}
	h.Set("Cache-Control", "private, max-age=60")
	h.Set("X-Map-Fallback", "offline")
	return c.Blob(http.StatusOK, "image/svg+xml", maps.OfflineSVG(lat, lon, vc.maps.Width, vc.maps.Height))
}
