package store

import "context"

// Store methods that write more than one statement run in their own transaction when called on the Store, so
// a failure part-way leaves nothing half done. Inside WithTx the same methods (promoted from conn onto Tx)
// join the caller's transaction instead.

// DeclineInteraction returns an offered interaction to the queue and records why, atomically.
func (s *Store) DeclineInteraction(ctx context.Context, id, agentID int64, reason string, now int64) (ok bool, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		ok, err = tx.DeclineInteraction(ctx, id, agentID, reason, now)
		return err
	})
	return ok, err
}

// UpdateUser changes a user and, on deactivation, ends their sessions, atomically.
func (s *Store) UpdateUser(ctx context.Context, id int64, displayName, role string, active bool) error {
	return s.WithTx(ctx, func(tx *Tx) error { return tx.UpdateUser(ctx, id, displayName, role, active) })
}

// SetPassword stores a new hash and ends the user's other sessions, atomically.
func (s *Store) SetPassword(ctx context.Context, id int64, hash, keepSession string) error {
	return s.WithTx(ctx, func(tx *Tx) error { return tx.SetPassword(ctx, id, hash, keepSession) })
}

// EnqueueOutbound stores a queued message with its outbox row, atomically.
func (s *Store) EnqueueOutbound(ctx context.Context, m Message, now int64) (id int64, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		id, err = tx.EnqueueOutbound(ctx, m, now)
		return err
	})
	return id, err
}

// OutboxAccepted records an accepted send and applies parked status reports, atomically.
func (s *Store) OutboxAccepted(ctx context.Context, messageID int64, wamid string, now int64) (m Message, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		m, err = tx.OutboxAccepted(ctx, messageID, wamid, now)
		return err
	})
	return m, err
}

// OutboxFailed fails a message and removes its outbox row, atomically.
func (s *Store) OutboxFailed(ctx context.Context, messageID int64, code int, title, detail string, now int64) (m Message, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		m, err = tx.OutboxFailed(ctx, messageID, code, title, detail, now)
		return err
	})
	return m, err
}

// SetOptions stores several option values together or none of them.
func (s *Store) SetOptions(ctx context.Context, values map[string]string, by int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		for name, value := range values {
			if err := tx.SetOption(ctx, name, value, by); err != nil {
				return err
			}
		}
		return nil
	})
}

// SaveBusinessAttribute replaces an attribute's values, atomically.
func (s *Store) SaveBusinessAttribute(ctx context.Context, name string, values []string) error {
	return s.WithTx(ctx, func(tx *Tx) error { return tx.SaveBusinessAttribute(ctx, name, values) })
}

// EnqueueOutboundAttachment stores a queued file message with its attachment and outbox rows, atomically.
func (s *Store) EnqueueOutboundAttachment(ctx context.Context, m Message, a Attachment, now int64) (id int64, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		id, err = tx.EnqueueOutboundAttachment(ctx, m, a, now)
		return err
	})
	return id, err
}

// SetUserPermissions replaces a user's permissions, atomically.
func (s *Store) SetUserPermissions(ctx context.Context, userID int64, permissions []string) error {
	return s.WithTx(ctx, func(tx *Tx) error { return tx.SetUserPermissions(ctx, userID, permissions) })
}

// SaveResponseFile records a file already in media storage and appends it to a response's attachments,
// atomically.
func (s *Store) SaveResponseFile(ctx context.Context, responseID int64, file OutboundFile) (f OutboundFile, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.ResponseByID(ctx, responseID); err != nil {
			return err
		}
		if f, err = tx.SaveOutboundFile(ctx, file); err != nil {
			return err
		}
		return tx.AttachToResponse(ctx, responseID, f.ID)
	})
	return f, err
}
