-- The outbox sends to each contact in commit order: a row waits while an earlier row for the same contact is
-- still in the outbox. The row carries its contact so that check is one index lookup rather than a walk
-- through the contact's whole message history. A message never changes contact, so the copy cannot drift.
ALTER TABLE outbox ADD COLUMN contact_id INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET contact_id = (SELECT contact_id FROM messages WHERE messages.id = outbox.message_id);
CREATE INDEX outbox_contact ON outbox(contact_id, message_id);
