-- Times are UTC Unix milliseconds throughout.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
	display_name  TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
	active        INTEGER NOT NULL DEFAULT 1,
	ready         INTEGER NOT NULL DEFAULT 0,
	ready_since   INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);

-- A session row is what a cookie refers to; deleting it revokes the cookie at once.
-- id holds the SHA-256 of the cookie token so a copy of the database cannot be replayed as a login.
CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE options (
	name       TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE business_numbers (
	phone_number_id TEXT PRIMARY KEY,
	display_number  TEXT NOT NULL,
	created_at      INTEGER NOT NULL
);

CREATE TABLE contacts (
	id           INTEGER PRIMARY KEY,
	wa_id        TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL DEFAULT '',
	profile_name TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);

CREATE TABLE dispositions (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL UNIQUE COLLATE NOCASE,
	active   INTEGER NOT NULL DEFAULT 1,
	position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE interactions (
	id               INTEGER PRIMARY KEY,
	contact_id       INTEGER NOT NULL REFERENCES contacts(id),
	phone_number_id  TEXT NOT NULL,
	state            TEXT NOT NULL CHECK (state IN ('queued', 'offered', 'active', 'done')),
	agent_id         INTEGER REFERENCES users(id),
	offered_at       INTEGER NOT NULL DEFAULT 0,
	created_at       INTEGER NOT NULL,
	accepted_at      INTEGER NOT NULL DEFAULT 0,
	closed_at        INTEGER NOT NULL DEFAULT 0,
	disposition_id   INTEGER REFERENCES dispositions(id),
	note             TEXT NOT NULL DEFAULT '',
	last_customer_at INTEGER NOT NULL DEFAULT 0,
	last_agent_at    INTEGER NOT NULL DEFAULT 0,
	CHECK ((state IN ('offered', 'active')) = (agent_id IS NOT NULL) OR state = 'done')
);
-- At most one open interaction per customer and business number: the intake's "continue or create" relies on it.
CREATE UNIQUE INDEX interactions_open_per_contact ON interactions(contact_id, phone_number_id) WHERE state <> 'done';
CREATE INDEX interactions_state ON interactions(state, created_at);
CREATE INDEX interactions_agent ON interactions(agent_id, state);
CREATE INDEX interactions_contact ON interactions(contact_id, created_at);

-- Why an agent did not take an offer; routing prefers agents who have not declined.
CREATE TABLE offer_declines (
	interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
	user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	reason         TEXT NOT NULL CHECK (reason IN ('rejected', 'timeout')),
	at             INTEGER NOT NULL
);
CREATE INDEX offer_declines_interaction ON offer_declines(interaction_id, user_id);

CREATE TABLE messages (
	id              INTEGER PRIMARY KEY,
	interaction_id  INTEGER NOT NULL REFERENCES interactions(id),
	contact_id      INTEGER NOT NULL REFERENCES contacts(id),
	phone_number_id TEXT NOT NULL,
	direction       TEXT NOT NULL CHECK (direction IN ('in', 'out', 'system')),
	kind            TEXT NOT NULL,
	wamid           TEXT UNIQUE,
	body            TEXT NOT NULL DEFAULT '',
	media_id        TEXT NOT NULL DEFAULT '',
	media_mime      TEXT NOT NULL DEFAULT '',
	media_filename  TEXT NOT NULL DEFAULT '',
	payload         TEXT NOT NULL DEFAULT '',
	reply_to_wamid  TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed', 'notice')),
	error_code      INTEGER NOT NULL DEFAULT 0,
	error_title     TEXT NOT NULL DEFAULT '',
	error_detail    TEXT NOT NULL DEFAULT '',
	author_id       INTEGER REFERENCES users(id),
	originated_at   INTEGER NOT NULL,
	received_at     INTEGER NOT NULL,
	status_at       INTEGER NOT NULL
);
CREATE INDEX messages_interaction ON messages(interaction_id, id);
CREATE INDEX messages_contact ON messages(contact_id, id);

-- Outbound messages waiting to reach the Cloud API. A row exists from the moment the agent's message is
-- committed until the API accepted or finally refused it.
CREATE TABLE outbox (
	message_id      INTEGER PRIMARY KEY REFERENCES messages(id),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	in_flight_since INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(next_attempt_at);

-- Status webhooks can overtake the send response that tells us the wamid; they wait here until it is known.
CREATE TABLE pending_statuses (
	id           INTEGER PRIMARY KEY,
	wamid        TEXT NOT NULL,
	status       TEXT NOT NULL,
	at           INTEGER NOT NULL,
	error_code   INTEGER NOT NULL DEFAULT 0,
	error_title  TEXT NOT NULL DEFAULT '',
	error_detail TEXT NOT NULL DEFAULT '',
	received_at  INTEGER NOT NULL
);
CREATE INDEX pending_statuses_wamid ON pending_statuses(wamid);

-- Webhook items that could not be understood are kept verbatim, never dropped.
CREATE TABLE quarantine (
	id          INTEGER PRIMARY KEY,
	received_at INTEGER NOT NULL,
	source      TEXT NOT NULL,
	reason      TEXT NOT NULL,
	raw         TEXT NOT NULL
);

-- Value-level errors Meta reports about the account or number (not tied to one message).
CREATE TABLE webhook_errors (
	id              INTEGER PRIMARY KEY,
	phone_number_id TEXT NOT NULL,
	code            INTEGER NOT NULL,
	title           TEXT NOT NULL,
	message         TEXT NOT NULL,
	detail          TEXT NOT NULL,
	received_at     INTEGER NOT NULL
);

INSERT INTO dispositions (name, position) VALUES
	('Resolved', 1), ('Information provided', 2), ('Follow-up needed', 3), ('Escalated', 4), ('No response from customer', 5);
