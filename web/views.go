package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"switchboard/components"
	"switchboard/internal/maps"
	"switchboard/internal/options"
	"switchboard/store"
)

// viewContext is what turning records into view models needs: the viewer's time zone and a few settings.
type viewContext struct {
	location     *time.Location
	now          time.Time
	numbers      map[string]string // phone_number_id → display number
	nickname     string
	delayMillis  int64
	maps         maps.Settings
	crossChannel bool
	viewer       store.User // who the views are for: decides which files they may open
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
		maps: maps.Settings{
			Provider: s.Options.String(options.LocationProvider), Key: s.Options.String(options.LocationKey),
			URLTemplate: s.Options.String(options.LocationURLTemplate), Zoom: s.Options.Int(options.LocationZoom),
			Width: s.Options.Int(options.LocationWidth), Height: s.Options.Int(options.LocationHeight),
		},
		crossChannel: s.Options.Bool(options.ShowCrossChannelMessages) && len(numbers) > 1,
		viewer:       currentUser(c),
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
		view := vc.messageView(first, 0, false)
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
	transcript, err := s.paneTranscript(ctx, vc, i)
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
		ID:           i.ID,
		ContactID:    contact.ID,
		ContactName:  vc.contactName(contact),
		Phone:        phone(contact.WAID),
		Channel:      vc.channel(i.PhoneNumberID),
		StartedAt:    vc.dateTime(i.CreatedAt),
		Transcript:   transcript,
		Composer:     composer,
		Done:         done,
		CaseInfo:     s.caseInfo(ctx, vc, i),
		PendingSince: i.PendingSince,
		Window:       window,
		Responses:    responses,
	}
	if contact.ProfileName != view.ContactName {
		view.ProfileName = contact.ProfileName
	}
	return view, nil
}

func (s *Server) composerView(ctx context.Context, interactionID int64) (components.ComposerView, error) {
	composer := components.ComposerView{InteractionID: interactionID, MaxBytes: s.Options.Int(options.MaxTextMessageSize), Emojis: s.emojis(ctx),
		Attachment: s.attachmentPickerView(interactionID)}
	return composer, s.automaticNotice(ctx, &composer)
}

// defaultEmojis are offered when no business attribute is configured (or it holds none).
var defaultEmojis = []string{"😀", "😊", "🙂", "😉", "😂", "😍", "🤔", "😅", "😢", "😮", "🙏", "👍", "👎", "👏", "👋", "🤝",
	"❤️", "💙", "🎉", "✅", "❌", "⚠️", "📦", "🚚", "📞", "📧", "💳", "🕐", "⭐", "🔧", "📄", "🙌"}

// emojis reads the emoji picker's set from the business attribute named by the option.
func (s *Server) emojis(ctx context.Context) []string {
	name := s.Options.String(options.EmojisBusinessAttribute)
	if name == "" {
		return defaultEmojis
	}
	values, err := s.Store.BusinessAttributeValues(ctx, name)
	if err != nil || len(values) == 0 {
		return defaultEmojis
	}
	return values
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
