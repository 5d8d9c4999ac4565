-- WhatsApp reports a template's review and standing (approved, rejected, paused, disabled, ...) by
-- webhook. wa_status_at is when WhatsApp triggered the latest one applied (Unix milliseconds, 0 before
-- any), so a late redelivery of older news does not undo newer news.
ALTER TABLE responses ADD COLUMN wa_status_at INTEGER NOT NULL DEFAULT 0;
