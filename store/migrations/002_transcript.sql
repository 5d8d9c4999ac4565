-- The first customer message still waiting for an answer (arrival time), 0 when the agent has answered.
ALTER TABLE interactions ADD COLUMN pending_since INTEGER NOT NULL DEFAULT 0;

-- The agent's own choice of the high-contrast theme.
ALTER TABLE users ADD COLUMN high_contrast INTEGER NOT NULL DEFAULT 0;

CREATE INDEX messages_reply_to ON messages(reply_to_wamid) WHERE reply_to_wamid <> '';

-- Full-text index of message bodies for searching a contact's conversations. FTS4 rather than FTS5: FTS5 is
-- compiled into go-sqlite3 only with a build tag, and Switchboard must build with a plain `go run`.
CREATE VIRTUAL TABLE messages_fts USING fts4(content="messages", body, tokenize=unicode61);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
	INSERT INTO messages_fts(docid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_before_update BEFORE UPDATE OF body ON messages BEGIN
	DELETE FROM messages_fts WHERE docid = old.id;
END;
CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF body ON messages BEGIN
	INSERT INTO messages_fts(docid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages BEGIN
	DELETE FROM messages_fts WHERE docid = old.id;
END;
INSERT INTO messages_fts(docid, body) SELECT id, body FROM messages;

-- Business attributes: named lists of values admins maintain (the emoji picker reads one of them).
CREATE TABLE business_attributes (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE business_attribute_values (
	attribute_id INTEGER NOT NULL REFERENCES business_attributes(id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	value        TEXT NOT NULL,
	PRIMARY KEY (attribute_id, position)
);
