-- When a customer last wrote to a business number opens WhatsApp's 24-hour window; it is read on every
-- render of an interaction. This index finds it with one step down the tree instead of a walk through
-- every message of the contact (100,000 for a long-standing customer).
CREATE INDEX messages_customer_window ON messages(contact_id, phone_number_id, MIN(originated_at, received_at))
	WHERE direction = 'in' AND kind <> 'system';
