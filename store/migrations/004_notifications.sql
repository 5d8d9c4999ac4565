-- Standard Response Library: prepared texts, notifications (WhatsApp message templates) and interactive
-- messages (reply buttons, lists), in categories; the files they send; and per-user permissions.

CREATE TABLE response_categories (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL UNIQUE COLLATE NOCASE,
	position INTEGER NOT NULL DEFAULT 0
);

-- Files that responses send (attachments, media headers) or that agents upload into a notification's
-- header. They stay here until WhatsApp has them: the outbox uploads one right before its message goes.
CREATE TABLE outbound_files (
	id          INTEGER PRIMARY KEY,
	filename    TEXT NOT NULL,
	mime        TEXT NOT NULL,
	size        INTEGER NOT NULL,
	sha256      TEXT NOT NULL,
	content     BLOB NOT NULL,
	uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL
);

-- kind text: body is the text with {contact.first_name}-style fields. Other kinds keep their structure as
-- JSON in definition. A notification is also a WhatsApp template: template_name and template_language
-- identify it there (unique, as WhatsApp requires), wa_* record what WhatsApp said about it.
CREATE TABLE responses (
	id                INTEGER PRIMARY KEY,
	category_id       INTEGER NOT NULL REFERENCES response_categories(id),
	name              TEXT NOT NULL,
	kind              TEXT NOT NULL CHECK (kind IN ('text', 'notification', 'buttons', 'list')),
	shortcut          TEXT NOT NULL DEFAULT '',
	body              TEXT NOT NULL DEFAULT '',
	definition        TEXT NOT NULL DEFAULT '',
	template_name     TEXT NOT NULL DEFAULT '',
	template_language TEXT NOT NULL DEFAULT '',
	wa_template_id    TEXT NOT NULL DEFAULT '',
	wa_status         TEXT NOT NULL DEFAULT '',
	wa_detail         TEXT NOT NULL DEFAULT '',
	active            INTEGER NOT NULL DEFAULT 1,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX responses_shortcut ON responses(shortcut COLLATE NOCASE) WHERE shortcut <> '';
CREATE UNIQUE INDEX responses_template ON responses(template_name, template_language) WHERE kind = 'notification';
CREATE INDEX responses_category ON responses(category_id, name);

CREATE TABLE response_attachments (
	response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
	file_id     INTEGER NOT NULL REFERENCES outbound_files(id),
	position    INTEGER NOT NULL,
	PRIMARY KEY (response_id, file_id)
);

-- Permissions granted to one user on top of what their role allows.
CREATE TABLE user_permissions (
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	permission TEXT NOT NULL,
	PRIMARY KEY (user_id, permission)
);

-- The default automatic notification (option whatsappsession.default-notification).
INSERT INTO response_categories (name, position) VALUES ('Notifications', 1);
INSERT INTO responses (category_id, name, kind, definition, template_name, template_language, created_at, updated_at)
SELECT id, 'Thank you for your patience', 'notification',
	'{"name":"thank_you_patience","language":"en_US","category":"UTILITY","header":{},"body":"Thank you for your patience! {{1}}","parameters":{"body.1":{"label":"Your message","example":"We have an update for you."}}}',
	'thank_you_patience', 'en_US', 0, 0
FROM response_categories WHERE name = 'Notifications';
