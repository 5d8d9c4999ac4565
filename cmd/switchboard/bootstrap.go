package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"

	"switchboard/internal/auth"
	"switchboard/store"
)

// bootstrapAdmin creates the "admin" user on an empty database. It returns the password when it was
// generated (to print once) and whether the user was created; an existing database is left alone.
func bootstrapAdmin(ctx context.Context, st *store.Store, configured string) (generated string, created bool, err error) {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", false, err
	}
	password := configured
	if password == "" {
		password = auth.RandomPassword()
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", false, err
	}
	if _, err := st.CreateUser(ctx, store.User{Username: "admin", DisplayName: "Administrator", PasswordHash: hash, Role: auth.RoleAdmin, Active: true}); err != nil {
		return "", false, err
	}
	if configured != "" {
		return "", true, nil
	}
	return password, true, nil
}

// loadOrCreateKey returns the cookie signing key kept in the data directory, so logins survive restarts.
func loadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) >= 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("session key: %w", err)
	}
	key = make([]byte, 64)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	return key, nil
}
