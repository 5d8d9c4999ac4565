package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/options"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// viewContext is what turning records into view models needs: the viewer's time zone and a few settings.
type viewContext struct {
	location    *time.Location
	now         time.Time
	numbers     map[string]string // phone_number_id → display number
	nickname    string
	delayMillis int64
}

func (s *Server) viewContext(c echo.Context) (viewContext, error) {
	numbers, err := s.Store.BusinessNumbers(c.Request().Context())
	if err != nil {
		return viewContext{}, err
	}
	vc := viewContext{
		location:    viewerLocation(c),
		now:         s.Now(),
		numbers:     map[string]string{},
		nickname:    s.Options.String(options.DefaultNickname),
		delayMillis: int64(s.Options.Int(options.MessageDelayTimespan)) * 1000,
	}
	for _, n := range numbers {
		vc.numbers[n.PhoneNumberID] = n.DisplayNumber
	}
	return vc, nil
}

func (vc viewContext) contactName(ct store.Contact) string {
	if ct.Name != "" {
		return ct.Name
	}
	return vc.nickname
}

func phone(waID string) string { return "+" + waID }

func (vc viewContext) channel(phoneNumberID string) string {
	if display, ok := vc.numbers[phoneNumberID]; ok {
		return "WhatsApp " + display
	}
	return "WhatsApp " + phoneNumberID
}

func (vc viewContext) local(ms int64) time.Time { return time.UnixMilli(ms).In(vc.location) }

// clock is a message's time: hours and minutes today, with the date on other days.
func (vc viewContext) clock(ms int64) string {
	t, now := vc.local(ms), vc.now.In(vc.location)
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	if t.Year() == now.Year() {
		return t.Format("2 Jan 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

func (vc viewContext) exact(ms int64) string {
	return vc.local(ms).Format("Mon 2 Jan 2006 15:04:05 MST")
}

func (vc viewContext) dateTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return vc.local(ms).Format("Mon 2 Jan 2006, 15:04")
}

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
func (vc viewContext) messageView(m store.Message, latestBefore int64) components.MessageView {
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
	describeContent(&v, m)
	return v
}

// describeContent fills in how a non-text message shows until its full rendering exists.
func describeContent(v *components.MessageView, m store.Message) {
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
		parts := []string{"Location"}
		for _, p := range []string{location.Name, location.Address} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		parts = append(parts, fmt.Sprintf("%.5f, %.5f", location.Latitude, location.Longitude))
		v.Placeholder = strings.Join(parts, " · ")
		v.Text = location.URL
	case whatsapp.MessageTypeContacts:
		var contacts []whatsapp.SharedContact
		_ = json.Unmarshal([]byte(m.Payload), &contacts)
		names := make([]string, 0, len(contacts))
		for _, ct := range contacts {
			name := ct.Name.FormattedName
			for _, p := range ct.Phones {
				name += " " + p.Phone
			}
			names = append(names, strings.TrimSpace(name))
		}
		v.Placeholder = "Contact card: " + strings.Join(names, "; ")
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
		label += " · " + m.MediaFilename
	}
	if m.MediaMIME != "" {
		label += " (" + m.MediaMIME + ")"
	}
	return label + " — preview not available yet"
}

// transcriptView renders an interaction's messages.
func (s *Server) transcriptView(ctx context.Context, vc viewContext, i store.Interaction) (components.TranscriptView, error) {
	messages, err := s.Store.InteractionMessages(ctx, i.ID)
	if err != nil {
		return components.TranscriptView{}, err
	}
	session := components.SessionView{InteractionID: i.ID, StartedLabel: "Session started " + vc.dateTime(i.CreatedAt)}
	var latest int64
	for _, m := range messages {
		view := vc.messageView(m, latest)
		if err := s.enrichMessage(ctx, &view, m); err != nil {
			return components.TranscriptView{}, err
		}
		session.Messages = append(session.Messages, view)
		if shown, _ := vc.shownTime(m); shown > latest {
			latest = shown
		}
	}
	return components.TranscriptView{InteractionID: i.ID, Sessions: []components.SessionView{session}}, nil
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
	view := vc.messageView(m, latest)
	if err := s.enrichMessage(ctx, &view, m); err != nil {
		return components.MessageView{}, store.Message{}, err
	}
	return view, m, nil
}

func (s *Server) caseInfo(ctx context.Context, vc viewContext, i store.Interaction) []components.Field {
	fields := []components.Field{
		{Label: "Interaction", Value: "#" + strconv.FormatInt(i.ID, 10)},
		{Label: "Waiting since", Value: vc.clock(i.CreatedAt)},
	}
	if past, err := s.Store.ContactInteractions(ctx, i.ContactID, 50); err == nil {
		previous := 0
		for _, p := range past {
			if p.ID != i.ID {
				previous++
			}
		}
		label := "first contact"
		if previous > 0 {
			label = strconv.Itoa(previous) + " earlier"
			if previous == 50 {
				label = "50+ earlier"
			}
		}
		fields = append(fields, components.Field{Label: "History", Value: label})
	}
	return fields
}

// offerView renders the preview notice of an interaction offered to the viewer.
func (s *Server) offerView(ctx context.Context, vc viewContext, i store.Interaction) (components.OfferView, error) {
	contact, err := s.Store.ContactByID(ctx, i.ContactID)
	if err != nil {
		return components.OfferView{}, err
	}
	v := components.OfferView{
		InteractionID:  i.ID,
		ContactName:    vc.contactName(contact),
		Phone:          phone(contact.WAID),
		Channel:        vc.channel(i.PhoneNumberID),
		ExpiresAtMilli: i.OfferedAt + int64(s.Options.Int(options.OfferTimeout))*1000,
		CaseInfo:       s.caseInfo(ctx, vc, i),
	}
	if contact.ProfileName != "" && contact.ProfileName != v.ContactName {
		v.ProfileName = contact.ProfileName
	}
	if first, err := s.Store.FirstCustomerMessage(ctx, i.ID); err == nil {
		view := vc.messageView(first, 0)
		v.FirstMessage = strings.TrimSpace(view.Placeholder + " " + view.Text)
		v.ReceivedAt = vc.clock(first.ReceivedAt)
	}
	return v, nil
}

// interactionView renders an interaction the viewer holds, with an empty composer and closed Done form.
func (s *Server) interactionView(ctx context.Context, vc viewContext, i store.Interaction) (components.InteractionView, error) {
	contact, err := s.Store.ContactByID(ctx, i.ContactID)
	if err != nil {
		return components.InteractionView{}, err
	}
	transcript, err := s.transcriptView(ctx, vc, i)
	if err != nil {
		return components.InteractionView{}, err
	}
	done, err := s.doneView(ctx, i.ID)
	if err != nil {
		return components.InteractionView{}, err
	}
	composer, err := s.composerView(ctx, i.ID)
	if err != nil {
		return components.InteractionView{}, err
	}
	window, err := s.windowView(ctx, vc, i)
	if err != nil {
		return components.InteractionView{}, err
	}
	agent, err := s.Store.UserByID(ctx, i.AgentID)
	if err != nil {
		return components.InteractionView{}, err
	}
	responses, err := s.responsesPanelView(ctx, vc, agent, i.ID)
	if err != nil {
		return components.InteractionView{}, err
	}
	view := components.InteractionView{
		ID:          i.ID,
		ContactID:   contact.ID,
		ContactName: vc.contactName(contact),
		Phone:       phone(contact.WAID),
		Channel:     vc.channel(i.PhoneNumberID),
		StartedAt:   vc.dateTime(i.CreatedAt),
		Transcript:  transcript,
		Composer:    composer,
		Done:        done,
		CaseInfo:    s.caseInfo(ctx, vc, i),
		Window:      window,
		Responses:   responses,
	}
	if contact.ProfileName != view.ContactName {
		view.ProfileName = contact.ProfileName
	}
	return view, nil
}

func (s *Server) composerView(ctx context.Context, interactionID int64) (components.ComposerView, error) {
	composer := components.ComposerView{InteractionID: interactionID, MaxBytes: s.Options.Int(options.MaxTextMessageSize)}
	return composer, s.automaticNotice(ctx, &composer)
}

func (s *Server) doneView(ctx context.Context, interactionID int64) (components.DoneView, error) {
	codes, err := s.Store.Dispositions(ctx, true)
	if err != nil {
		return components.DoneView{}, err
	}
	v := components.DoneView{InteractionID: interactionID}
	for _, d := range codes {
		v.Dispositions = append(v.Dispositions, components.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
	}
	return v, nil
}

// agentState renders everything in the viewer's workspace that changes: presence, offers and interactions.
func (s *Server) agentState(ctx context.Context, vc viewContext, user store.User) (components.PresenceView, []components.OfferView, []components.InteractionView, error) {
	held, err := s.Store.AgentInteractions(ctx, user.ID)
	if err != nil {
		return components.PresenceView{}, nil, nil, err
	}
	presence, err := s.presenceView(ctx, vc, user.ID)
	if err != nil {
		return components.PresenceView{}, nil, nil, err
	}
	var offers []components.OfferView
	var interactions []components.InteractionView
	for _, i := range held {
		switch i.State {
		case store.StateOffered:
			o, err := s.offerView(ctx, vc, i)
			if err != nil {
				return components.PresenceView{}, nil, nil, err
			}
			offers = append(offers, o)
		case store.StateActive:
			v, err := s.interactionView(ctx, vc, i)
			if err != nil {
				return components.PresenceView{}, nil, nil, err
			}
			interactions = append(interactions, v)
		}
	}
	return presence, offers, interactions, nil
}

// presenceView renders the user's readiness as stored now.
func (s *Server) presenceView(ctx context.Context, vc viewContext, userID int64) (components.PresenceView, error) {
	user, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return components.PresenceView{}, err
	}
	presence := components.PresenceView{Ready: user.Ready}
	if user.Ready {
		presence.Since = vc.clock(user.ReadySince)
	}
	return presence, nil
}

// heldInteraction returns an interaction the user holds in one of the given states, or a 404 error.
func (s *Server) heldInteraction(ctx context.Context, user store.User, id int64, states ...string) (store.Interaction, error) {
	i, err := s.Store.InteractionByID(ctx, id)
	if err != nil {
		return store.Interaction{}, err
	}
	if i.AgentID != user.ID {
		return store.Interaction{}, store.ErrNotFound
	}
	for _, state := range states {
		if i.State == state {
			return i, nil
		}
	}
	return store.Interaction{}, store.ErrNotFound
}
