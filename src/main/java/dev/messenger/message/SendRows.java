package dev.messenger.message;

import dev.messenger.attachment.AttachmentRecord;
import dev.messenger.chat.RecentTempKeys;
import dev.messenger.protocol.MessageType;
import dev.messenger.protocol.RequestRefused;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The statements of a group commit, in plain JDBC on the connection of its transaction ({@link
 * SendTransactions}; the journal's replay has its own). Why not JPA here: one thread writes every
 * message of the node; JPA's per-row unit of work (an entity built for each lookup, change
 * tracking, the commit-time calculation of what to write) was a fifth of that thread's time, and
 * these rows are never read back in the same transaction. The statements are prepared once per
 * batch and the inserts are sent as JDBC batches.
 *
 * <p>Failures come out as {@link PersistenceException}; the caller rolls the batch back.
 */
final class SendRows implements AutoCloseable {
  private final Connection connection;
  private PreparedStatement lockChat;
  private PreparedStatement advanceChat;
  private PreparedStatement byTempKey;
  private PreparedStatement byTempIdWithoutKey;
  private PreparedStatement bySeq;
  private PreparedStatement insertMessage;
  private PreparedStatement setLastSeq;
  private PreparedStatement isMember;
  private PreparedStatement ownedAttachment;
  private PreparedStatement linkAttachment;
  private int queuedMessages;
  private final Set<Long> keysInBatch = new HashSet<>();
  private boolean keysUnique = true;
  private int queuedSeqs;

  private SendRows(Connection connection) {
    this.connection = connection;
  }

  /** On a connection whose transaction the caller manages (the journal's replay). */
  static SendRows on(Connection connection) {
    return new SendRows(connection);
  }

  /**
   * No unique index on the tempId keys (a node with a resend window, {@link TempKeyIndex}): two
   * messages of one batch may share a key.
   */
  SendRows withoutUniqueKeys() {
    keysUnique = false;
    return this;
  }

  /**
   * Locks the chat's row until commit and returns its last seq; null when there is no such chat.
   */
  Long lockChat(String chatId) {
    try {
      if (lockChat == null) {
        lockChat =
            connection.prepareStatement("SELECT last_seq FROM chats WHERE id = ? FOR UPDATE");
      }
      lockChat.setString(1, chatId);
      try (ResultSet row = lockChat.executeQuery()) {
        return row.next() ? row.getLong(1) : null;
      }
    } catch (SQLException e) {
      throw failed("lock chat", e);
    }
  }

  /**
   * Advances the chat's last seq by {@code count}, locking its row until commit, and returns the
   * new last seq; null when there is no such chat. One statement where {@link #lockChat} and {@link
   * #setLastSeq} are two: the UPDATE takes the row lock, and asking for {@code last_seq} as a
   * generated key returns the value it wrote (H2 returns the changed row's final values, the
   * PostgreSQL driver adds {@code RETURNING}), so no dialect of either is needed.
   */
  Long advanceChat(String chatId, int count) {
    try {
      if (advanceChat == null) {
        advanceChat =
            connection.prepareStatement(
                "UPDATE chats SET last_seq = last_seq + ? WHERE id = ?", new String[] {"last_seq"});
      }
      advanceChat.setLong(1, count);
      advanceChat.setString(2, chatId);
      if (advanceChat.executeUpdate() == 0) {
        return null;
      }
      try (ResultSet written = advanceChat.getGeneratedKeys()) {
        if (!written.next()) {
          throw new SQLException("the chat's new last_seq did not come back");
        }
        return written.getLong(1);
      }
    } catch (SQLException e) {
      throw failed("advance chat seq", e);
    }
  }

  /**
   * What a lookup found for one tempId: the message stored under it, if any, and whether its {@link
   * TempKeys key} is held by another message (a new message must then be stored without).
   */
  record Earlier(Message message, boolean keyTaken) {}

  /**
   * The stored message with this sender's tempId in the chat, if any: one lookup on the unique
   * index of keys; and only when that key belongs to another tempId (a collision), a second one
   * among the chat's messages stored without a key.
   */
  Earlier byTempId(String chatId, String senderId, String tempId, long key) {
    try {
      if (byTempKey == null) {
        byTempKey = connection.prepareStatement(SELECT_STORED + " WHERE temp_key = ?");
      }
      byTempKey.setLong(1, key);
      Message stored = one(byTempKey);
      if (stored == null) {
        return new Earlier(null, false);
      }
      if (stored.chatId().equals(chatId)
          && stored.senderId().equals(senderId)
          && tempId.equals(stored.tempId())) {
        return new Earlier(stored, true);
      }
      if (byTempIdWithoutKey == null) {
        byTempIdWithoutKey =
            connection.prepareStatement(
                SELECT_STORED
                    + " WHERE chat_id = ? AND sender_id = ? AND temp_id = ? AND temp_key IS NULL");
      }
      byTempIdWithoutKey.setString(1, chatId);
      byTempIdWithoutKey.setString(2, senderId);
      byTempIdWithoutKey.setString(3, tempId);
      return new Earlier(one(byTempIdWithoutKey), true);
    } catch (SQLException e) {
      throw failed("look up tempId", e);
    }
  }

  /** The message at {@code seq} in the chat; null when that seq is no message's. */
  Message atSeq(String chatId, long seq) {
    try {
      if (bySeq == null) {
        bySeq = connection.prepareStatement(SELECT_STORED + " WHERE chat_id = ? AND seq = ?");
      }
      bySeq.setString(1, chatId);
      bySeq.setLong(2, seq);
      return one(bySeq);
    } catch (SQLException e) {
      throw failed("read message by seq", e);
    }
  }

  /**
   * The chat's messages stored since {@code sinceMillis} with a tempId key, at or before {@code
   * lastSeq}: the resend window of a chat first used since the node started. Reads the chat's last
   * messages only, on the {@code (chat_id, seq)} index: a binary search on seq for the oldest one
   * in the window (a chat's seqs are taken in time order), then the range from there.
   */
  RecentTempKeys recentTempKeys(String chatId, long lastSeq, long sinceMillis) {
    try (PreparedStatement firstFrom =
            connection.prepareStatement(
                "SELECT created_at FROM messages WHERE chat_id = ? AND seq >= ? AND seq <= ?"
                    + " ORDER BY seq FETCH FIRST 1 ROW ONLY");
        PreparedStatement range =
            connection.prepareStatement(
                "SELECT temp_key, seq, created_at FROM messages WHERE chat_id = ? AND seq >= ?"
                    + " AND seq <= ? AND temp_key IS NOT NULL ORDER BY seq")) {
      firstFrom.setString(1, chatId);
      firstFrom.setLong(3, lastSeq);
      // The smallest seq from which the first message is in the window (lastSeq + 1: none is).
      long low = 1;
      long high = lastSeq + 1;
      while (low < high) {
        long middle = low + (high - low) / 2;
        firstFrom.setLong(2, middle);
        boolean inWindow;
        try (ResultSet row = firstFrom.executeQuery()) {
          inWindow = !row.next() || row.getLong(1) >= sinceMillis;
        }
        if (inWindow) {
          high = middle;
        } else {
          low = middle + 1;
        }
      }
      RecentTempKeys recent = new RecentTempKeys();
      if (low > lastSeq) {
        return recent;
      }
      range.setString(1, chatId);
      range.setLong(2, low);
      range.setLong(3, lastSeq);
      try (ResultSet rows = range.executeQuery()) {
        while (rows.next()) {
          recent.add(rows.getLong(1), rows.getLong(2), rows.getLong(3));
        }
      }
      return recent;
    } catch (SQLException e) {
      throw failed("read the chat's recent tempIds", e);
    }
  }

  private static final String SELECT_STORED =
      "SELECT id, chat_id, sender_id, temp_id, content, message_type, attachments, created_at,"
          + " edited_at, deleted_at, seq FROM messages";

  private static Message one(PreparedStatement query) throws SQLException {
    try (ResultSet row = query.executeQuery()) {
      if (!row.next()) {
        return null;
      }
      return Message.stored(
          row.getString(1),
          row.getString(2),
          row.getString(3),
          row.getString(5),
          MessageType.valueOf(row.getString(6)),
          row.getString(7),
          row.getString(4),
          row.getLong(8),
          nullableLong(row, 9),
          nullableLong(row, 10),
          row.getLong(11));
    }
  }

  /**
   * Queues the insert of a new message (sent by {@link #flush}), its tempId under {@code tempKey}
   * (null: no tempId, or its key is another message's). A key queued already in this batch, for
   * another tempId of any chat, is another message's too: the message goes without it.
   *
   * @return the key stored with the message: {@code tempKey} or null
   */
  Long insert(Message m, Long tempKey) {
    if (tempKey != null && keysUnique && !keysInBatch.add(tempKey)) {
      tempKey = null;
    }
    try {
      if (insertMessage == null) {
        insertMessage =
            connection.prepareStatement(
                "INSERT INTO messages (id, chat_id, sender_id, content, message_type, attachments,"
                    + " temp_id, temp_key, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      }
      insertMessage.setString(1, m.id());
      insertMessage.setString(2, m.chatId());
      insertMessage.setString(3, m.senderId());
      insertMessage.setString(4, m.content());
      insertMessage.setString(5, m.messageType().name());
      setNullableString(insertMessage, 6, m.attachmentsJson());
      setNullableString(insertMessage, 7, m.tempId());
      if (tempKey == null) {
        insertMessage.setNull(8, Types.BIGINT);
      } else {
        insertMessage.setLong(8, tempKey);
      }
      insertMessage.setLong(9, m.createdAt());
      insertMessage.setLong(10, m.seq());
      insertMessage.addBatch();
      queuedMessages++;
      return tempKey;
    } catch (SQLException e) {
      throw failed("insert message", e);
    }
  }

  /**
   * Which of {@code users} are members of the chat: one lookup each on the membership's primary key
   * (senders whose connection has not joined the chat are few: a batch rarely has more than one).
   */
  Set<String> membersAmong(String chatId, Set<String> users) {
    try {
      if (isMember == null) {
        isMember =
            connection.prepareStatement(
                "SELECT 1 FROM chat_members WHERE chat_id = ? AND user_id = ?");
      }
      Set<String> members = new HashSet<>();
      for (String user : users) {
        isMember.setString(1, chatId);
        isMember.setString(2, user);
        try (ResultSet row = isMember.executeQuery()) {
          if (row.next()) {
            members.add(user);
          }
        }
      }
      return members;
    } catch (SQLException e) {
      throw failed("check membership", e);
    }
  }

  /**
   * The user's own uploads with these ids, in the order given.
   *
   * @throws RequestRefused NOT_FOUND naming the first id that is not one of the user's uploads
   */
  List<AttachmentRecord> ownedAttachments(String userId, List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    try {
      if (ownedAttachment == null) {
        ownedAttachment =
            connection.prepareStatement(
                "SELECT name, content_type, size_bytes, sha256, created_at FROM attachments"
                    + " WHERE id = ? AND uploader_id = ?");
      }
      List<AttachmentRecord> found = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        ownedAttachment.setString(1, ids.get(i));
        ownedAttachment.setString(2, userId);
        try (ResultSet row = ownedAttachment.executeQuery()) {
          if (!row.next()) {
            throw RequestRefused.notFound("attachments[" + i + "]");
          }
          found.add(
              new AttachmentRecord(
                  ids.get(i),
                  userId,
                  row.getString(1),
                  row.getString(2),
                  row.getLong(3),
                  row.getString(4),
                  row.getLong(5)));
        }
      }
      return found;
    } catch (SQLException e) {
      throw failed("look up attachments", e);
    }
  }

  /**
   * Records that these attachments (distinct ids) were sent in the message, which must have been
   * sent already ({@link #flushMessages}); members of the chat may then download them.
   */
  void link(String messageId, String chatId, List<String> attachmentIds) {
    try {
      if (linkAttachment == null) {
        linkAttachment =
            connection.prepareStatement(
                "INSERT INTO message_attachments (message_id, attachment_id, chat_id)"
                    + " VALUES (?, ?, ?)");
      }
      for (String attachmentId : attachmentIds) {
        linkAttachment.setString(1, messageId);
        linkAttachment.setString(2, attachmentId);
        linkAttachment.setString(3, chatId);
        linkAttachment.addBatch();
      }
      linkAttachment.executeBatch();
    } catch (SQLException e) {
      throw failed("link attachments", e);
    }
  }

  /** Queues the chat's new last seq (sent by {@link #flush}). */
  void setLastSeq(String chatId, long seq) {
    try {
      if (setLastSeq == null) {
        setLastSeq = connection.prepareStatement("UPDATE chats SET last_seq = ? WHERE id = ?");
      }
      setLastSeq.setLong(1, seq);
      setLastSeq.setString(2, chatId);
      setLastSeq.addBatch();
      queuedSeqs++;
    } catch (SQLException e) {
      throw failed("set last seq", e);
    }
  }

  /**
   * Sends the queued messages now: rows that reference them (attachment links) may follow.
   *
   * @throws UniqueKeyTaken when the unique index refused a message: a tempId stored before, when
   *     the batch did not look its tempIds up; the transaction must be rolled back
   */
  void flushMessages() {
    try {
      if (queuedMessages > 0) {
        insertMessage.executeBatch();
        queuedMessages = 0;
      }
    } catch (SQLException e) {
      if (isUniqueViolation(e)) {
        throw new UniqueKeyTaken(e);
      }
      throw failed("insert messages", e);
    }
  }

  /** A message the unique indexes refused; nothing of the batch may be kept. */
  static final class UniqueKeyTaken extends PersistenceException {
    private static final long serialVersionUID = 1L;

    UniqueKeyTaken(SQLException cause) {
      super("send path: a message was refused by a unique index", cause);
    }
  }

  /**
   * SQLState 23505 (unique violation, on H2 and PostgreSQL) anywhere in the chain: a failed batch
   * reports the statement's own error as the next exception or the cause.
   */
  static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (SQLException s = t instanceof SQLException q ? q : null;
          s != null;
          s = s.getNextException()) {
        if ("23505".equals(s.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Sends everything queued. */
  void flush() {
    flushMessages();
    try {
      if (queuedSeqs > 0) {
        setLastSeq.executeBatch();
        queuedSeqs = 0;
      }
    } catch (SQLException e) {
      throw failed("set last seqs", e);
    }
  }

  /** Closes the statements; the connection belongs to the transaction. */
  @Override
  public void close() {
    for (PreparedStatement statement :
        new PreparedStatement[] {
          lockChat,
          advanceChat,
          byTempKey,
          byTempIdWithoutKey,
          bySeq,
          insertMessage,
          setLastSeq,
          isMember,
          ownedAttachment,
          linkAttachment
        }) {
      if (statement != null) {
        try {
          statement.close();
        } catch (SQLException ignored) {
          // Nothing to do: the transaction's outcome does not depend on it.
        }
      }
    }
  }

  private static Long nullableLong(ResultSet row, int column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }

  private static void setNullableString(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  private static PersistenceException failed(String what, SQLException e) {
    return new PersistenceException("send path: " + what + " failed", e);
  }
}
