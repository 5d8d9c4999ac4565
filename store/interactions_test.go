package store

import (
	"context"
	"errors"
	"testing"
)

// interactionIn builds an interaction in the given state held by holder (0 for queued).
func interactionIn(t *testing.T, s *Store, waID, state string, holder int64) Interaction {
	t.Helper()
	ctx := context.Background()
	i := mustInteraction(t, s, waID)
	switch state {
	case StateQueued:
	case StateOffered:
		if ok, err := s.OfferInteraction(ctx, i.ID, holder, 2000); err != nil || !ok {
			t.Fatalf("offer: %v %v", ok, err)
		}
	case StateActive:
		if ok, err := s.AssignInteraction(ctx, i.ID, holder, 2000); err != nil || !ok {
			t.Fatalf("assign: %v %v", ok, err)
		}
	case StateDone:
		if ok, err := s.AssignInteraction(ctx, i.ID, holder, 2000); err != nil || !ok {
			t.Fatalf("assign: %v %v", ok, err)
		}
		if ok, err := s.CloseInteraction(ctx, i.ID, holder, 1, "", 2500); err != nil || !ok {
			t.Fatalf("close: %v %v", ok, err)
		}
	default:
		t.Fatalf("unknown state %q", state)
	}
	got, err := s.InteractionByID(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestInteractionStateGuards(t *testing.T) {
	ctx := context.Background()
	const now = 3000
	type action func(s *Store, i Interaction, holder, stranger int64) (bool, error)
	offerTo := func(who string) action {
		return func(s *Store, i Interaction, holder, stranger int64) (bool, error) {
			return s.OfferInteraction(ctx, i.ID, pick(who, holder, stranger), now)
		}
	}
	assignTo := func(who string) action {
		return func(s *Store, i Interaction, holder, stranger int64) (bool, error) {
			return s.AssignInteraction(ctx, i.ID, pick(who, holder, stranger), now)
		}
	}
	acceptBy := func(who string) action {
		return func(s *Store, i Interaction, holder, stranger int64) (bool, error) {
			return s.AcceptInteraction(ctx, i.ID, pick(who, holder, stranger), now)
		}
	}
	declineBy := func(who string) action {
		return func(s *Store, i Interaction, holder, stranger int64) (bool, error) {
			return s.DeclineInteraction(ctx, i.ID, pick(who, holder, stranger), "rejected", now)
		}
	}
	closeBy := func(who string) action {
		return func(s *Store, i Interaction, holder, stranger int64) (bool, error) {
			return s.CloseInteraction(ctx, i.ID, pick(who, holder, stranger), 2, "done and dusted", now)
		}
	}

	tests := []struct {
		name      string
		from      string
		act       action
		wantOK    bool
		wantState string
		wantAgent string // "holder", "stranger" or "" for none
	}{
		{"offer queued", StateQueued, offerTo("stranger"), true, StateOffered, "stranger"},
		{"offer offered", StateOffered, offerTo("stranger"), false, StateOffered, "holder"},
		{"offer active", StateActive, offerTo("stranger"), false, StateActive, "holder"},
		{"offer done", StateDone, offerTo("stranger"), false, StateDone, "holder"},

		{"assign queued", StateQueued, assignTo("stranger"), true, StateActive, "stranger"},
		{"assign offered", StateOffered, assignTo("stranger"), false, StateOffered, "holder"},

		{"accept by offered agent", StateOffered, acceptBy("holder"), true, StateActive, "holder"},
		{"accept by another agent", StateOffered, acceptBy("stranger"), false, StateOffered, "holder"},
		{"accept queued", StateQueued, acceptBy("holder"), false, StateQueued, ""},
		{"accept active again", StateActive, acceptBy("holder"), false, StateActive, "holder"},

		{"decline by offered agent", StateOffered, declineBy("holder"), true, StateQueued, ""},
		{"decline by another agent", StateOffered, declineBy("stranger"), false, StateOffered, "holder"},
		{"decline queued", StateQueued, declineBy("holder"), false, StateQueued, ""},
		{"decline active", StateActive, declineBy("holder"), false, StateActive, "holder"},

		{"close active by holder", StateActive, closeBy("holder"), true, StateDone, "holder"},
		{"close active by another agent", StateActive, closeBy("stranger"), false, StateActive, "holder"},
		{"close offered", StateOffered, closeBy("holder"), false, StateOffered, "holder"},
		{"close queued", StateQueued, closeBy("holder"), false, StateQueued, ""},
		{"close done again", StateDone, closeBy("holder"), false, StateDone, "holder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestStore(t)
			holder := mustUser(t, s, "holder")
			stranger := mustUser(t, s, "stranger")
			var heldBy int64
			if tt.from != StateQueued {
				heldBy = holder
			}
			before := interactionIn(t, s, "16505551234", tt.from, heldBy)
			ok, err := tt.act(s, before, holder, stranger)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			after, err := s.InteractionByID(ctx, before.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.State != tt.wantState {
				t.Errorf("state = %s, want %s", after.State, tt.wantState)
			}
			if want := pick(tt.wantAgent, holder, stranger); after.AgentID != want {
				t.Errorf("agent = %d, want %d", after.AgentID, want)
			}
			if !tt.wantOK && after != before {
				t.Errorf("refused transition changed the row:\n before %+v\n after  %+v", before, after)
			}
		})
	}
}

// pick maps "holder"/"stranger" to an id, anything else to 0.
func pick(who string, holder, stranger int64) int64 {
	switch who {
	case "holder":
		return holder
	case "stranger":
		return stranger
	}
	return 0
}

func TestInteractionTransitionsRecordTimesAndDeclines(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	agent := mustUser(t, s, "agent")
	i := mustInteraction(t, s, "16505551234")
	if i.State != StateQueued || i.AgentID != 0 || i.CreatedAt != 1000 || i.PhoneNumberID != testPhoneNumberID {
		t.Fatalf("created = %+v", i)
	}

	if ok, _ := s.OfferInteraction(ctx, i.ID, agent, 2000); !ok {
		t.Fatal("offer")
	}
	got, _ := s.InteractionByID(ctx, i.ID)
	if got.OfferedAt != 2000 {
		t.Errorf("offered_at = %d, want 2000", got.OfferedAt)
	}

	if ok, _ := s.DeclineInteraction(ctx, i.ID, agent, "timeout", 2500); !ok {
		t.Fatal("decline")
	}
	got, _ = s.InteractionByID(ctx, i.ID)
	if got.State != StateQueued || got.AgentID != 0 || got.OfferedAt != 0 {
		t.Errorf("after decline = %+v, want queued with no agent and no offer time", got)
	}
	var reason string
	var at int64
	if err := s.DB().QueryRowContext(ctx, `SELECT reason, at FROM offer_declines WHERE interaction_id = ? AND user_id = ?`, i.ID, agent).Scan(&reason, &at); err != nil {
		t.Fatalf("offer_declines: %v", err)
	}
	if reason != "timeout" || at != 2500 {
		t.Errorf("offer_declines = %s at %d, want timeout at 2500", reason, at)
	}

	if ok, _ := s.OfferInteraction(ctx, i.ID, agent, 3000); !ok {
		t.Fatal("second offer")
	}
	if ok, _ := s.AcceptInteraction(ctx, i.ID, agent, 3500); !ok {
		t.Fatal("accept")
	}
	got, _ = s.InteractionByID(ctx, i.ID)
	if got.State != StateActive || got.AcceptedAt != 3500 {
		t.Errorf("after accept = %+v", got)
	}
	if ok, _ := s.CloseInteraction(ctx, i.ID, agent, 3, "called back", 4000); !ok {
		t.Fatal("close")
	}
	got, _ = s.InteractionByID(ctx, i.ID)
	if got.State != StateDone || got.ClosedAt != 4000 || got.DispositionID != 3 || got.Note != "called back" || got.AgentID != agent {
		t.Errorf("after close = %+v", got)
	}

	if _, err := s.InteractionByID(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("InteractionByID(unknown) err = %v", err)
	}
	if ok, err := s.DeclineInteraction(ctx, i.ID, agent, "bored", 1); ok || err != nil {
		t.Errorf("decline of a done interaction = %v, %v", ok, err)
	}
}

func TestDeclineWithInvalidReasonChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	agent := mustUser(t, s, "agent")
	i := interactionIn(t, s, "16505551234", StateOffered, agent)
	err := s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.DeclineInteraction(ctx, i.ID, agent, "bored", 1)
		return err
	})
	if err == nil {
		t.Fatal("decline with reason bored succeeded")
	}
	got, _ := s.InteractionByID(ctx, i.ID)
	if got.State != StateOffered || got.AgentID != agent {
		t.Errorf("after failed decline = %+v, want still offered", got)
	}
}

func TestOneOpenInteractionPerContactAndNumber(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	agent := mustUser(t, s, "agent")
	ct := mustContact(t, s, "16505551234")
	first, err := s.CreateInteraction(ctx, ct.ID, testPhoneNumberID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInteraction(ctx, ct.ID, testPhoneNumberID, 1001); !errors.Is(err, ErrConflict) {
		t.Fatalf("second open interaction err = %v, want ErrConflict", err)
	}
	// Another business number is another conversation.
	if _, err := s.CreateInteraction(ctx, ct.ID, "999999999", 1002); err != nil {
		t.Fatalf("other number: %v", err)
	}
	open, err := s.OpenInteraction(ctx, ct.ID, testPhoneNumberID)
	if err != nil || open.ID != first.ID {
		t.Fatalf("OpenInteraction = %+v, %v", open, err)
	}
	// Still blocked while offered or active.
	for _, step := range []func() (bool, error){
		func() (bool, error) { return s.OfferInteraction(ctx, first.ID, agent, 1100) },
		func() (bool, error) { return s.AcceptInteraction(ctx, first.ID, agent, 1200) },
	} {
		if ok, err := step(); !ok || err != nil {
			t.Fatalf("step: %v %v", ok, err)
		}
		if _, err := s.CreateInteraction(ctx, ct.ID, testPhoneNumberID, 1300); !errors.Is(err, ErrConflict) {
			t.Errorf("open interaction while held err = %v, want ErrConflict", err)
		}
	}
	if ok, _ := s.CloseInteraction(ctx, first.ID, agent, 1, "", 1400); !ok {
		t.Fatal("close")
	}
	if _, err := s.OpenInteraction(ctx, ct.ID, testPhoneNumberID); !errors.Is(err, ErrNotFound) {
		t.Errorf("OpenInteraction after close err = %v, want ErrNotFound", err)
	}
	second, err := s.CreateInteraction(ctx, ct.ID, testPhoneNumberID, 1500)
	if err != nil {
		t.Fatalf("new interaction after close: %v", err)
	}
	if second.ID == first.ID {
		t.Error("new interaction reused the closed one's id")
	}
	history, err := s.ContactInteractions(ctx, ct.ID, 10)
	if err != nil || len(history) != 3 || history[0].ID != second.ID {
		t.Errorf("ContactInteractions = %+v, %v", history, err)
	}
}

func TestInteractionListings(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const now = 100_000
	present := mustUser(t, s, "present")
	absent := mustUser(t, s, "absent")
	for _, id := range []int64{present, absent} {
		if err := s.SetReady(ctx, id, true); err != nil {
			t.Fatal(err)
		}
	}
	mustSession(t, s, "present", present, now+1)
	mustSession(t, s, "absent", absent, now) // expired exactly now

	queuedA := mustInteraction(t, s, "16505550001")
	queuedB := mustInteraction(t, s, "16505550002")
	oldOffer := interactionIn(t, s, "16505550003", StateQueued, 0)
	if ok, _ := s.OfferInteraction(ctx, oldOffer.ID, present, 10_000); !ok {
		t.Fatal("offer")
	}
	newOffer := mustInteraction(t, s, "16505550004")
	if ok, _ := s.OfferInteraction(ctx, newOffer.ID, present, 90_000); !ok {
		t.Fatal("offer")
	}
	absentOffer := mustInteraction(t, s, "16505550005")
	if ok, _ := s.OfferInteraction(ctx, absentOffer.ID, absent, 95_000); !ok {
		t.Fatal("offer")
	}
	active := interactionIn(t, s, "16505550006", StateActive, present)
	interactionIn(t, s, "16505550007", StateDone, present)

	ids := func(list []Interaction, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, i := range list {
			out = append(out, i.ID)
		}
		return out
	}
	tests := []struct {
		name string
		got  []int64
		want []int64
	}{
		{"queued", ids(s.QueuedInteractions(ctx)), []int64{queuedA.ID, queuedB.ID}},
		{"expired offers", ids(s.ExpiredOffers(ctx, 10_000)), []int64{oldOffer.ID}},
		{"offers of absent agents", ids(s.OffersOfAbsentAgents(ctx, now)), []int64{absentOffer.ID}},
		{"agent interactions", ids(s.AgentInteractions(ctx, present)), []int64{oldOffer.ID, newOffer.ID, active.ID}},
		{"open interactions", ids(s.OpenInteractions(ctx)), []int64{queuedA.ID, queuedB.ID, oldOffer.ID, newOffer.ID, absentOffer.ID, active.ID}},
	}
	for _, tt := range tests {
		if len(tt.got) != len(tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			continue
		}
		for i := range tt.got {
			if tt.got[i] != tt.want[i] {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
				break
			}
		}
	}
}

func TestRecentClosedInteractions(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	agent := mustUser(t, s, "agent")
	closed := interactionIn(t, s, "16505551234", StateActive, agent)
	mustInsertMessage(t, s, Message{InteractionID: closed.ID, ContactID: closed.ContactID, PhoneNumberID: testPhoneNumberID,
		Direction: DirectionIn, Kind: "text", WAMID: "wamid.first", Body: "first words", Status: StatusReceived})
	mustInsertMessage(t, s, outboundMessage(closed, "wamid.reply", StatusSent))
	if ok, _ := s.CloseInteraction(ctx, closed.ID, agent, 1, "ok", 5000); !ok {
		t.Fatal("close")
	}
	interactionIn(t, s, "16505559999", StateActive, agent) // still open: not listed

	list, err := s.RecentClosedInteractions(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("listed %d, want 1", len(list))
	}
	got := list[0]
	if got.ID != closed.ID || got.ContactWAID != "16505551234" || got.AgentName != "agent" || got.DispositionName != "Resolved" ||
		got.MessageCount != 2 || got.FirstMessageBody != "first words" {
		t.Errorf("summary = %+v", got)
	}
	other, err := s.RecentClosedInteractions(ctx, closed.ContactID+1000, 10)
	if err != nil || len(other) != 0 {
		t.Errorf("other contact's history = %+v, %v", other, err)
	}
}
