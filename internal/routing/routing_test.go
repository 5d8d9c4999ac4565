package routing_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/options"
	"switchboard/internal/routing"
	"switchboard/store"
)

const phoneNumberID = "106540352242922"

// clock is a hand-advanced time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t         *testing.T
	ctx       context.Context
	store     *store.Store
	hub       *events.Hub
	options   *options.Set
	clock     *clock
	router    *routing.Router
	customers int
}

func newHarness(t *testing.T, settings map[string]string) *harness {
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
	if len(settings) > 0 {
		problems, err := opts.Update(ctx, settings, 0)
		if err != nil || problems != nil {
			t.Fatalf("options: %v %v", problems, err)
		}
	}
	c := &clock{now: time.Date(2025, 6, 8, 21, 0, 0, 0, time.UTC)}
	hub := events.NewHub()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &harness{t: t, ctx: ctx, store: st, hub: hub, options: opts, clock: c, router: routing.New(st, hub, opts, log, c.Now)}
}

type agentSetup struct {
	ready    bool
	session  string // "live", "expired" or "" for none
	inactive bool
}

// agent creates an agent; agents created earlier are ready longer (ReadyAgents breaks ties by id too).
func (h *harness) agent(name string, setup agentSetup) int64 {
	h.t.Helper()
	id, err := h.store.CreateUser(h.ctx, store.User{Username: name, DisplayName: name, PasswordHash: "x", Role: "agent", Active: true})
	if err != nil {
		h.t.Fatal(err)
	}
	if setup.ready {
		if err := h.store.SetReady(h.ctx, id, true); err != nil {
			h.t.Fatal(err)
		}
	}
	now := h.clock.Now()
	switch setup.session {
	case "live":
		h.session(id, name, now.Add(12*time.Hour))
	case "expired":
		h.session(id, name, now)
	}
	if setup.inactive {
		if _, err := h.store.DB().ExecContext(h.ctx, `UPDATE users SET active = 0 WHERE id = ?`, id); err != nil {
			h.t.Fatal(err)
		}
	}
	return id
}

func (h *harness) session(userID int64, name string, expires time.Time) {
	h.t.Helper()
	now := h.clock.Now().UnixMilli()
	if err := h.store.CreateSession(h.ctx, store.Session{ID: "session-" + name, UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: expires.UnixMilli()}); err != nil {
		h.t.Fatal(err)
	}
}

// waiting queues an interaction from a new customer.
func (h *harness) waiting() store.Interaction {
	h.t.Helper()
	h.customers++
	contact, err := h.store.EnsureContact(h.ctx, fmt.Sprintf("1650555%04d", h.customers), "", h.clock.Now().UnixMilli())
	if err != nil {
		h.t.Fatal(err)
	}
	i, err := h.store.CreateInteraction(h.ctx, contact.ID, phoneNumberID, h.clock.Now().UnixMilli())
	if err != nil {
		h.t.Fatal(err)
	}
	return i
}

func (h *harness) route() {
	h.t.Helper()
	if err := h.router.Route(h.ctx); err != nil {
		h.t.Fatalf("Route: %v", err)
	}
}

func (h *harness) get(id int64) store.Interaction {
	h.t.Helper()
	i, err := h.store.InteractionByID(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return i
}

func (h *harness) subscribe(topic string) *events.Subscription {
	sub := h.hub.Subscribe(topic)
	h.t.Cleanup(sub.Close)
	return sub
}

// received drains what a subscription has been sent so far; Route publishes synchronously, so everything it
// published is already buffered.
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

func kinds(list []events.Event) []string {
	var out []string
	for _, e := range list {
		out = append(out, fmt.Sprintf("%s#%d", e.Kind, e.InteractionID))
	}
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOfferedOnlyToReadyLoggedInAgents(t *testing.T) {
	tests := []struct {
		name      string
		agents    map[string]agentSetup
		wantAgent string // "" stays queued
	}{
		{"only ready agent with a live session", map[string]agentSetup{
			"ready": {ready: true, session: "live"},
		}, "ready"},
		{"not ready agent is skipped", map[string]agentSetup{
			"notready": {ready: false, session: "live"},
		}, ""},
		{"logged-out agent is skipped", map[string]agentSetup{
			"loggedout": {ready: true},
		}, ""},
		{"expired session is skipped", map[string]agentSetup{
			"expired": {ready: true, session: "expired"},
		}, ""},
		{"inactive agent is skipped", map[string]agentSetup{
			"inactive": {ready: true, session: "live", inactive: true},
		}, ""},
		{"picked among absent ones", map[string]agentSetup{
			"notready":  {ready: false, session: "live"},
			"loggedout": {ready: true},
			"expired":   {ready: true, session: "expired"},
			"ready":     {ready: true, session: "live"},
		}, "ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			ids := map[string]int64{}
			subs := map[string]*events.Subscription{}
			for name, setup := range tt.agents {
				ids[name] = h.agent(name, setup)
				subs[name] = h.subscribe(events.UserTopic(ids[name]))
			}
			supervisors := h.subscribe(events.SupervisorTopic)
			i := h.waiting()
			h.route()

			got := h.get(i.ID)
			if tt.wantAgent == "" {
				if got.State != store.StateQueued || got.AgentID != 0 {
					t.Errorf("interaction = %s to %d, want still queued", got.State, got.AgentID)
				}
				for name, sub := range subs {
					if list := received(sub); len(list) != 0 {
						t.Errorf("%s got events %v", name, kinds(list))
					}
				}
				if list := received(supervisors); len(list) != 0 {
					t.Errorf("supervisors got events %v", kinds(list))
				}
				return
			}
			want := ids[tt.wantAgent]
			if got.State != store.StateOffered || got.AgentID != want || got.OfferedAt != h.clock.Now().UnixMilli() {
				t.Errorf("interaction = %+v, want offered to %d now", got, want)
			}
			for name, sub := range subs {
				list := kinds(received(sub))
				var expected []string
				if name == tt.wantAgent {
					expected = []string{fmt.Sprintf("%s#%d", events.OfferMade, i.ID)}
				}
				if !sameStrings(list, expected) {
					t.Errorf("%s events = %v, want %v", name, list, expected)
				}
			}
			if list := kinds(received(supervisors)); !sameStrings(list, []string{fmt.Sprintf("%s#%d", events.QueueChanged, i.ID)}) {
				t.Errorf("supervisor events = %v", list)
			}
		})
	}
}

func TestCapacityRespected(t *testing.T) {
	tests := []struct {
		capacity    string
		waiting     int
		wantOffered int
	}{
		{"1", 3, 1},
		{"2", 3, 2},
		{"3", 3, 3},
		{"5", 3, 3},
	}
	for _, tt := range tests {
		t.Run("capacity "+tt.capacity, func(t *testing.T) {
			h := newHarness(t, map[string]string{options.MaxConcurrentInteractions: tt.capacity})
			agent := h.agent("alice", agentSetup{ready: true, session: "live"})
			var list []store.Interaction
			for range tt.waiting {
				list = append(list, h.waiting())
			}
			h.route()
			h.route() // a second pass must not exceed capacity either
			offered := 0
			for k, i := range list {
				got := h.get(i.ID)
				switch got.State {
				case store.StateOffered:
					offered++
					if got.AgentID != agent {
						t.Errorf("interaction %d offered to %d", i.ID, got.AgentID)
					}
					if k >= tt.wantOffered {
						t.Errorf("interaction %d offered before an older one", k)
					}
				case store.StateQueued:
				default:
					t.Errorf("interaction %d in state %s", i.ID, got.State)
				}
			}
			if offered != tt.wantOffered {
				t.Errorf("offered %d, want %d", offered, tt.wantOffered)
			}
		})
	}
}

func TestCapacityCountsActiveInteractionsAndFreesOnClose(t *testing.T) {
	h := newHarness(t, map[string]string{options.MaxConcurrentInteractions: "1"})
	agent := h.agent("alice", agentSetup{ready: true, session: "live"})
	first := h.waiting()
	second := h.waiting()
	h.route()
	if ok, err := h.store.AcceptInteraction(h.ctx, first.ID, agent, h.clock.Now().UnixMilli()); err != nil || !ok {
		t.Fatalf("accept: %v %v", ok, err)
	}
	h.route()
	if got := h.get(second.ID); got.State != store.StateQueued {
		t.Fatalf("second = %s while the agent is at capacity", got.State)
	}
	if ok, err := h.store.CloseInteraction(h.ctx, first.ID, agent, 1, "", h.clock.Now().UnixMilli()); err != nil || !ok {
		t.Fatalf("close: %v %v", ok, err)
	}
	h.route()
	if got := h.get(second.ID); got.State != store.StateOffered || got.AgentID != agent {
		t.Errorf("second = %s to %d after capacity freed, want offered to %d", got.State, got.AgentID, agent)
	}
}

func TestOfferTimeoutRedirects(t *testing.T) {
	h := newHarness(t, map[string]string{options.OfferTimeout: "30"})
	alice := h.agent("alice", agentSetup{ready: true, session: "live"})
	aliceEvents := h.subscribe(events.UserTopic(alice))
	i := h.waiting()
	h.route()
	if got := h.get(i.ID); got.AgentID != alice {
		t.Fatalf("first offer went to %d, want alice %d", got.AgentID, alice)
	}
	// Bob becomes Ready after the offer was made.
	bob := h.agent("bob", agentSetup{ready: true, session: "live"})
	bobEvents := h.subscribe(events.UserTopic(bob))
	received(aliceEvents)

	h.clock.Advance(29 * time.Second)
	h.route()
	if got := h.get(i.ID); got.State != store.StateOffered || got.AgentID != alice {
		t.Fatalf("before the timeout: %s to %d, want still offered to alice", got.State, got.AgentID)
	}
	if list := received(aliceEvents); len(list) != 0 {
		t.Errorf("alice got %v before the timeout", kinds(list))
	}

	h.clock.Advance(time.Second)
	h.route()
	got := h.get(i.ID)
	if got.State != store.StateOffered || got.AgentID != bob || got.OfferedAt != h.clock.Now().UnixMilli() {
		t.Errorf("after the timeout: %+v, want offered to bob now", got)
	}
	var reason string
	var at int64
	if err := h.store.DB().QueryRowContext(h.ctx, `SELECT reason, at FROM offer_declines WHERE interaction_id = ? AND user_id = ?`, i.ID, alice).Scan(&reason, &at); err != nil {
		t.Fatalf("decline record: %v", err)
	}
	if reason != "timeout" || at != h.clock.Now().UnixMilli() {
		t.Errorf("decline = %s at %d, want timeout now", reason, at)
	}
	if list := kinds(received(aliceEvents)); !sameStrings(list, []string{fmt.Sprintf("%s#%d", events.OfferWithdrawn, i.ID)}) {
		t.Errorf("alice events = %v, want the offer withdrawn", list)
	}
	if list := kinds(received(bobEvents)); !sameStrings(list, []string{fmt.Sprintf("%s#%d", events.OfferMade, i.ID)}) {
		t.Errorf("bob events = %v, want an offer", list)
	}
}

func TestTimedOutOfferReturnsToSoleAgent(t *testing.T) {
	// With nobody else Ready the interaction is offered again to the agent who let it time out, rather than
	// waiting with nobody to take it.
	h := newHarness(t, map[string]string{options.OfferTimeout: "10"})
	alice := h.agent("alice", agentSetup{ready: true, session: "live"})
	i := h.waiting()
	h.route()
	h.clock.Advance(10 * time.Second)
	h.route()
	if got := h.get(i.ID); got.State != store.StateOffered || got.AgentID != alice || got.OfferedAt != h.clock.Now().UnixMilli() {
		t.Errorf("after timeout with a sole agent: %+v", got)
	}
}

func TestRejectedOfferGoesToAnotherAgent(t *testing.T) {
	h := newHarness(t, nil)
	alice := h.agent("alice", agentSetup{ready: true, session: "live"})
	bob := h.agent("bob", agentSetup{ready: true, session: "live"})
	i := h.waiting()
	h.route()
	if got := h.get(i.ID); got.AgentID != alice {
		t.Fatalf("first offer to %d, want alice (ready longest)", got.AgentID)
	}
	if ok, err := h.store.DeclineInteraction(h.ctx, i.ID, alice, "rejected", h.clock.Now().UnixMilli()); err != nil || !ok {
		t.Fatalf("reject: %v %v", ok, err)
	}
	bobEvents := h.subscribe(events.UserTopic(bob))
	h.route()
	if got := h.get(i.ID); got.State != store.StateOffered || got.AgentID != bob {
		t.Errorf("after rejection: %s to %d, want offered to bob %d", got.State, got.AgentID, bob)
	}
	if list := kinds(received(bobEvents)); !sameStrings(list, []string{fmt.Sprintf("%s#%d", events.OfferMade, i.ID)}) {
		t.Errorf("bob events = %v", list)
	}

	// Bob rejects too: both have one decline, so the one ready longest gets it again.
	if ok, _ := h.store.DeclineInteraction(h.ctx, i.ID, bob, "rejected", h.clock.Now().UnixMilli()); !ok {
		t.Fatal("bob reject")
	}
	h.route()
	if got := h.get(i.ID); got.AgentID != alice {
		t.Errorf("after both rejected: offered to %d, want alice %d", got.AgentID, alice)
	}
}

func TestOfferOfAgentWhoLeftIsRedirectedAtOnce(t *testing.T) {
	tests := []struct {
		name  string
		leave func(h *harness, alice int64)
	}{
		{"not ready", func(h *harness, alice int64) {
			if err := h.store.SetReady(h.ctx, alice, false); err != nil {
				h.t.Fatal(err)
			}
		}},
		{"logged out", func(h *harness, alice int64) {
			if err := h.store.DeleteSession(h.ctx, "session-alice"); err != nil {
				h.t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			alice := h.agent("alice", agentSetup{ready: true, session: "live"})
			bob := h.agent("bob", agentSetup{ready: true, session: "live"})
			i := h.waiting()
			h.route()
			if got := h.get(i.ID); got.AgentID != alice {
				t.Fatalf("first offer to %d, want alice", got.AgentID)
			}
			aliceEvents := h.subscribe(events.UserTopic(alice))
			tt.leave(h, alice)
			h.route() // no time passes
			if got := h.get(i.ID); got.State != store.StateOffered || got.AgentID != bob {
				t.Errorf("after alice left: %s to %d, want offered to bob", got.State, got.AgentID)
			}
			if list := kinds(received(aliceEvents)); !sameStrings(list, []string{fmt.Sprintf("%s#%d", events.OfferWithdrawn, i.ID)}) {
				t.Errorf("alice events = %v", list)
			}
		})
	}
}

func TestAutoAnswerAssignsDirectly(t *testing.T) {
	h := newHarness(t, map[string]string{options.AutoAnswer: "true"})
	alice := h.agent("alice", agentSetup{ready: true, session: "live"})
	aliceEvents := h.subscribe(events.UserTopic(alice))
	i := h.waiting()
	h.route()
	got := h.get(i.ID)
	now := h.clock.Now().UnixMilli()
	if got.State != store.StateActive || got.AgentID != alice || got.AcceptedAt != now || got.OfferedAt != now {
		t.Errorf("auto-answered interaction = %+v, want active for alice now", got)
	}
	if list := kinds(received(aliceEvents)); !sameStrings(list, []string{fmt.Sprintf("%s#%d", events.InteractionOpened, i.ID)}) {
		t.Errorf("alice events = %v, want interaction opened", list)
	}
	// An active interaction never times out.
	h.clock.Advance(time.Hour)
	h.route()
	if got := h.get(i.ID); got.State != store.StateActive || got.AgentID != alice {
		t.Errorf("an hour later: %s to %d", got.State, got.AgentID)
	}
}

func TestLeastLoadedAgentChosen(t *testing.T) {
	h := newHarness(t, nil)
	alice := h.agent("alice", agentSetup{ready: true, session: "live"})
	bob := h.agent("bob", agentSetup{ready: true, session: "live"})
	first := h.waiting()
	second := h.waiting()
	third := h.waiting()
	h.route()
	// Oldest first: alice (ready longest) takes the first, bob (less loaded) the second, alice the third.
	want := map[int64]int64{first.ID: alice, second.ID: bob, third.ID: alice}
	for id, agent := range want {
		if got := h.get(id); got.State != store.StateOffered || got.AgentID != agent {
			t.Errorf("interaction %d: %s to %d, want offered to %d", id, got.State, got.AgentID, agent)
		}
	}
}

func TestKickNeverBlocks(t *testing.T) {
	h := newHarness(t, nil)
	for range 10 {
		h.router.Kick()
	}
}
