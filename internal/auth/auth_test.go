package auth_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/internal/auth"
	"switchboard/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func createUser(t *testing.T, st *store.Store, username, password string, active bool) int64 {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.CreateUser(context.Background(), store.User{Username: username, DisplayName: username, PasswordHash: hash, Role: auth.RoleAgent, Active: active})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestHashAndCheckPassword(t *testing.T) {
	const password = "correct horse battery"
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if hash == password || strings.Contains(hash, password) {
		t.Fatal("hash contains the password")
	}
	other, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if other == hash {
		t.Error("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name      string
		hash      string
		candidate string
		want      bool
	}{
		{"right password", hash, password, true},
		{"right password, second hash", other, password, true},
		{"wrong password", hash, "correct horse battery!", false},
		{"case differs", hash, "Correct horse battery", false},
		{"empty", hash, "", false},
		{"garbage hash", "not-a-hash", password, false},
	}
	for _, tt := range tests {
		if got := auth.CheckPassword(tt.hash, tt.candidate); got != tt.want {
			t.Errorf("%s: CheckPassword = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		valid    bool
	}{
		{"empty", "", false},
		{"nine characters", "123456789", false},
		{"ten characters", "1234567890", true},
		{"ten multi-byte characters", "éééééééééé", true},
		{"nine emojis", strings.Repeat("😀", 9), false},
		{"ten emojis (40 bytes)", strings.Repeat("😀", 10), true},
		{"72 bytes", strings.Repeat("a", 72), true},
		{"73 bytes", strings.Repeat("a", 73), false},
		{"18 emojis (72 bytes)", strings.Repeat("😀", 18), true},
		{"19 emojis (76 bytes)", strings.Repeat("😀", 19), false},
	}
	for _, tt := range tests {
		err := auth.ValidatePassword(tt.password)
		if tt.valid && err != nil {
			t.Errorf("%s: unexpected error %v", tt.name, err)
		}
		if !tt.valid && (err == nil || err.Error() == "") {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestValidateUsername(t *testing.T) {
	tests := []struct {
		username string
		valid    bool
	}{
		{"alice", true},
		{"Alice.Smith-2_x@example.com", true},
		{"a", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"alice smith", false},
		{"über", false},
		{"alice/../bob", false},
		{"<script>", false},
		{"tab\tname", false},
	}
	for _, tt := range tests {
		err := auth.ValidateUsername(tt.username)
		if (err == nil) != tt.valid {
			t.Errorf("ValidateUsername(%q) = %v, want valid=%v", tt.username, err, tt.valid)
		}
	}
}

func TestRolesAndPermissions(t *testing.T) {
	tests := []struct {
		role                  string
		valid, supervise, adm bool
	}{
		{auth.RoleAgent, true, false, false},
		{auth.RoleSupervisor, true, true, false},
		{auth.RoleAdmin, true, true, true},
		{"root", false, false, false},
		{"", false, false, false},
		{"Admin", false, false, false},
	}
	for _, tt := range tests {
		if got := auth.ValidRole(tt.role); got != tt.valid {
			t.Errorf("ValidRole(%q) = %v", tt.role, got)
		}
		if got := auth.CanSupervise(tt.role); got != tt.supervise {
			t.Errorf("CanSupervise(%q) = %v", tt.role, got)
		}
		if got := auth.CanAdminister(tt.role); got != tt.adm {
			t.Errorf("CanAdminister(%q) = %v", tt.role, got)
		}
	}
}

func TestSessionTokens(t *testing.T) {
	token, id := auth.NewSessionToken()
	if token == "" || id == "" || token == id {
		t.Fatalf("NewSessionToken = %q, %q", token, id)
	}
	if auth.SessionID(token) != id {
		t.Error("SessionID(token) differs from the id NewSessionToken returned")
	}
	if len(id) != 64 {
		t.Errorf("id %q is not a hex SHA-256", id)
	}
	other, _ := auth.NewSessionToken()
	if other == token {
		t.Error("two tokens are equal")
	}
	if p := auth.RandomPassword(); auth.ValidatePassword(p) != nil {
		t.Errorf("RandomPassword %q fails ValidatePassword", p)
	}
}

func TestLoginRefusals(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	const password = "s3cret-passw0rd"
	createUser(t, st, "alice", password, true)
	createUser(t, st, "retired", password, false)
	now := time.Date(2025, 6, 8, 21, 0, 0, 0, time.UTC)

	tests := []struct {
		name, username, password string
	}{
		{"wrong password", "alice", "wrong-password"},
		{"empty password", "alice", ""},
		{"unknown user", "mallory", password},
		{"inactive user with right password", "retired", password},
		{"inactive user with wrong password", "retired", "wrong-password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, token, err := auth.Login(ctx, st, tt.username, tt.password, now)
			if !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("err = %v, want ErrBadCredentials", err)
			}
			if user.ID != 0 || token != "" {
				t.Errorf("refused login returned user %d token %q", user.ID, token)
			}
		})
	}
	var sessions int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if sessions != 0 {
		t.Errorf("refused logins created %d sessions", sessions)
	}
}

func TestLoginCreatesSession(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	const password = "s3cret-passw0rd"
	id := createUser(t, st, "alice", password, true)
	now := time.Date(2025, 6, 8, 21, 0, 0, 0, time.UTC)

	user, token, err := auth.Login(ctx, st, "  ALICE ", password, now)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if user.ID != id || token == "" {
		t.Fatalf("Login = user %d token %q", user.ID, token)
	}
	session, sessionUser, err := st.SessionUser(ctx, auth.SessionID(token), now.UnixMilli())
	if err != nil {
		t.Fatalf("session for the token: %v", err)
	}
	if sessionUser.ID != id || session.CreatedAt != now.UnixMilli() || session.LastSeenAt != now.UnixMilli() ||
		session.ExpiresAt != now.Add(auth.SessionLifetime).UnixMilli() {
		t.Errorf("session = %+v", session)
	}
	// The raw token is never what is stored.
	if _, _, err := st.SessionUser(ctx, token, now.UnixMilli()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session found under the raw token: %v", err)
	}
	// The session ends with its lifetime.
	if _, _, err := st.SessionUser(ctx, auth.SessionID(token), now.Add(auth.SessionLifetime).UnixMilli()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session live after its lifetime: %v", err)
	}

	_, second, err := auth.Login(ctx, st, "alice", password, now)
	if err != nil {
		t.Fatal(err)
	}
	if second == token {
		t.Error("second login reused the token")
	}
	if n, _ := st.CountLiveSessions(ctx, id, now.UnixMilli()); n != 2 {
		t.Errorf("live sessions = %d, want 2", n)
	}
}
