package dev.messenger.chat;

import dev.messenger.protocol.RequestRefused;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A chat's last seq, for one of its members: all that a {@code join_chat} without a position (a
 * client's first join) needs from the database (the membership, and the seq from the chat's row or,
 * when this node keeps the heads, from memory: {@link LocalChatSeqs}). One statement on a plain
 * JDBC connection, outside any transaction (one statement reads one committed state). Why not JPA
 * here: every connection joins its chats as it opens, so a node that restarts hears this from all
 * its users at once; the container transaction, the persistence context and two queries took three
 * quarters of a join's CPU and a sixth of a whole connect (bench/README.md).
 */
@ApplicationScoped
public class ChatHeads {
  @Resource(lookup = "jdbc/messenger")
  DataSource database;

  @Inject LocalChatSeqs heads;

  /**
   * @throws RequestRefused NOT_FOUND when there is no such chat or the user is not a member (the
   *     same answer for both: outsiders must not learn a chat exists)
   */
  public long lastSeqForMember(String chatId, String userId) {
    if (chatId == null || userId == null) {
      throw RequestRefused.notFound("chat");
    }
    try (Connection connection = database.getConnection();
        PreparedStatement query = connection.prepareStatement(ChatStore.LAST_SEQ_FOR_MEMBER)) {
      query.setString(1, chatId);
      query.setString(2, userId);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw RequestRefused.notFound("chat");
        }
        long fromRow = row.getLong(1);
        if (!heads.enabled()) {
          return fromRow;
        }
        // Seeded through this connection on the chat's first use since start.
        Long committed = heads.committed(chatId, id -> LocalChatSeqs.seedFrom(connection, id));
        return committed == null ? fromRow : committed;
      }
    } catch (SQLException e) {
      throw new PersistenceException("join: reading the chat's last seq failed", e);
    }
  }
}
