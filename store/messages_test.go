package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestInsertMessageDuplicateWAMIDIsNoOp(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	i := mustInteraction(t, s, "16505551234")
	in := Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Direction: DirectionIn, Kind: "text",
		WAMID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", Body: "Does it come in another color?",
		Status: StatusReceived, OriginatedAt: 1000, ReceivedAt: 1100, StatusAt: 1100}
	id, inserted, err := s.InsertMessage(ctx, in)
	if err != nil || !inserted || id == 0 {
		t.Fatalf("first insert = %d, %v, %v", id, inserted, err)
	}

	again := in
	again.Body = "something else"
	again.ReceivedAt = 9999
	id2, inserted, err := s.InsertMessage(ctx, again)
	if err != nil {
		t.Fatalf("duplicate insert err = %v", err)
	}
	if inserted || id2 != 0 {
		t.Errorf("duplicate insert = %d, %v; want 0, false", id2, inserted)
	}
	stored, err := s.MessageByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Body != in.Body || stored.ReceivedAt != 1100 {
		t.Errorf("existing row changed: %+v", stored)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM messages`); n != 1 {
		t.Errorf("messages = %d, want 1", n)
	}
	if exists, err := s.MessageExists(ctx, in.WAMID); err != nil || !exists {
		t.Errorf("MessageExists = %v, %v", exists, err)
	}
	if exists, err := s.MessageExists(ctx, "wamid.other"); err != nil || exists {
		t.Errorf("MessageExists(other) = %v, %v", exists, err)
	}
	byWAMID, err := s.MessageByWAMID(ctx, in.WAMID)
	if err != nil || byWAMID.ID != id {
		t.Errorf("MessageByWAMID = %+v, %v", byWAMID, err)
	}
}

func TestMessagesWithoutWAMIDAreNotDuplicates(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	i := mustInteraction(t, s, "16505551234")
	for n := range 3 {
		m := Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Direction: DirectionSystem,
			Kind: "notice", Body: fmt.Sprintf("notice %d", n), Status: StatusNotice}
		if _, inserted, err := s.InsertMessage(ctx, m); err != nil || !inserted {
			t.Fatalf("notice %d: inserted=%v err=%v", n, inserted, err)
		}
	}
	list, err := s.InteractionMessages(ctx, i.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("InteractionMessages = %d, %v", len(list), err)
	}
	for n, m := range list {
		if m.WAMID != "" || m.Body != fmt.Sprintf("notice %d", n) {
			t.Errorf("message %d = %+v", n, m)
		}
	}
}

func TestApplyStatusOnlyMovesForward(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		from, to    string
		wantStatus  string
		wantChanged bool
	}{
		{StatusQueued, StatusSent, StatusSent, true},
		{StatusSent, StatusDelivered, StatusDelivered, true},
		{StatusDelivered, StatusRead, StatusRead, true},
		{StatusSent, StatusRead, StatusRead, true}, // delivered skipped
		{StatusQueued, StatusDelivered, StatusDelivered, true},

		{StatusSent, StatusSent, StatusSent, false},
		{StatusDelivered, StatusSent, StatusDelivered, false},
		{StatusRead, StatusDelivered, StatusRead, false}, // late delivered after read
		{StatusRead, StatusSent, StatusRead, false},
		{StatusRead, StatusRead, StatusRead, false},

		{StatusQueued, StatusFailed, StatusFailed, true},
		{StatusSent, StatusFailed, StatusFailed, true},
		{StatusDelivered, StatusFailed, StatusFailed, true},
		{StatusRead, StatusFailed, StatusRead, false},

		{StatusFailed, StatusSent, StatusFailed, false},
		{StatusFailed, StatusDelivered, StatusFailed, false},
		{StatusFailed, StatusRead, StatusFailed, false},
		{StatusFailed, StatusFailed, StatusFailed, false},

		{StatusSent, "deleted", StatusSent, false},
		{StatusSent, "warning", StatusSent, false},
	}
	for _, tt := range tests {
		t.Run(tt.from+"→"+tt.to, func(t *testing.T) {
			s := openTestStore(t)
			i := mustInteraction(t, s, "16505551234")
			id := mustInsertMessage(t, s, outboundMessage(i, "wamid.out", tt.from))
			update := StatusUpdate{WAMID: "wamid.out", Status: tt.to, At: 5000}
			if tt.to == StatusFailed {
				update.ErrorCode, update.ErrorTitle, update.ErrorDetail = 131047, "Re-engagement message", "More than 24 hours have passed"
			}
			m, changed, err := s.ApplyStatus(ctx, update)
			if err != nil {
				t.Fatal(err)
			}
			if changed != tt.wantChanged || m.Status != tt.wantStatus || m.ID != id {
				t.Errorf("ApplyStatus = %s changed=%v id=%d; want %s changed=%v id=%d", m.Status, changed, m.ID, tt.wantStatus, tt.wantChanged, id)
			}
			stored, _ := s.MessageByID(ctx, id)
			if stored.Status != tt.wantStatus {
				t.Errorf("stored status = %s, want %s", stored.Status, tt.wantStatus)
			}
			wantAt := int64(1000)
			if tt.wantChanged {
				wantAt = 5000
			}
			if stored.StatusAt != wantAt {
				t.Errorf("status_at = %d, want %d", stored.StatusAt, wantAt)
			}
			if tt.to == StatusFailed && tt.wantChanged {
				if stored.ErrorCode != 131047 || stored.ErrorTitle != "Re-engagement message" || stored.ErrorDetail != "More than 24 hours have passed" {
					t.Errorf("failure details = %d %q %q", stored.ErrorCode, stored.ErrorTitle, stored.ErrorDetail)
				}
			} else if stored.ErrorCode != 0 || stored.ErrorTitle != "" || stored.ErrorDetail != "" {
				t.Errorf("error fields set without a failure: %+v", stored)
			}
		})
	}
}

func TestApplyStatusSequenceWithLateReport(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	i := mustInteraction(t, s, "16505551234")
	mustInsertMessage(t, s, outboundMessage(i, "wamid.out", StatusSent))
	steps := []struct {
		status      string
		at          int64
		wantStatus  string
		wantChanged bool
	}{
		{StatusDelivered, 2000, StatusDelivered, true},
		{StatusRead, 3000, StatusRead, true},
		{StatusDelivered, 2500, StatusRead, false},
		{StatusFailed, 4000, StatusRead, false},
	}
	for _, step := range steps {
		m, changed, err := s.ApplyStatus(ctx, StatusUpdate{WAMID: "wamid.out", Status: step.status, At: step.at})
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != step.wantStatus || changed != step.wantChanged {
			t.Errorf("after %s: %s changed=%v, want %s changed=%v", step.status, m.Status, changed, step.wantStatus, step.wantChanged)
		}
	}
	m, _ := s.MessageByWAMID(ctx, "wamid.out")
	if m.StatusAt != 3000 {
		t.Errorf("status_at = %d, want 3000 (the read report's time)", m.StatusAt)
	}
}

func TestApplyStatusUnknownAndInbound(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	if _, _, err := s.ApplyStatus(ctx, StatusUpdate{WAMID: "wamid.unknown", Status: StatusDelivered, At: 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown wamid err = %v, want ErrNotFound", err)
	}
	// A status naming an inbound message's id must not touch it.
	i := mustInteraction(t, s, "16505551234")
	mustInsertMessage(t, s, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Direction: DirectionIn,
		Kind: "text", WAMID: "wamid.in", Body: "hi", Status: StatusReceived})
	m, changed, err := s.ApplyStatus(ctx, StatusUpdate{WAMID: "wamid.in", Status: StatusRead, At: 1})
	if err != nil || changed || m.Status != StatusReceived {
		t.Errorf("status on inbound message = %s changed=%v err=%v", m.Status, changed, err)
	}
}

func TestPendingStatusesAppliedInArrivalOrder(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		pending    []StatusUpdate
		wantStatus string
		wantAt     int64
		wantCode   int
	}{
		{"none", nil, StatusSent, 9000, 0},
		{"delivered then read", []StatusUpdate{{Status: StatusDelivered, At: 1}, {Status: StatusRead, At: 2}}, StatusRead, 2, 0},
		{"read then delivered", []StatusUpdate{{Status: StatusRead, At: 2}, {Status: StatusDelivered, At: 1}}, StatusRead, 2, 0},
		// Order decides: read first makes the later failure too late; failed first makes the later read too late.
		{"read then failed", []StatusUpdate{{Status: StatusRead, At: 2}, {Status: StatusFailed, At: 3, ErrorCode: 131026}}, StatusRead, 2, 0},
		{"failed then read", []StatusUpdate{{Status: StatusFailed, At: 3, ErrorCode: 131026}, {Status: StatusRead, At: 2}}, StatusFailed, 3, 131026},
		{"many", []StatusUpdate{{Status: StatusSent, At: 1}, {Status: StatusDelivered, At: 2}, {Status: StatusSent, At: 3},
			{Status: StatusRead, At: 4}, {Status: StatusDelivered, At: 5}, {Status: StatusFailed, At: 6}}, StatusRead, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestStore(t)
			i := mustInteraction(t, s, "16505551234")
			id, err := s.EnqueueOutbound(ctx, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Kind: "text", Body: "hi"}, 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range tt.pending {
				u.WAMID = "wamid.new"
				if err := s.SavePendingStatus(ctx, u, 800); err != nil {
					t.Fatal(err)
				}
			}
			// A report for some other message stays parked.
			if err := s.SavePendingStatus(ctx, StatusUpdate{WAMID: "wamid.other", Status: StatusRead, At: 7}, 800); err != nil {
				t.Fatal(err)
			}
			m, err := s.OutboxAccepted(ctx, id, "wamid.new", 9000)
			if err != nil {
				t.Fatal(err)
			}
			if m.WAMID != "wamid.new" || m.Status != tt.wantStatus || m.StatusAt != tt.wantAt || m.ErrorCode != tt.wantCode {
				t.Errorf("after accept: wamid=%s status=%s at=%d code=%d; want %s at %d code %d", m.WAMID, m.Status, m.StatusAt, m.ErrorCode,
					tt.wantStatus, tt.wantAt, tt.wantCode)
			}
			if n := countRows(t, s, `SELECT COUNT(*) FROM pending_statuses WHERE wamid = 'wamid.new'`); n != 0 {
				t.Errorf("%d pending statuses left for the accepted message", n)
			}
			if n := countRows(t, s, `SELECT COUNT(*) FROM pending_statuses WHERE wamid = 'wamid.other'`); n != 1 {
				t.Errorf("other message's pending status consumed")
			}
		})
	}
}

func TestLatestShownTimeBefore(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	i := mustInteraction(t, s, "16505551234")
	other := mustInteraction(t, s, "16505559999")
	const delay = 60_000
	add := func(in Interaction, wamid string, originated, received int64) int64 {
		return mustInsertMessage(t, s, Message{InteractionID: in.ID, ContactID: in.ContactID, PhoneNumberID: testPhoneNumberID,
			Direction: DirectionIn, Kind: "text", WAMID: wamid, Status: StatusReceived, OriginatedAt: originated, ReceivedAt: received})
	}
	first := add(i, "m1", 100_000, 101_000)        // on time: shown at arrival 101_000
	second := add(i, "m2", 50_000, 200_000)        // delayed 150 s: shown at origination 50_000
	third := add(i, "m3", 300_000, 300_000+delay)  // exactly at the threshold: not delayed, shown at 360_000
	add(other, "o1", 900_000, 900_000)             // another interaction never counts
	fourth := add(i, "m4", 10_000, 10_000+delay+1) // just past the threshold: shown at 10_000
	fifth := add(i, "m5", 1_000_000, 1_000_000)    // the probe
	tests := []struct {
		before int64
		want   int64
	}{
		{first, 0},
		{second, 101_000},
		{third, 101_000},
		{fourth, 360_000},
		{fifth, 360_000},
	}
	for _, tt := range tests {
		got, err := s.LatestShownTimeBefore(ctx, i.ID, tt.before, delay)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("LatestShownTimeBefore(before %d) = %d, want %d", tt.before, got, tt.want)
		}
	}
}

func TestFirstCustomerMessage(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	i := mustInteraction(t, s, "16505551234")
	if _, err := s.FirstCustomerMessage(ctx, i.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("no messages err = %v, want ErrNotFound", err)
	}
	mustInsertMessage(t, s, outboundMessage(i, "wamid.out", StatusSent))
	mustInsertMessage(t, s, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Direction: DirectionIn,
		Kind: "text", WAMID: "wamid.in1", Body: "first", Status: StatusReceived})
	mustInsertMessage(t, s, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Direction: DirectionIn,
		Kind: "text", WAMID: "wamid.in2", Body: "second", Status: StatusReceived})
	m, err := s.FirstCustomerMessage(ctx, i.ID)
	if err != nil || m.Body != "first" {
		t.Errorf("FirstCustomerMessage = %+v, %v", m, err)
	}
}
