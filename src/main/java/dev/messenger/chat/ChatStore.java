package dev.messenger.chat;

import dev.messenger.protocol.RequestRefused;
import dev.messenger.storage.EpochMillis;
import dev.messenger.storage.RowIds;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Chats and membership on a caller-managed {@link EntityManager} and transaction: the container
 * facade ({@link Chats}) in the server, a plain transaction in tests. Callers roll back on any
 * exception.
 */
public class ChatStore {
  /** The default of {@code messenger.chat.max-members}, for callers that never create chats. */
  public static final int DEFAULT_MAX_MEMBERS = 1000;

  /** The chat's last seq when the user is a member (no row otherwise); parameters chat, user. */
  static final String LAST_SEQ_FOR_MEMBER =
      "SELECT c.last_seq FROM chats c JOIN chat_members m ON m.chat_id = c.id"
          + " WHERE c.id = ? AND m.user_id = ?";

  static final int MAX_NAME_LENGTH = 200;
  static final int MAX_USER_ID_LENGTH = 255;

  private final EntityManager em;
  private final Clock clock;
  private final int maxMembers;

  /** Null: the chat rows hold the last seqs (else the heads in memory do). */
  private final LocalChatSeqs heads;

  public ChatStore(EntityManager em, Clock clock) {
    this(em, clock, DEFAULT_MAX_MEMBERS);
  }

  public ChatStore(EntityManager em, Clock clock, int maxMembers) {
    this(em, clock, maxMembers, null);
  }

  /** Reading last seqs from {@code heads} when not null (this node keeps them in memory). */
  public ChatStore(EntityManager em, Clock clock, int maxMembers, LocalChatSeqs heads) {
    this.em = em;
    this.clock = clock;
    this.maxMembers = maxMembers;
    this.heads = heads;
  }

  /** A chat as its members see it; member ids sorted. {@code name} may be null. */
  @JsonbNillable
  public record ChatView(
      String id, String name, List<String> memberIds, String createdAt, long lastSeq) {}

  /** Creates a chat; the creator is always a member and duplicate ids count once. */
  public ChatView create(String creatorId, String name, List<String> memberIds) {
    requireUserId(creatorId, "creator id");
    if (memberIds == null) {
      throw RequestRefused.validation("memberIds is required");
    }
    if (memberIds.size() > maxMembers) {
      throw RequestRefused.validation("a chat has at most " + maxMembers + " members");
    }
    String cleanName = name == null || name.isBlank() ? null : name.strip();
    if (cleanName != null && cleanName.length() > MAX_NAME_LENGTH) {
      throw RequestRefused.validation("name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    TreeSet<String> members = new TreeSet<>();
    members.add(creatorId);
    for (String memberId : memberIds) {
      requireUserId(memberId, "member id");
      members.add(memberId);
    }
    if (members.size() > maxMembers) {
      throw RequestRefused.validation("a chat has at most " + maxMembers + " members");
    }

    long now = clock.millis();
    Chat chat = new Chat(RowIds.next(), cleanName, creatorId, now);
    em.persist(chat);
    // Unrelated entities have no guaranteed insert order: the chat row must exist before the member
    // FKs.
    em.flush();
    for (String memberId : members) {
      em.persist(new ChatMember(chat.id(), memberId, now));
    }
    return new ChatView(chat.id(), cleanName, List.copyOf(members), EpochMillis.iso(now), 0);
  }

  /** The user's chats, newest first. */
  public List<ChatView> listFor(String userId) {
    // Scalar columns, not entities: a Chat already in this persistence context would carry a stale
    // lastSeq.
    return views(
        em.createQuery(
                "SELECT c.id, c.name, c.createdAt, c.lastSeq FROM Chat c, ChatMember m"
                    + " WHERE m.chatId = c.id AND m.userId = :user ORDER BY c.createdAt DESC, c.id",
                Object[].class)
            .setParameter("user", userId)
            .getResultList());
  }

  /** One chat, for its members only. */
  public ChatView view(String userId, String chatId) {
    requireMember(chatId, userId);
    return views(
            em.createQuery(
                    "SELECT c.id, c.name, c.createdAt, c.lastSeq FROM Chat c WHERE c.id = :id",
                    Object[].class)
                .setParameter("id", chatId)
                .getResultList())
        .get(0);
  }

  /** Rows of (id, name, createdAt, lastSeq) with their members, loaded in one query. */
  private List<ChatView> views(List<Object[]> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, List<String>> membersByChat = new LinkedHashMap<>();
    for (Object[] row : rows) {
      membersByChat.put((String) row[0], new ArrayList<>());
    }
    List<Object[]> memberRows =
        em.createQuery(
                "SELECT m.chatId, m.userId FROM ChatMember m WHERE m.chatId IN :ids ORDER BY m.userId",
                Object[].class)
            .setParameter("ids", new ArrayList<>(membersByChat.keySet()))
            .getResultList();
    for (Object[] row : memberRows) {
      membersByChat.get((String) row[0]).add((String) row[1]);
    }
    List<ChatView> views = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      String id = (String) row[0];
      views.add(
          new ChatView(
              id,
              (String) row[1],
              List.copyOf(membersByChat.get(id)),
              EpochMillis.iso(((Number) row[2]).longValue()),
              lastSeq(id, ((Number) row[3]).longValue())));
    }
    return views;
  }

  public boolean isMember(String chatId, String userId) {
    if (chatId == null || userId == null) {
      return false;
    }
    return em.find(ChatMember.class, new ChatMember.Key(chatId, userId)) != null;
  }

  /**
   * The chat's last seq, for a member: one query where {@link #requireMember} and a read of the seq
   * are two.
   *
   * @throws RequestRefused NOT_FOUND for no such chat and for not a member alike
   */
  public long lastSeqForMember(String chatId, String userId) {
    if (chatId == null || userId == null) {
      throw RequestRefused.notFound("chat");
    }
    List<?> rows =
        em.createNativeQuery(LAST_SEQ_FOR_MEMBER)
            .setParameter(1, chatId)
            .setParameter(2, userId)
            .getResultList();
    if (rows.isEmpty()) {
      throw RequestRefused.notFound("chat");
    }
    return lastSeq(chatId, ((Number) rows.get(0)).longValue());
  }

  /** The chat's last committed seq: its row's, or its head's when this node keeps them. */
  private long lastSeq(String chatId, long fromRow) {
    if (heads == null) {
      return fromRow;
    }
    Long committed = heads.committed(chatId, id -> LocalChatSeqs.seedFrom(em, id));
    return committed == null ? fromRow : committed;
  }

  /**
   * The same refusal for "no such chat" and "not a member": outsiders must not learn a chat exists.
   */
  public void requireMember(String chatId, String userId) {
    if (!isMember(chatId, userId)) {
      throw RequestRefused.notFound("chat");
    }
  }

  private static void requireUserId(String id, String what) {
    if (id == null || id.isBlank()) {
      throw RequestRefused.validation(what + " must not be blank");
    }
    if (id.length() > MAX_USER_ID_LENGTH) {
      throw RequestRefused.validation(
          what + " is longer than " + MAX_USER_ID_LENGTH + " characters");
    }
  }
}
