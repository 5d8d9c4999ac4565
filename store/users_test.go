package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestCreateUserAndLookups(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	id, err := s.CreateUser(ctx, User{Username: "Alice", DisplayName: "Alice A.", PasswordHash: "hash", Role: "supervisor", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	byID, err := s.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if byID.Username != "Alice" || byID.DisplayName != "Alice A." || byID.PasswordHash != "hash" || byID.Role != "supervisor" ||
		!byID.Active || byID.Ready || byID.CreatedAt <= 0 {
		t.Errorf("UserByID = %+v", byID)
	}
	for _, name := range []string{"Alice", "alice", "ALICE"} {
		u, err := s.UserByUsername(ctx, name)
		if err != nil || u.ID != id {
			t.Errorf("UserByUsername(%q) = %d, %v; want %d", name, u.ID, err, id)
		}
	}
	if _, err := s.UserByID(ctx, id+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByID(unknown) err = %v, want ErrNotFound", err)
	}
	if _, err := s.UserByUsername(ctx, "bob"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByUsername(unknown) err = %v, want ErrNotFound", err)
	}
}

func TestCreateUserDuplicateUsernameConflicts(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		first, second string
	}{
		{"alice", "alice"},
		{"alice", "Alice"},
		{"Alice", "ALICE"},
		{"agent.one@example", "AGENT.ONE@EXAMPLE"},
	}
	for _, tt := range tests {
		t.Run(tt.first+"/"+tt.second, func(t *testing.T) {
			s := openTestStore(t)
			mustUser(t, s, tt.first)
			_, err := s.CreateUser(ctx, User{Username: tt.second, DisplayName: "x", PasswordHash: "x", Role: "agent", Active: true})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("second CreateUser err = %v, want ErrConflict", err)
			}
			if n, _ := s.CountUsers(ctx); n != 1 {
				t.Errorf("CountUsers = %d, want 1", n)
			}
		})
	}
}

func TestCreateUserRejectsUnknownRole(t *testing.T) {
	s := openTestStore(t)
	_, err := s.CreateUser(context.Background(), User{Username: "x", DisplayName: "x", PasswordHash: "x", Role: "root", Active: true})
	if err == nil {
		t.Fatal("user with role root was stored")
	}
}

func TestUpdateUserDeactivationEndsSessionsAndReadiness(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	id := mustUser(t, s, "alice")
	other := mustUser(t, s, "bob")
	mustSession(t, s, "a1", id, 1<<50)
	mustSession(t, s, "a2", id, 1<<50)
	mustSession(t, s, "b1", other, 1<<50)
	if err := s.SetReady(ctx, id, true); err != nil {
		t.Fatal(err)
	}

	// Staying active keeps sessions and readiness.
	if err := s.UpdateUser(ctx, id, "Alice Renamed", "supervisor", true); err != nil {
		t.Fatal(err)
	}
	u, _ := s.UserByID(ctx, id)
	if u.DisplayName != "Alice Renamed" || u.Role != "supervisor" || !u.Active || !u.Ready {
		t.Errorf("after active update: %+v", u)
	}
	if n, _ := s.CountLiveSessions(ctx, id, 0); n != 2 {
		t.Errorf("live sessions after active update = %d, want 2", n)
	}

	if err := s.UpdateUser(ctx, id, "Alice Renamed", "agent", false); err != nil {
		t.Fatal(err)
	}
	u, _ = s.UserByID(ctx, id)
	if u.Active || u.Ready {
		t.Errorf("after deactivation: active=%v ready=%v, want both false", u.Active, u.Ready)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, id); n != 0 {
		t.Errorf("sessions of deactivated user = %d, want 0", n)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, other); n != 1 {
		t.Errorf("other user's sessions = %d, want 1", n)
	}
	if err := s.SetReady(ctx, id, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetReady on inactive user err = %v, want ErrNotFound", err)
	}
	if err := s.UpdateUser(ctx, 9999, "x", "agent", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateUser(unknown) err = %v, want ErrNotFound", err)
	}
}

func TestSetPasswordKeepsOnlyGivenSession(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		keep string
		want []string
	}{
		{"keep the changing session", "s2", []string{"s2"}},
		{"keep none", "", nil},
		{"keep an id that is not theirs", "other", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestStore(t)
			id := mustUser(t, s, "alice")
			other := mustUser(t, s, "bob")
			for _, sid := range []string{"s1", "s2", "s3"} {
				mustSession(t, s, sid, id, 1<<50)
			}
			mustSession(t, s, "other", other, 1<<50)
			if err := s.SetPassword(ctx, id, "new-hash", tt.keep); err != nil {
				t.Fatal(err)
			}
			u, _ := s.UserByID(ctx, id)
			if u.PasswordHash != "new-hash" {
				t.Errorf("hash = %q", u.PasswordHash)
			}
			rows, err := s.DB().QueryContext(ctx, `SELECT id FROM sessions WHERE user_id = ? ORDER BY id`, id)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var sid string
				rows.Scan(&sid)
				got = append(got, sid)
			}
			if len(got) != len(tt.want) || (len(got) == 1 && got[0] != tt.want[0]) {
				t.Errorf("sessions left = %v, want %v", got, tt.want)
			}
			if n := countRows(t, s, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, other); n != 1 {
				t.Errorf("other user's sessions = %d, want 1", n)
			}
		})
	}
	s := openTestStore(t)
	if err := s.SetPassword(ctx, 9999, "x", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetPassword(unknown) err = %v, want ErrNotFound", err)
	}
}

func TestSessionUser(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const now = 10_000
	alice := mustUser(t, s, "alice")
	gone := mustUser(t, s, "gone")
	mustSession(t, s, "live", alice, now+1)
	mustSession(t, s, "expired", alice, now)
	mustSession(t, s, "long-expired", alice, now-5000)
	if err := s.UpdateUser(ctx, gone, "gone", "agent", false); err != nil {
		t.Fatal(err)
	}
	// A session row for an inactive user (created after deactivation) must not log anyone in.
	mustSession(t, s, "inactive", gone, now+1000)

	tests := []struct {
		id     string
		wantOK bool
	}{
		{"live", true},
		{"expired", false},
		{"long-expired", false},
		{"inactive", false},
		{"unknown", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			session, user, err := s.SessionUser(ctx, tt.id, now)
			if !tt.wantOK {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("err = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if session.ID != tt.id || session.UserID != alice || user.ID != alice || user.Username != "alice" {
				t.Errorf("SessionUser = %+v, %+v", session, user)
			}
		})
	}

	if err := s.TouchSession(ctx, "expired", now, now+100); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, "expired", now); err != nil {
		t.Errorf("touched session still refused: %v", err)
	}
	if err := s.DeleteExpiredSessions(ctx, now); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM sessions WHERE id = 'long-expired'`); n != 0 {
		t.Error("DeleteExpiredSessions left an expired session")
	}
	if err := s.DeleteSession(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, "live", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted session err = %v, want ErrNotFound", err)
	}
}

func TestReadyAgentsOrdering(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const now = 1_000_000
	target := mustInteraction(t, s, "16505550000")

	// Candidates: each tie-break level decided by one pair.
	declined := mustUser(t, s, "declined")   // 1 decline, no load, ready longest
	loaded := mustUser(t, s, "loaded")       // no decline, 2 open
	lateReady := mustUser(t, s, "lateReady") // no decline, 1 open, ready since 300
	early := mustUser(t, s, "early")         // no decline, 1 open, ready since 200
	// Excluded for one reason each.
	notReady := mustUser(t, s, "notReady")
	loggedOut := mustUser(t, s, "loggedOut")
	expired := mustUser(t, s, "expired")
	inactive := mustUser(t, s, "inactive")

	readySince := map[int64]int64{declined: 50, loaded: 100, lateReady: 300, early: 200, loggedOut: 10, expired: 10, inactive: 10}
	for id, since := range readySince {
		if err := s.SetReady(ctx, id, true); err != nil {
			t.Fatal(err)
		}
		mustExec(t, s, `UPDATE users SET ready_since = ? WHERE id = ?`, since, id)
	}
	for _, id := range []int64{declined, loaded, lateReady, early, notReady, inactive} {
		mustSession(t, s, fmt.Sprintf("session-%d", id), id, now+1)
	}
	mustSession(t, s, "expired-session", expired, now)
	mustExec(t, s, `UPDATE users SET active = 0 WHERE id = ?`, inactive)

	customers := 0
	hold := func(agent int64, n int) {
		for range n {
			customers++
			i := mustInteraction(t, s, fmt.Sprintf("165055510%02d", customers))
			if ok, err := s.AssignInteraction(ctx, i.ID, agent, now); err != nil || !ok {
				t.Fatalf("assign: %v %v", ok, err)
			}
		}
	}
	hold(loaded, 2)
	hold(lateReady, 1)
	hold(early, 1)
	// A finished interaction does not count as load.
	done := mustInteraction(t, s, "16505559999")
	if ok, _ := s.AssignInteraction(ctx, done.ID, early, now); !ok {
		t.Fatal("assign done")
	}
	if ok, _ := s.CloseInteraction(ctx, done.ID, early, 1, "", now); !ok {
		t.Fatal("close done")
	}

	if ok, err := s.OfferInteraction(ctx, target.ID, declined, now); err != nil || !ok {
		t.Fatalf("offer: %v %v", ok, err)
	}
	if ok, err := s.DeclineInteraction(ctx, target.ID, declined, "rejected", now); err != nil || !ok {
		t.Fatalf("decline: %v %v", ok, err)
	}
	// A decline of some other interaction does not count against the target.
	other := mustInteraction(t, s, "16505558888")
	if ok, _ := s.OfferInteraction(ctx, other.ID, early, now); !ok {
		t.Fatal("offer other")
	}
	if ok, _ := s.DeclineInteraction(ctx, other.ID, early, "timeout", now); !ok {
		t.Fatal("decline other")
	}

	agents, err := s.ReadyAgents(ctx, target.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id       int64
		open     int
		declined int
	}{
		{early, 1, 0},
		{lateReady, 1, 0},
		{loaded, 2, 0},
		{declined, 0, 1},
	}
	if len(agents) != len(want) {
		var names []string
		for _, a := range agents {
			names = append(names, a.Username)
		}
		t.Fatalf("ReadyAgents = %v, want %d agents", names, len(want))
	}
	for i, w := range want {
		a := agents[i]
		if a.ID != w.id || a.Open != w.open || a.Declined != w.declined || !a.LoggedIn {
			t.Errorf("position %d: %s open=%d declined=%d loggedIn=%v; want id %d open=%d declined=%d",
				i, a.Username, a.Open, a.Declined, a.LoggedIn, w.id, w.open, w.declined)
		}
	}
}

func TestPresence(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const now = 5000
	in := mustUser(t, s, "in")
	out := mustUser(t, s, "out")
	gone := mustUser(t, s, "gone")
	mustSession(t, s, "in-session", in, now+1)
	if err := s.SetReady(ctx, in, true); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateUser(ctx, gone, "gone", "agent", false); err != nil {
		t.Fatal(err)
	}
	list, err := s.Presence(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("Presence lists %d users, want 2 (inactive left out)", len(list))
	}
	if list[0].ID != in || !list[0].Ready || !list[0].LoggedIn {
		t.Errorf("first = %+v, want the ready, logged-in user", list[0])
	}
	if list[1].ID != out || list[1].Ready || list[1].LoggedIn {
		t.Errorf("second = %+v, want the absent user", list[1])
	}
}

func TestSetReadyKeepsReadySinceWhileReady(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	id := mustUser(t, s, "alice")
	if err := s.SetReady(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, `UPDATE users SET ready_since = 42 WHERE id = ?`, id)
	if err := s.SetReady(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	u, _ := s.UserByID(ctx, id)
	if !u.Ready || u.ReadySince != 42 {
		t.Errorf("second Ready: ready=%v since=%d, want true 42 (place in line kept)", u.Ready, u.ReadySince)
	}
	if err := s.SetReady(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	u, _ = s.UserByID(ctx, id)
	if u.Ready || u.ReadySince != 0 {
		t.Errorf("Not Ready: ready=%v since=%d, want false 0", u.Ready, u.ReadySince)
	}
}

func TestEnsureContact(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	created, err := s.EnsureContact(ctx, "16505551234", "Sheena", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || created.WAID != "16505551234" || created.ProfileName != "Sheena" || created.CreatedAt != 1000 || created.UpdatedAt != 1000 {
		t.Fatalf("created = %+v", created)
	}

	tests := []struct {
		name        string
		profile     string
		now         int64
		wantProfile string
		wantUpdated int64
	}{
		{"no profile name keeps the stored one", "", 2000, "Sheena", 1000},
		{"same profile name changes nothing", "Sheena", 3000, "Sheena", 1000},
		{"new profile name refreshes", "Sheena Nelson", 4000, "Sheena Nelson", 4000},
		{"empty again keeps the refreshed one", "", 5000, "Sheena Nelson", 4000},
	}
	for _, tt := range tests {
		got, err := s.EnsureContact(ctx, "16505551234", tt.profile, tt.now)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.ID != created.ID || got.ProfileName != tt.wantProfile || got.UpdatedAt != tt.wantUpdated || got.CreatedAt != 1000 {
			t.Errorf("%s: got %+v, want profile %q updated %d", tt.name, got, tt.wantProfile, tt.wantUpdated)
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM contacts`); n != 1 {
		t.Errorf("contacts = %d, want 1", n)
	}

	if err := s.SetContactName(ctx, created.ID, "Sheena N. (VIP)"); err != nil {
		t.Fatal(err)
	}
	got, err := s.ContactByID(ctx, created.ID)
	if err != nil || got.Name != "Sheena N. (VIP)" {
		t.Errorf("ContactByID = %+v, %v", got, err)
	}
	if _, err := s.ContactByID(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("ContactByID(unknown) err = %v", err)
	}
	if err := s.SetContactName(ctx, 9999, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetContactName(unknown) err = %v", err)
	}
	found, err := s.SearchContacts(ctx, "VIP", 10)
	if err != nil || len(found) != 1 || found[0].ID != created.ID {
		t.Errorf("SearchContacts = %+v, %v", found, err)
	}
}
