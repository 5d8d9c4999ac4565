package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"switchboard/components"
	"switchboard/internal/maps"
	"switchboard/internal/media"
	"switchboard/internal/options"
	"switchboard/internal/richtext"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// shownTime is the time a transcript shows for m: its origination time when it arrived late, else arrival.
func (vc viewContext) shownTime(m store.Message) (at int64, delayed bool) {
	if m.Direction == store.DirectionIn && m.ReceivedAt-m.OriginatedAt > vc.delayMillis {
		return m.OriginatedAt, true
	}
	return m.ReceivedAt, false
}

var statusLabels = map[string]string{
	store.StatusQueued:    "Queued",
	store.StatusSent:      "Sent",
	store.StatusDelivered: "Delivered",
	store.StatusRead:      "Read",
	store.StatusFailed:    "Failed",
}

// messageView renders one stored message; latestBefore is the latest time shown above it, which decides
// whether its own time is out of chronological order.
func (vc viewContext) messageView(m store.Message, latestBefore int64, showChannel bool) components.MessageView {
	shown, delayed := vc.shownTime(m)
	v := components.MessageView{
		ID:          m.ID,
		Kind:        m.Kind,
		Text:        m.Body,
		Time:        vc.clock(shown),
		TimeISO:     time.UnixMilli(shown).UTC().Format(time.RFC3339),
		TimeTitle:   "Arrived " + vc.exact(m.ReceivedAt),
		Delayed:     delayed,
		OutOfOrder:  shown < latestBefore,
		Status:      m.Status,
		StatusLabel: statusLabels[m.Status],
		ErrorTitle:  m.ErrorTitle,
		ErrorDetail: m.ErrorDetail,
	}
	if delayed {
		v.TimeTitle = "Written " + vc.exact(m.OriginatedAt) + " · arrived " + vc.exact(m.ReceivedAt)
	}
	if showChannel {
		v.Channel = vc.channel(m.PhoneNumberID)
	}
	switch m.Direction {
	case store.DirectionIn:
		v.Side = "customer"
	case store.DirectionOut:
		v.Side = "agent"
		if m.Status == store.StatusFailed && v.ErrorTitle == "" {
			v.ErrorTitle = "Not delivered"
		}
	default:
		v.Side = "center"
	}
	vc.describeContent(&v, m)
	if v.Text != "" && v.Side != "center" {
		for _, s := range richtext.Parse(v.Text) {
			v.Segments = append(v.Segments, components.TextSegment{Text: s.Text, Bold: s.Bold, Italic: s.Italic, Strike: s.Strike, Mono: s.Mono, Link: s.Link})
		}
	}
	return v
}

// describeContent fills in how each kind of message shows.
func (vc viewContext) describeContent(v *components.MessageView, m store.Message) {
	switch m.Kind {
	case whatsapp.MessageTypeText, "notice", "error":
	case whatsapp.MessageTypeImage:
		v.Placeholder = mediaLabel("Photo", m)
	case whatsapp.MessageTypeVideo:
		v.Placeholder = mediaLabel("Video", m)
	case whatsapp.MessageTypeAudio:
		var media whatsapp.Media
		_ = json.Unmarshal([]byte(m.Payload), &media)
		if media.Voice {
			v.Placeholder = mediaLabel("Voice message", m)
		} else {
			v.Placeholder = mediaLabel("Audio", m)
		}
	case whatsapp.MessageTypeDocument:
		v.Placeholder = mediaLabel("Document", m)
	case whatsapp.MessageTypeSticker:
		v.Placeholder = mediaLabel("Sticker", m)
	case whatsapp.MessageTypeLocation:
		var location whatsapp.Location
		_ = json.Unmarshal([]byte(m.Payload), &location)
		v.Location = vc.locationView(location)
		v.Text = ""
	case whatsapp.MessageTypeContacts:
		var contacts []whatsapp.SharedContact
		_ = json.Unmarshal([]byte(m.Payload), &contacts)
		for _, c := range contacts {
			v.Contacts = append(v.Contacts, contactCard(c))
		}
		if len(v.Contacts) == 0 {
			v.Placeholder = "An empty contact card"
		}
	case whatsapp.MessageTypeInteractive:
		v.Placeholder = "Chose an option"
	case whatsapp.MessageTypeButton:
		v.Placeholder = "Tapped a button"
	case whatsapp.MessageTypeReaction:
		if m.Body == "" {
			v.Placeholder = "Removed a reaction"
		} else {
			v.Placeholder = "Reacted to a message"
		}
	case whatsapp.MessageTypeSystem:
		v.Side = "center"
	case whatsapp.MessageTypeUnsupported:
		v.Side = "center"
		v.Text = "The customer sent a kind of message WhatsApp cannot deliver to businesses (for example a poll or view-once media)."
	default:
		v.Placeholder = "A message of type \"" + m.Kind + "\" that cannot be shown yet"
	}
}

func mediaLabel(kind string, m store.Message) string {
	label := kind
	if m.MediaFilename != "" {
		label += " · " + media.CleanName(m.MediaFilename)
	}
	if m.MediaMIME != "" {
		label += " (" + m.MediaMIME + ")"
	}
	return label
}

// locationView shows a location with a map picture when coordinates exist; a location carrying only an
// address shows as a link.
func (vc viewContext) locationView(l whatsapp.Location) *components.LocationView {
	v := &components.LocationView{Name: l.Name, Address: l.Address, Width: vc.maps.Width, Height: vc.maps.Height}
	if link, ok := richtext.SafeLink(l.URL); ok {
		v.URL = link
	}
	if (l.Latitude != 0 || l.Longitude != 0) && maps.ValidCoordinates(l.Latitude, l.Longitude) {
		v.HasCoordinates = true
		v.Coordinates = fmt.Sprintf("%.6f, %.6f", l.Latitude, l.Longitude)
		v.PlaceLink = vc.maps.PlaceURL(l.Latitude, l.Longitude)
		if vc.maps.Enabled() {
			v.MapImage = "/maps/static?lat=" + strconv.FormatFloat(l.Latitude, 'f', 6, 64) + "&lon=" + strconv.FormatFloat(l.Longitude, 'f', 6, 64)
		}
	}
	return v
}

func contactCard(c whatsapp.SharedContact) components.ContactCardView {
	card := components.ContactCardView{Name: c.Name.FormattedName}
	if card.Name == "" {
		card.Name = strings.TrimSpace(c.Name.FirstName + " " + c.Name.LastName)
	}
	card.Org = strings.TrimSpace(strings.Join(nonEmpty(c.Org.Company, c.Org.Title), " · "))
	for _, p := range c.Phones {
		number := p.Phone
		if number == "" && p.WAID != "" {
			number = "+" + p.WAID
		}
		dial := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, number)
		if dial != "" {
			card.Phones = append(card.Phones, components.Field{Label: number, Value: "tel:" + dial})
		}
	}
	for _, e := range c.Emails {
		if link, ok := richtext.SafeLink("mailto:" + e.Email); ok && strings.Contains(e.Email, "@") {
			card.Emails = append(card.Emails, components.Field{Label: e.Email, Value: link})
		}
	}
	for _, u := range c.URLs {
		if link, ok := richtext.SafeLink(u.URL); ok && !strings.HasPrefix(link, "mailto:") && !strings.HasPrefix(link, "tel:") {
			card.URLs = append(card.URLs, link)
		}
	}
	return card
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// messageViews renders messages in order: reactions attach to the message they react to rather than
// showing as lines, and replies carry the message they quote.
func (s *Server) messageViews(ctx context.Context, vc viewContext, messages []store.Message, latest int64) ([]components.MessageView, error) {
	byWAMID := map[string]store.Message{}
	var shownWAMIDs, missing []string
	for _, m := range messages {
		if m.WAMID != "" {
			byWAMID[m.WAMID] = m
			if m.Kind != whatsapp.MessageTypeReaction {
				shownWAMIDs = append(shownWAMIDs, m.WAMID)
			}
		}
	}
	for _, m := range messages {
		if m.ReplyToWAMID != "" && m.Kind != whatsapp.MessageTypeReaction {
			if _, ok := byWAMID[m.ReplyToWAMID]; !ok {
				missing = append(missing, m.ReplyToWAMID)
			}
		}
	}
	quoted, err := s.Store.MessagesByWAMID(ctx, missing)
	if err != nil {
		return nil, err
	}
	for _, m := range quoted {
		byWAMID[m.WAMID] = m
	}
	reactions, err := s.Store.ReactionsTo(ctx, shownWAMIDs)
	if err != nil {
		return nil, err
	}
	current := map[string]string{} // target wamid → the customer's current reaction
	for _, r := range reactions {
		if r.Direction == store.DirectionIn {
			current[r.ReplyToWAMID] = r.Body
		}
	}
	views := make([]components.MessageView, 0, len(messages))
	for _, m := range messages {
		if m.Kind == whatsapp.MessageTypeReaction {
			continue
		}
		v := vc.messageView(m, latest, vc.crossChannel)
		if shown, _ := vc.shownTime(m); shown > latest {
			latest = shown
		}
		if err := s.enrichMessage(ctx, &v, m); err != nil {
			return nil, err
		}
		if emoji := current[m.WAMID]; emoji != "" && m.WAMID != "" {
			v.Reactions = []string{emoji}
		}
		if m.ReplyToWAMID != "" && v.Choice == nil { // a choice shows the message it answers itself
			v.Quote = vc.quoteView(byWAMID, m.ReplyToWAMID)
		}
		views = append(views, v)
	}
	return views, nil
}

func (vc viewContext) quoteView(byWAMID map[string]store.Message, wamid string) *components.QuoteView {
	target, ok := byWAMID[wamid]
	if !ok {
		return &components.QuoteView{Author: "Earlier message", Text: "(not in this history)"}
	}
	author := "Customer"
	if target.Direction == store.DirectionOut {
		author = "You"
	}
	view := vc.messageView(target, 0, false)
	text := strings.TrimSpace(view.Placeholder + " " + target.Body)
	if view.Location != nil {
		text = strings.TrimSpace("Location " + view.Location.Name + " " + view.Location.Coordinates)
	}
	if utf8.RuneCountInString(text) > 140 {
		text = string([]rune(text)[:139]) + "…"
	}
	return &components.QuoteView{TargetID: target.ID, Author: author, Text: text}
}

// sessionViews renders interactions oldest first, each under its start date.
func (s *Server) sessionViews(ctx context.Context, vc viewContext, interactions []store.Interaction, currentID int64) ([]components.SessionView, error) {
	ids := make([]int64, len(interactions))
	for i, in := range interactions {
		ids[i] = in.ID
	}
	messages, err := s.Store.MessagesOfInteractions(ctx, ids)
	if err != nil {
		return nil, err
	}
	grouped := map[int64][]store.Message{}
	for _, m := range messages {
		grouped[m.InteractionID] = append(grouped[m.InteractionID], m)
	}
	byID := make(map[int64]store.Message, len(messages))
	for _, m := range messages {
		byID[m.ID] = m
	}
	sessions := make([]components.SessionView, 0, len(interactions))
	for _, in := range interactions {
		views, err := s.messageViews(ctx, vc, grouped[in.ID], 0)
		if err != nil {
			return nil, err
		}
		attachments, err := s.Store.InteractionAttachments(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		for k := range views {
			if a, ok := attachments[views[k].ID]; ok {
				vc.addAttachment(&views[k], byID[views[k].ID], a, in)
			}
		}
		session := components.SessionView{InteractionID: in.ID, StartedLabel: "Session started " + vc.dateTime(in.CreatedAt), Current: in.ID == currentID, Messages: views}
		if vc.crossChannel {
			session.Channel = vc.channel(in.PhoneNumberID)
		}
		sessions = append(sessions, session)
	}
	return sessions, nil
}

// numberFilter is the business number earlier sessions are limited to: the interaction's own, or every
// number when cross-channel messages are shown.
func (vc viewContext) numberFilter(i store.Interaction) string {
	if vc.crossChannel {
		return ""
	}
	return i.PhoneNumberID
}

// paneTranscript renders an interaction with transcript-interactions-count earlier sessions above it.
func (s *Server) paneTranscript(ctx context.Context, vc viewContext, i store.Interaction) (components.TranscriptView, error) {
	count := s.Options.Int(options.TranscriptInteractionsCount)
	previous, err := s.Store.PreviousInteractions(ctx, i.ContactID, vc.numberFilter(i), i, count+1)
	if err != nil {
		return components.TranscriptView{}, err
	}
	more := len(previous) > count
	if more {
		previous = previous[:count]
	}
	chronological := make([]store.Interaction, 0, len(previous)+1)
	for k := len(previous) - 1; k >= 0; k-- {
		chronological = append(chronological, previous[k])
	}
	chronological = append(chronological, i)
	sessions, err := s.sessionViews(ctx, vc, chronological, i.ID)
	if err != nil {
		return components.TranscriptView{}, err
	}
	return components.TranscriptView{
		InteractionID: i.ID,
		Older:         components.OlderView{InteractionID: i.ID, Before: chronological[0].ID, More: more},
		Sessions:      sessions,
	}, nil
}

// transcriptView renders one interaction alone (contact history).
func (s *Server) transcriptView(ctx context.Context, vc viewContext, i store.Interaction) (components.TranscriptView, error) {
	sessions, err := s.sessionViews(ctx, vc, []store.Interaction{i}, 0)
	if err != nil {
		return components.TranscriptView{}, err
	}
	return components.TranscriptView{Sessions: sessions}, nil
}

// singleMessageView renders one message as it appears at the end of its transcript.
func (s *Server) singleMessageView(ctx context.Context, vc viewContext, messageID int64) (components.MessageView, store.Message, error) {
	m, err := s.Store.MessageByID(ctx, messageID)
	if err != nil {
		return components.MessageView{}, store.Message{}, err
	}
	latest, err := s.Store.LatestShownTimeBefore(ctx, m.InteractionID, m.ID, vc.delayMillis)
	if err != nil {
		return components.MessageView{}, store.Message{}, err
	}
	views, err := s.messageViews(ctx, vc, []store.Message{m}, latest)
	if err != nil || len(views) == 0 {
		return components.MessageView{}, m, err
	}
	if err := s.attachmentOf(ctx, vc, &views[0], m); err != nil {
		return components.MessageView{}, m, err
	}
	return views[0], m, nil
}
