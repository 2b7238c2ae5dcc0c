-- The hot table keeps three indexes, not four. H2 gives a foreign key an index of its own (on chat_id alone)
-- unless one exists when the constraint is made; the V1 table got one beside (chat_id, seq) and
-- (chat_id, sender_id, temp_id), and every message paid for its insert, its commit and the check of the
-- parent row. The constraint guarded nothing the send path does not hold already: a message is inserted only
-- in the transaction that has just locked its chat's row (SELECT ... FOR UPDATE), so the chat exists and
-- cannot go, and chats are never deleted. On PostgreSQL this drops the per-insert parent check.
ALTER TABLE messages DROP CONSTRAINT fk_messages_chat;
