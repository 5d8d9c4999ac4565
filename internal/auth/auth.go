// Package auth holds who may do what: roles, password hashing, session tokens and login rules.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"switchboard/store"
)

// Roles.
const (
	RoleAgent      = "agent"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Roles lists every role, least to most privileged.
var Roles = []string{RoleAgent, RoleSupervisor, RoleAdmin}

// ValidRole reports whether r names a role.
func ValidRole(r string) bool {
	for _, role := range Roles {
		if role == r {
			return true
		}
	}
	return false
}

// CanSupervise reports whether role sees presence, queues and every contact's history.
func CanSupervise(role string) bool { return role == RoleSupervisor || role == RoleAdmin }

// CanSeeInteraction reports whether user may see the content of interaction i, files included: the agent it
// is assigned to (or was, once it is done), supervisors and admins.
func CanSeeInteraction(user store.User, i store.Interaction) bool {
	return user.ID != 0 && (i.AgentID == user.ID || CanSupervise(user.Role))
}

// CanAdminister reports whether role edits options, users and lists.
func CanAdminister(role string) bool { return role == RoleAdmin }

// SessionLifetime is how long a session lasts without activity.
const SessionLifetime = 12 * time.Hour

// ErrBadCredentials is the one answer for an unknown user, a wrong password or a deactivated account, so the
// login form does not reveal which usernames exist.
var ErrBadCredentials = errors.New("wrong username or password")

// HashPassword returns a bcrypt hash of password.
func HashPassword(password string) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(hash), nil
}

// bcryptCost is bcrypt's default; tests lower it to stay fast.
var bcryptCost = bcrypt.DefaultCost

// dummyHash is compared against when the user does not exist, so a login takes the same time either way.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost)

// CheckPassword reports whether password matches hash.
func CheckPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// ValidatePassword explains what is wrong with a new password, or returns nil.
func ValidatePassword(password string) error {
	switch {
	case utf8.RuneCountInString(password) < 10:
		return errors.New("password must be at least 10 characters")
	case len(password) > 72:
		return errors.New("password must be at most 72 bytes")
	}
	return nil
}

// ValidateUsername explains what is wrong with a username, or returns nil.
func ValidateUsername(username string) error {
	if username == "" || len(username) > 64 {
		return errors.New("username must be 1 to 64 characters")
	}
	for _, r := range username {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			return errors.New("username may contain letters, digits and . _ - @ only")
		}
	}
	return nil
}

// RandomPassword returns a password for generated accounts.
func RandomPassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewSessionToken returns a fresh cookie token and the id under which the session is stored (its hash).
func NewSessionToken() (token, id string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, SessionID(token)
}

// SessionID is the stored id of a cookie token.
func SessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Users is the part of the store login needs.
type Users interface {
	UserByUsername(ctx context.Context, username string) (store.User, error)
	CreateSession(ctx context.Context, s store.Session) error
}

// Login checks credentials and opens a new session, returning the cookie token. A fresh token at every
// login means a session id planted before login is worthless afterwards.
func Login(ctx context.Context, users Users, username, password string, now time.Time) (store.User, string, error) {
	user, err := users.UserByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, store.ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return store.User{}, "", ErrBadCredentials
	}
	if err != nil {
		return store.User{}, "", fmt.Errorf("auth: login: %w", err)
	}
	if !CheckPassword(user.PasswordHash, password) || !user.Active {
		return store.User{}, "", ErrBadCredentials
	}
	token, id := NewSessionToken()
	session := store.Session{ID: id, UserID: user.ID, CreatedAt: now.UnixMilli(), LastSeenAt: now.UnixMilli(), ExpiresAt: now.Add(SessionLifetime).UnixMilli()}
	if err := users.CreateSession(ctx, session); err != nil {
		return store.User{}, "", fmt.Errorf("auth: login: %w", err)
	}
	return user, token, nil
}
