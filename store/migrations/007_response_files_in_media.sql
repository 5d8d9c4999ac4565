-- Files of responses and notification headers move out of the database into the content-addressed media
-- storage every other file uses (<data>/media/, by SHA-256): outbound_files keeps only what describes a
-- file. The bytes stored here until now wait in outbound_file_moves for the first start after this
-- migration, which writes each file to media storage, checks it against its sha256 and only then deletes
-- its row here (notify.MoveFilesToMedia, run at start). An empty outbound_file_moves means every file moved.
CREATE TABLE outbound_file_moves (
	file_id INTEGER PRIMARY KEY REFERENCES outbound_files(id),
	content BLOB NOT NULL
);
INSERT INTO outbound_file_moves (file_id, content) SELECT id, content FROM outbound_files;
ALTER TABLE outbound_files DROP COLUMN content;
-- Stored content is removed only when nothing refers to it any more, attachments or response files.
CREATE INDEX outbound_files_sha256 ON outbound_files(sha256);
