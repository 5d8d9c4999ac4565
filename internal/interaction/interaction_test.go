package interaction_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/interaction"
	"switchboard/internal/options"
	"switchboard/store"
)

const phoneNumberID = "106540352242922"

// kicks counts wake-ups; it stands in for the router and the outbox worker, not for the store.
type kicks struct{ n atomic.Int32 }

func (k *kicks) Kick() { k.n.Add(1) }

type harness struct {
	t         *testing.T
	ctx       context.Context
	store     *store.Store
	hub       *events.Hub
	service   *interaction.Service
	router    *kicks
	outbox    *kicks
	now       time.Time
	alice     int64
	bob       int64
	customers int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts, err := options.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: ctx, store: st, hub: events.NewHub(), router: &kicks{}, outbox: &kicks{},
		now: time.Date(2025, 6, 8, 21, 0, 0, 0, time.UTC)}
	h.service = &interaction.Service{Store: st, Bus: h.hub, Options: opts, Router: h.router, Outbox: h.outbox, Now: func() time.Time { return h.now }}
	for _, name := range []string{"alice", "bob"} {
		id, err := st.CreateUser(ctx, store.User{Username: name, DisplayName: name, PasswordHash: "x", Role: "agent", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if name == "alice" {
			h.alice = id
		} else {
			h.bob = id
		}
	}
	return h
}

// interactionIn creates an interaction for a new customer in state, held by agent.
func (h *harness) interactionIn(state string, agent int64) store.Interaction {
	h.t.Helper()
	h.customers++
	contact, err := h.store.EnsureContact(h.ctx, fmt.Sprintf("16505551%03d", h.customers), "Sheena", 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	i, err := h.store.CreateInteraction(h.ctx, contact.ID, phoneNumberID, 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	step := func(ok bool, err error) {
		h.t.Helper()
		if err != nil || !ok {
			h.t.Fatalf("setting up %s: %v %v", state, ok, err)
		}
	}
	switch state {
	case store.StateQueued:
	case store.StateOffered:
		step(h.store.OfferInteraction(h.ctx, i.ID, agent, 2000))
	case store.StateActive:
		step(h.store.AssignInteraction(h.ctx, i.ID, agent, 2000))
	case store.StateDone:
		step(h.store.AssignInteraction(h.ctx, i.ID, agent, 2000))
		step(h.store.CloseInteraction(h.ctx, i.ID, agent, 1, "", 2500))
	}
	return h.get(i.ID)
}

func (h *harness) get(id int64) store.Interaction {
	h.t.Helper()
	i, err := h.store.InteractionByID(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return i
}

func (h *harness) subscribe(userID int64) *events.Subscription {
	sub := h.hub.Subscribe(events.UserTopic(userID))
	h.t.Cleanup(sub.Close)
	return sub
}

func received(sub *events.Subscription) []events.Event {
	var list []events.Event
	for {
		select {
		case e, ok := <-sub.C:
			if !ok {
				return list
			}
			list = append(list, e)
		default:
			return list
		}
	}
}

func countRows(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAccept(t *testing.T) {
	tests := []struct {
		name      string
		state     string
		holder    string // who holds it before; "" for nobody
		actor     string
		missing   bool
		wantErr   error
		wantState string
	}{
		{"offered agent accepts", store.StateOffered, "alice", "alice", false, nil, store.StateActive},
		{"another agent's offer is stale", store.StateOffered, "alice", "bob", false, interaction.ErrStale, store.StateOffered},
		{"queued is stale", store.StateQueued, "", "alice", false, interaction.ErrStale, store.StateQueued},
		{"another agent's active one is not found", store.StateActive, "alice", "bob", false, interaction.ErrNotFound, store.StateActive},
		{"another agent's closed one is not found", store.StateDone, "alice", "bob", false, interaction.ErrNotFound, store.StateDone},
		{"accepting twice is stale", store.StateActive, "alice", "alice", false, interaction.ErrStale, store.StateActive},
		{"missing interaction", store.StateQueued, "", "alice", true, interaction.ErrNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			who := map[string]int64{"alice": h.alice, "bob": h.bob}
			i := h.interactionIn(tt.state, who[tt.holder])
			id := i.ID
			if tt.missing {
				id = i.ID + 1000
			}
			actorEvents := h.subscribe(who[tt.actor])
			err := h.service.Accept(h.ctx, who[tt.actor], id)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Accept err = %v, want %v", err, tt.wantErr)
			}
			list := received(actorEvents)
			if tt.wantErr != nil {
				if len(list) != 0 {
					t.Errorf("failed accept published %v", list)
				}
				if !tt.missing && h.get(i.ID) != i {
					t.Errorf("failed accept changed the interaction")
				}
				return
			}
			got := h.get(i.ID)
			if got.State != tt.wantState || got.AcceptedAt != h.now.UnixMilli() || got.AgentID != who[tt.actor] {
				t.Errorf("after accept = %+v", got)
			}
			if len(list) != 1 || list[0].Kind != events.InteractionOpened || list[0].InteractionID != i.ID {
				t.Errorf("events = %+v, want interaction opened", list)
			}
		})
	}
}

func TestReject(t *testing.T) {
	tests := []struct {
		name    string
		state   string
		holder  string
		actor   string
		wantErr error
	}{
		{"offered agent rejects", store.StateOffered, "alice", "alice", nil},
		{"another agent's offer is stale", store.StateOffered, "alice", "bob", interaction.ErrStale},
		{"rejecting an accepted one is stale", store.StateActive, "alice", "alice", interaction.ErrStale},
		{"another agent's active one is not found", store.StateActive, "alice", "bob", interaction.ErrNotFound},
		{"queued is stale", store.StateQueued, "", "alice", interaction.ErrStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			who := map[string]int64{"alice": h.alice, "bob": h.bob}
			i := h.interactionIn(tt.state, who[tt.holder])
			actorEvents := h.subscribe(who[tt.actor])
			err := h.service.Reject(h.ctx, who[tt.actor], i.ID)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Reject err = %v, want %v", err, tt.wantErr)
			}
			declines := countRows(t, h.store, `SELECT COUNT(*) FROM offer_declines WHERE interaction_id = ? AND reason = 'rejected'`, i.ID)
			if tt.wantErr != nil {
				if h.get(i.ID) != i || declines != 0 || h.router.n.Load() != 0 {
					t.Errorf("failed reject changed something: declines=%d kicks=%d", declines, h.router.n.Load())
				}
				return
			}
			got := h.get(i.ID)
			if got.State != store.StateQueued || got.AgentID != 0 {
				t.Errorf("after reject = %+v, want queued", got)
			}
			if declines != 1 {
				t.Errorf("rejected declines = %d, want 1", declines)
			}
			if h.router.n.Load() != 1 {
				t.Errorf("router kicked %d times, want 1", h.router.n.Load())
			}
			list := received(actorEvents)
			if len(list) != 1 || list[0].Kind != events.OfferWithdrawn {
				t.Errorf("events = %+v, want offer withdrawn", list)
			}
		})
	}
}

func TestSendValidatesText(t *testing.T) {
	const limit = 4096 // the vendor default of whatsappsession.max-text-message-size
	emoji := "😀"       // 4 bytes in UTF-8, one character
	tests := []struct {
		name      string
		text      string
		wantError bool
		wantBody  string
	}{
		{"plain", "Yes, it comes in blue.", false, "Yes, it comes in blue."},
		{"empty", "", true, ""},
		{"only spaces and newlines", "  \n\t \r\n ", true, ""},
		{"emojis at exactly the byte limit", strings.Repeat(emoji, limit/4), false, strings.Repeat(emoji, limit/4)},
		{"emojis one byte over", strings.Repeat(emoji, limit/4) + "!", true, ""},
		{"ascii at the limit", strings.Repeat("a", limit), false, strings.Repeat("a", limit)},
		{"ascii one over", strings.Repeat("a", limit+1), true, ""},
		{"trailing whitespace does not count", strings.Repeat(emoji, limit/4) + " \n\n", false, strings.Repeat(emoji, limit/4)},
		{"windows newlines normalised", "line one\r\nline two\r\n", false, "line one\nline two"},
		{"invalid UTF-8", "bad \xff byte", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			i := h.interactionIn(store.StateActive, h.alice)
			m, err := h.service.Send(h.ctx, h.alice, i.ID, tt.text)
			if tt.wantError {
				var inputErr *interaction.InputError
				if !errors.As(err, &inputErr) {
					t.Fatalf("Send err = %v, want *InputError", err)
				}
				if inputErr.Field != "text" || inputErr.Message == "" {
					t.Errorf("InputError = %+v", inputErr)
				}
				if n := countRows(t, h.store, `SELECT COUNT(*) FROM messages`); n != 0 {
					t.Errorf("refused text stored %d messages", n)
				}
				if h.outbox.n.Load() != 0 {
					t.Error("outbox kicked for a refused text")
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if m.Body != tt.wantBody {
				t.Errorf("body = %q (%d bytes), want %d bytes", m.Body, len(m.Body), len(tt.wantBody))
			}
			stored, err := h.store.MessageByID(h.ctx, m.ID)
			if err != nil || stored.Body != tt.wantBody {
				t.Errorf("stored = %q, %v", stored.Body, err)
			}
		})
	}
}

func TestTooLongMessageNamesBytes(t *testing.T) {
	h := newHarness(t)
	i := h.interactionIn(store.StateActive, h.alice)
	text := strings.Repeat("é", 2049) // 4098 bytes, 2049 characters
	_, err := h.service.Send(h.ctx, h.alice, i.ID, text)
	var inputErr *interaction.InputError
	if !errors.As(err, &inputErr) {
		t.Fatalf("err = %v", err)
	}
	if want := interaction.TooLongMessage(4098, 4096); inputErr.Message != want {
		t.Errorf("message = %q, want %q", inputErr.Message, want)
	}
}

func TestSendHonoursChangedLimit(t *testing.T) {
	h := newHarness(t)
	if problems, err := h.service.Options.Update(h.ctx, map[string]string{options.MaxTextMessageSize: "20"}, 0); err != nil || problems != nil {
		t.Fatal(problems, err)
	}
	i := h.interactionIn(store.StateActive, h.alice)
	if _, err := h.service.Send(h.ctx, h.alice, i.ID, strings.Repeat("😀", 5)); err != nil {
		t.Errorf("20 bytes refused: %v", err)
	}
	var inputErr *interaction.InputError
	if _, err := h.service.Send(h.ctx, h.alice, i.ID, strings.Repeat("😀", 5)+"a"); !errors.As(err, &inputErr) {
		t.Errorf("21 bytes err = %v, want *InputError", err)
	}
}

func TestSendStoresQueuedMessage(t *testing.T) {
	h := newHarness(t)
	i := h.interactionIn(store.StateActive, h.alice)
	aliceEvents := h.subscribe(h.alice)
	m, err := h.service.Send(h.ctx, h.alice, i.ID, "Yes, it comes in blue.")
	if err != nil {
		t.Fatal(err)
	}
	now := h.now.UnixMilli()
	stored, err := h.store.MessageByID(h.ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Direction != store.DirectionOut || stored.Status != store.StatusQueued || stored.AuthorID != h.alice ||
		stored.InteractionID != i.ID || stored.ContactID != i.ContactID || stored.PhoneNumberID != phoneNumberID || stored.Kind != "text" ||
		stored.OriginatedAt != now || stored.WAMID != "" {
		t.Errorf("stored = %+v", stored)
	}
	if m.Direction != stored.Direction || m.Status != stored.Status || m.StatusAt != stored.StatusAt {
		t.Errorf("returned %+v differs from stored %+v", m, stored)
	}
	due, err := h.store.DueOutbox(h.ctx, now, 10)
	if err != nil || len(due) != 1 || due[0].Message.ID != m.ID || due[0].RecipientWAID == "" {
		t.Errorf("outbox = %+v, %v", due, err)
	}
	if h.outbox.n.Load() != 1 {
		t.Errorf("outbox kicked %d times, want 1", h.outbox.n.Load())
	}
	if got := h.get(i.ID); got.LastAgentAt != now {
		t.Errorf("last_agent_at = %d, want %d", got.LastAgentAt, now)
	}
	list := received(aliceEvents)
	if len(list) != 1 || list[0].Kind != events.MessageAdded || list[0].MessageID != m.ID || list[0].InteractionID != i.ID {
		t.Errorf("events = %+v, want message added", list)
	}
}

func TestSendOnlyOnOwnActiveInteraction(t *testing.T) {
	tests := []struct {
		name    string
		state   string
		holder  string
		actor   string
		missing bool
		wantErr error
	}{
		{"another agent's active interaction", store.StateActive, "alice", "bob", false, interaction.ErrNotFound},
		{"another agent's offer", store.StateOffered, "alice", "bob", false, interaction.ErrNotFound},
		{"queued", store.StateQueued, "", "alice", false, interaction.ErrNotFound},
		{"own offer not yet accepted", store.StateOffered, "alice", "alice", false, interaction.ErrStale},
		{"own closed interaction", store.StateDone, "alice", "alice", false, interaction.ErrStale},
		{"missing interaction", store.StateActive, "alice", "alice", true, interaction.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			who := map[string]int64{"alice": h.alice, "bob": h.bob}
			i := h.interactionIn(tt.state, who[tt.holder])
			id := i.ID
			if tt.missing {
				id += 1000
			}
			_, err := h.service.Send(h.ctx, who[tt.actor], id, "hello")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Send err = %v, want %v", err, tt.wantErr)
			}
			if n := countRows(t, h.store, `SELECT COUNT(*) FROM messages`); n != 0 {
				t.Errorf("refused send stored %d messages", n)
			}
			if n := countRows(t, h.store, `SELECT COUNT(*) FROM outbox`); n != 0 {
				t.Errorf("refused send left %d outbox rows", n)
			}
		})
	}
}

func TestClose(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		state       string
		holder      string
		actor       string
		disposition string // "active", "retired", "missing", "none"
		note        string
		wantErr     error
		wantField   string // for input errors
	}{
		{"holder closes with an active disposition", store.StateActive, "alice", "alice", "active", "  customer happy  ", nil, ""},
		{"no disposition", store.StateActive, "alice", "alice", "none", "", nil, "disposition"},
		{"retired disposition", store.StateActive, "alice", "alice", "retired", "", nil, "disposition"},
		{"unknown disposition", store.StateActive, "alice", "alice", "missing", "", nil, "disposition"},
		{"note too long", store.StateActive, "alice", "alice", "active", strings.Repeat("n", interaction.MaxNoteLength+1), nil, "note"},
		{"another agent's interaction", store.StateActive, "alice", "bob", "active", "", interaction.ErrNotFound, ""},
		{"offer not yet accepted", store.StateOffered, "alice", "alice", "active", "", interaction.ErrStale, ""},
		{"already closed", store.StateDone, "alice", "alice", "active", "", interaction.ErrStale, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			who := map[string]int64{"alice": h.alice, "bob": h.bob}
			i := h.interactionIn(tt.state, who[tt.holder])
			active, err := h.store.CreateDisposition(ctx, "Sale made")
			if err != nil {
				t.Fatal(err)
			}
			retired, err := h.store.CreateDisposition(ctx, "Old code")
			if err != nil {
				t.Fatal(err)
			}
			if err := h.store.SetDispositionActive(ctx, retired, false); err != nil {
				t.Fatal(err)
			}
			disposition := map[string]int64{"active": active, "retired": retired, "missing": 9999, "none": 0}[tt.disposition]
			actorEvents := h.subscribe(who[tt.actor])

			err = h.service.Close(ctx, who[tt.actor], i.ID, disposition, tt.note)
			switch {
			case tt.wantField != "":
				var inputErr *interaction.InputError
				if !errors.As(err, &inputErr) || inputErr.Field != tt.wantField || inputErr.Message == "" {
					t.Fatalf("Close err = %v, want *InputError on %s", err, tt.wantField)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Close err = %v, want %v", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatalf("Close: %v", err)
				}
			}
			got := h.get(i.ID)
			list := received(actorEvents)
			if err != nil {
				if got != i {
					t.Errorf("refused close changed the interaction: %+v", got)
				}
				if len(list) != 0 || h.router.n.Load() != 0 {
					t.Errorf("refused close published %v, kicked %d", list, h.router.n.Load())
				}
				return
			}
			if got.State != store.StateDone || got.ClosedAt != h.now.UnixMilli() || got.DispositionID != active || got.Note != "customer happy" {
				t.Errorf("closed = %+v", got)
			}
			if len(list) != 1 || list[0].Kind != events.InteractionClosed {
				t.Errorf("events = %+v, want interaction closed", list)
			}
			if h.router.n.Load() != 1 {
				t.Errorf("router kicked %d times, want 1 (capacity freed)", h.router.n.Load())
			}
		})
	}
}

func TestSetReady(t *testing.T) {
	h := newHarness(t)
	aliceEvents := h.subscribe(h.alice)
	if err := h.service.SetReady(h.ctx, h.alice, true); err != nil {
		t.Fatal(err)
	}
	u, _ := h.store.UserByID(h.ctx, h.alice)
	if !u.Ready {
		t.Error("not ready after SetReady(true)")
	}
	if list := received(aliceEvents); len(list) != 1 || list[0].Kind != events.PresenceChanged {
		t.Errorf("events = %+v", list)
	}
	if h.router.n.Load() != 1 {
		t.Errorf("router kicked %d times", h.router.n.Load())
	}
	if err := h.service.SetReady(h.ctx, 9999, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetReady(unknown) err = %v", err)
	}
}
