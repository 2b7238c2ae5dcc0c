-- The resend check of a batch of sends asks for one chat's messages with any of the batch's tempIds
-- (chat_id = ? AND temp_id IN (...)); with sender_id second in the unique index that query could use
-- only chat_id and read the whole chat. tempId second makes it an index lookup per tempId. The
-- uniqueness is the same.
ALTER TABLE messages DROP CONSTRAINT uq_messages_temp_id;
ALTER TABLE messages ADD CONSTRAINT uq_messages_temp_id UNIQUE (chat_id, temp_id, sender_id);
