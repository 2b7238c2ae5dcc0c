-- Uploaded files (the bytes live in messenger.attachments.dir, named by id) and the messages they were
-- sent in. Same portable SQL for H2 2.x and PostgreSQL as V1.

CREATE TABLE attachments (
  id VARCHAR(36) NOT NULL,
  uploader_id VARCHAR(255) NOT NULL,
  -- Sanitised file name, as offered in Content-Disposition on download.
  name VARCHAR(255) NOT NULL,
  content_type VARCHAR(255) NOT NULL,
  size_bytes BIGINT NOT NULL,
  -- Hex SHA-256 of the bytes: integrity check and the download's ETag.
  sha256 VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT pk_attachments PRIMARY KEY (id)
);
-- The orphan sweep looks for old uploads.
CREATE INDEX ix_attachments_created ON attachments (created_at);

-- Which message (and so which chat) an attachment was sent in: members of that chat may download it.
-- An attachment may be sent in several messages; deleting a message removes its rows.
CREATE TABLE message_attachments (
  message_id VARCHAR(36) NOT NULL,
  attachment_id VARCHAR(36) NOT NULL,
  chat_id VARCHAR(36) NOT NULL,
  CONSTRAINT pk_message_attachments PRIMARY KEY (message_id, attachment_id),
  CONSTRAINT fk_message_attachments_message FOREIGN KEY (message_id) REFERENCES messages (id),
  CONSTRAINT fk_message_attachments_attachment FOREIGN KEY (attachment_id) REFERENCES attachments (id),
  CONSTRAINT fk_message_attachments_chat FOREIGN KEY (chat_id) REFERENCES chats (id)
);
-- Download access: "is this attachment in a chat of this user?"
CREATE INDEX ix_message_attachments_attachment ON message_attachments (attachment_id, chat_id);
