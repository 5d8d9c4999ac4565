-- Files that travel with messages. The bytes live outside the database, content-addressed by sha256 under
-- the data directory; this row says which file a message carries and, for files customers send, how
-- fetching it from WhatsApp is going. Outbound files are stored before their message is queued, so their row
-- starts 'stored'; the media id WhatsApp gives the upload is kept in messages.media_id.
CREATE TABLE attachments (
	message_id      INTEGER PRIMARY KEY REFERENCES messages(id),
	state           TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'unavailable', 'stored')),
	file_name       TEXT NOT NULL DEFAULT '',
	sha256          TEXT NOT NULL DEFAULT '',
	size            INTEGER NOT NULL DEFAULT 0,
	content_type    TEXT NOT NULL DEFAULT '',
	type_name       TEXT NOT NULL DEFAULT '',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	CHECK ((state = 'stored') = (sha256 <> ''))
);
CREATE INDEX attachments_due ON attachments(next_attempt_at) WHERE state IN ('pending', 'retrying');
CREATE INDEX attachments_sha256 ON attachments(sha256);
