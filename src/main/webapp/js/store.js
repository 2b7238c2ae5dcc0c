// State of one open chat, without any DOM: messages, the client's position in the chat's event
// sequence, pending sends and typing users. Unit-tested in node (src/test/e2e/unit).

/** How long a "typing" indicator lasts without news (the server's own timeout is 5 s). */
export const TYPING_EXPIRY_MS = 6000;

const SEQ_EVENTS = new Set([
  'new_message',
  'message_edited',
  'message_deleted',
  'reaction_added',
  'reaction_removed',
]);

export class ChatState {
  constructor(chat, me) {
    this.chat = chat;
    this.chatId = chat.id;
    this.me = me;
    this.messages = new Map(); // key -> message; keys stay stable when a pending message is confirmed
    this.byMessageId = new Map(); // messageId -> key
    this.byTempId = new Map(); // own tempId -> key
    // Every event with seq <= contiguousSeq is reflected; `applied` holds the ones above it that
    // arrived early (live events of concurrent senders may come out of order).
    this.contiguousSeq = 0;
    this.applied = new Set();
    this.nextBefore = null;
    this.loaded = false;
    this.typing = new Map(); // userId -> expiry time (ms)
    this.localOrder = 0;
  }

  /** The seq to join with: everything up to it is here, so the replay misses and doubles nothing. */
  resumeSeq() {
    return this.contiguousSeq;
  }

  hasOlder() {
    return this.nextBefore !== null;
  }

  /**
   * Loads the newest page (a reload keeps only unconfirmed sends) and takes its lastSeq as the
   * position: the page already shows every event up to it.
   */
  loadLatest(page) {
    const keep = [...this.messages.values()].filter((m) => m.status !== 'sent');
    this.messages.clear();
    this.byMessageId.clear();
    this.byTempId.clear();
    this.applied.clear();
    this.contiguousSeq = page.lastSeq;
    for (const m of keep) this.put(m);
    this.addPage(page);
    this.loaded = true;
  }

  /** Adds an older page (from nextBefore) without touching the position. */
  addPage(page) {
    for (const h of page.messages) {
      if (this.byMessageId.has(h.messageId)) continue;
      this.put({
        key: `m:${h.messageId}`,
        messageId: h.messageId,
        tempId: null,
        senderId: h.senderId,
        content: h.deleted ? null : h.content,
        messageType: h.messageType,
        attachments: h.deleted ? [] : h.attachments || [],
        createdAt: h.createdAt,
        editedAt: h.editedAt,
        deleted: h.deleted,
        seq: h.seq,
        reactions: new Map((h.reactions || []).map((r) => [r.emoji, new Set(r.userIds)])),
        status: 'sent',
        error: null,
        rev: 0,
      });
    }
    this.nextBefore = page.nextBefore ?? null;
  }

  /** An optimistic message, shown at once and confirmed by message_sent. */
  addPending(tempId, content, files = []) {
    const message = {
      key: `t:${tempId}`,
      messageId: null,
      tempId,
      senderId: this.me,
      content,
      messageType: 'TEXT',
      attachments: [],
      files, // File objects still to upload (or uploaded: see uploadedIds)
      uploadedIds: [],
      createdAt: new Date().toISOString(),
      editedAt: null,
      deleted: false,
      seq: null,
      reactions: new Map(),
      status: 'pending',
      error: null,
      rev: 0,
      local: ++this.localOrder,
    };
    this.put(message);
    return message;
  }

  pending(tempId) {
    const key = this.byTempId.get(tempId);
    return key ? this.messages.get(key) : undefined;
  }

  /** Sends that still wait for message_sent, oldest first (resent after a reconnect). */
  unconfirmed() {
    return [...this.messages.values()]
      .filter((m) => m.status === 'pending')
      .sort((a, b) => a.local - b.local);
  }

  markFailed(tempId, error) {
    const m = this.pending(tempId);
    if (!m || m.status === 'sent') return null;
    m.status = 'failed';
    m.error = error;
    m.rev++;
    return m;
  }

  markRetrying(tempId) {
    const m = this.pending(tempId);
    if (!m || m.status === 'sent') return null;
    m.status = 'pending';
    m.error = null;
    m.rev++;
    return m;
  }

  /**
   * Applies a server event of this chat. Returns the changed message (or true for a change that is
   * not about one message), or null when the event was already here or changes nothing.
   */
  apply(event, data) {
    if (event === 'message_sent') return this.confirm(data);
    if (event === 'user_typing') return this.setTyping(data.userId, data.isTyping, Date.now());
    if (!SEQ_EVENTS.has(event) || typeof data.seq !== 'number') return null;
    if (!this.markSeq(data.seq)) return null;
    switch (event) {
      case 'new_message':
        return this.receive(data);
      case 'message_edited':
        return this.update(data.messageId, (m) => {
          m.content = data.content;
          m.editedAt = data.editedAt;
        });
      case 'message_deleted':
        return this.update(data.messageId, (m) => {
          m.deleted = true;
          m.content = null;
          m.attachments = [];
        });
      case 'reaction_added':
        return this.update(data.messageId, (m) => {
          if (!m.reactions.has(data.emoji)) m.reactions.set(data.emoji, new Set());
          m.reactions.get(data.emoji).add(data.userId);
        });
      case 'reaction_removed':
        return this.update(data.messageId, (m) => {
          const users = m.reactions.get(data.emoji);
          if (!users) return;
          users.delete(data.userId);
          if (users.size === 0) m.reactions.delete(data.emoji);
        });
      default:
        return null;
    }
  }

  /** Records a seq; false when it was seen before (a replay overlapping live events). */
  markSeq(seq) {
    if (seq <= this.contiguousSeq || this.applied.has(seq)) return false;
    this.applied.add(seq);
    while (this.applied.has(this.contiguousSeq + 1)) {
      this.contiguousSeq++;
      this.applied.delete(this.contiguousSeq);
    }
    return true;
  }

  confirm(ack) {
    const m = this.pending(ack.tempId);
    if (typeof ack.seq === 'number') this.markSeq(ack.seq);
    if (!m || m.status === 'sent') return null;
    const loaded = this.byMessageId.get(ack.messageId);
    if (loaded && loaded !== m.key) {
      // Already here from a history reload: the optimistic copy goes.
      this.messages.delete(m.key);
      this.byTempId.delete(m.tempId);
      return true;
    }
    this.byMessageId.set(ack.messageId, m.key);
    Object.assign(m, {
      messageId: ack.messageId,
      seq: ack.seq,
      createdAt: ack.createdAt,
      status: 'sent',
      error: null,
      files: [],
    });
    m.rev++;
    return m;
  }

  receive(data) {
    // Our own message from another connection or from a replay after a lost message_sent.
    const own = data.senderId === this.me && data.tempId ? this.pending(data.tempId) : undefined;
    if (own && own.status !== 'sent') {
      this.confirm(data);
      Object.assign(own, {
        content: data.content,
        messageType: data.messageType,
        attachments: data.attachments || [],
      });
      return own;
    }
    if (this.byMessageId.has(data.messageId)) return null;
    const message = {
      key: `m:${data.messageId}`,
      messageId: data.messageId,
      tempId: data.tempId ?? null,
      senderId: data.senderId,
      content: data.content,
      messageType: data.messageType,
      attachments: data.attachments || [],
      createdAt: data.createdAt,
      editedAt: null,
      deleted: false,
      seq: data.seq,
      reactions: new Map(),
      status: 'sent',
      error: null,
      rev: 0,
    };
    this.put(message);
    // A message from someone ends their typing indicator.
    this.typing.delete(data.senderId);
    return message;
  }

  update(messageId, change) {
    const key = this.byMessageId.get(messageId);
    const m = key && this.messages.get(key);
    if (!m) return true; // older than the loaded pages: its seq still counts
    change(m);
    m.rev++;
    return m;
  }

  put(message) {
    this.messages.set(message.key, message);
    if (message.messageId) this.byMessageId.set(message.messageId, message.key);
    if (message.tempId && message.senderId === this.me) this.byTempId.set(message.tempId, message.key);
  }

  /** Confirmed messages in seq order, then the unconfirmed ones in the order they were written. */
  ordered() {
    return [...this.messages.values()].sort((a, b) => {
      const aSent = a.seq !== null && a.seq !== undefined;
      const bSent = b.seq !== null && b.seq !== undefined;
      if (aSent && bSent) return a.seq - b.seq;
      if (aSent !== bSent) return aSent ? -1 : 1;
      return a.local - b.local;
    });
  }

  setTyping(userId, isTyping, now) {
    if (userId === this.me) return null;
    if (isTyping) this.typing.set(userId, now + TYPING_EXPIRY_MS);
    else if (!this.typing.delete(userId)) return null;
    return true;
  }

  /** Users typing now; expired indicators are dropped (their "stopped" event may have been lost). */
  typingUsers(now) {
    for (const [user, until] of this.typing) {
      if (until <= now) this.typing.delete(user);
    }
    return [...this.typing.keys()].sort();
  }
}

/** "alice is typing…", "alice and bob are typing…", "3 people are typing…". */
export function typingText(users) {
  if (users.length === 0) return '';
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
  return `${users.length} people are typing…`;
}

/** IMAGE when every file is an image, FILE when there are others, TEXT without files. */
export function messageTypeFor(files) {
  if (files.length === 0) return 'TEXT';
  return files.every((f) => (f.type || f.contentType || '').startsWith('image/')) ? 'IMAGE' : 'FILE';
}
