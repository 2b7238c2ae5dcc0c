// Unit tests of the page's chat state (node's test runner; run by mvn test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatState, TYPING_EXPIRY_MS, messageTypeFor, typingText } from '../../main/webapp/js/store.js';

const chat = { id: 'c1', name: 'demo', memberIds: ['alice', 'bob'] };

function history(lastSeq, messages, nextBefore = null) {
  return { chatId: 'c1', lastSeq, messages, nextBefore };
}

function stored(seq, content, senderId = 'bob', extra = {}) {
  return {
    messageId: `m${seq}`,
    chatId: 'c1',
    senderId,
    content,
    messageType: 'TEXT',
    attachments: [],
    createdAt: '2025-06-01T10:00:00Z',
    editedAt: null,
    deleted: false,
    seq,
    reactions: [],
    ...extra,
  };
}

function live(seq, content, senderId = 'bob', tempId = `t${seq}`) {
  return {
    messageId: `m${seq}`,
    chatId: 'c1',
    senderId,
    content,
    messageType: 'TEXT',
    attachments: [],
    createdAt: '2025-06-01T10:00:00Z',
    seq,
    tempId,
  };
}

const contents = (state) => state.ordered().map((m) => m.content);

test('history is shown oldest first and its lastSeq is the resume position', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(5, [stored(5, 'five'), stored(3, 'three')], 'm3'));
  assert.deepEqual(contents(state), ['three', 'five']);
  assert.equal(state.resumeSeq(), 5);
  assert.ok(state.hasOlder());
});

test('an older page goes above without moving the resume position', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(9, [stored(9, 'nine')], 'm9'));
  state.addPage(history(9, [stored(2, 'two'), stored(1, 'one')], null));
  assert.deepEqual(contents(state), ['one', 'two', 'nine']);
  assert.equal(state.resumeSeq(), 9);
  assert.ok(!state.hasOlder());
});

test('a replay overlapping what is already here adds nothing twice', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(2, [stored(2, 'two'), stored(1, 'one')]));
  assert.equal(state.apply('new_message', live(2, 'two')), null);
  assert.ok(state.apply('new_message', live(3, 'three')));
  assert.equal(state.apply('new_message', live(3, 'three')), null);
  assert.deepEqual(contents(state), ['one', 'two', 'three']);
  assert.equal(state.resumeSeq(), 3);
});

test('the same message under another seq is still shown once (dedupe by messageId)', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(1, [stored(1, 'one')]));
  assert.equal(state.apply('new_message', { ...live(7, 'one'), messageId: 'm1' }), null);
  assert.equal(state.ordered().length, 1);
});

test('out-of-order live events resume from the last contiguous seq', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(4, []));
  state.apply('new_message', live(5, 'five'));
  state.apply('new_message', live(7, 'seven'));
  // 6 is still in flight: resuming after 7 would lose it.
  assert.equal(state.resumeSeq(), 5);
  state.apply('new_message', live(6, 'six'));
  assert.equal(state.resumeSeq(), 7);
  assert.deepEqual(contents(state), ['five', 'six', 'seven']);
});

test('an optimistic message is confirmed by message_sent and keeps its place key', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(1, [stored(1, 'one')]));
  const pending = state.addPending('tmp-1', 'hello');
  assert.equal(pending.status, 'pending');
  assert.deepEqual(state.unconfirmed().map((m) => m.tempId), ['tmp-1']);
  const confirmed = state.apply('message_sent', {
    tempId: 'tmp-1',
    messageId: 'm2',
    chatId: 'c1',
    createdAt: '2025-06-01T10:00:01Z',
    seq: 2,
  });
  assert.equal(confirmed.key, pending.key);
  assert.equal(confirmed.status, 'sent');
  assert.equal(state.resumeSeq(), 2);
  assert.deepEqual(state.unconfirmed(), []);
  // The same message replayed later (another device joined) is not shown again.
  assert.equal(state.apply('new_message', live(2, 'hello', 'alice', 'tmp-1')), null);
  assert.deepEqual(contents(state), ['one', 'hello']);
});

test('a replayed own message confirms the pending copy when message_sent was lost', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(0, []));
  state.addPending('tmp-9', 'lost ack');
  const m = state.apply('new_message', live(1, 'lost ack', 'alice', 'tmp-9'));
  assert.equal(m.status, 'sent');
  assert.equal(state.ordered().length, 1);
  // The answer to the resend (the original message_sent) changes nothing.
  assert.equal(state.apply('message_sent', { tempId: 'tmp-9', messageId: 'm1', seq: 1 }), null);
  assert.equal(state.ordered().length, 1);
});

test('a refused send is marked failed and can be retried', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(0, []));
  state.addPending('tmp-2', 'too fast');
  assert.equal(state.markFailed('tmp-2', 'rate limited').status, 'failed');
  assert.deepEqual(state.unconfirmed(), []);
  assert.equal(state.markRetrying('tmp-2').status, 'pending');
  assert.equal(state.unconfirmed().length, 1);
  assert.equal(state.markFailed('unknown', 'x'), null);
});

test('pending messages stay below confirmed ones in the order written', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(1, [stored(1, 'one')]));
  state.addPending('a', 'first');
  state.addPending('b', 'second');
  state.apply('new_message', live(2, 'two'));
  assert.deepEqual(contents(state), ['one', 'two', 'first', 'second']);
});

test('edits, deletions and reactions change the message once', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(1, [stored(1, 'one')]));
  state.apply('message_edited', { messageId: 'm1', content: 'uno', editedAt: 'x', seq: 2 });
  assert.equal(state.ordered()[0].content, 'uno');
  state.apply('reaction_added', { messageId: 'm1', userId: 'bob', emoji: '👍', seq: 3 });
  state.apply('reaction_added', { messageId: 'm1', userId: 'alice', emoji: '👍', seq: 4 });
  assert.equal(state.apply('reaction_added', { messageId: 'm1', userId: 'alice', emoji: '👍', seq: 4 }), null);
  assert.deepEqual([...state.ordered()[0].reactions.get('👍')], ['bob', 'alice']);
  state.apply('reaction_removed', { messageId: 'm1', userId: 'bob', emoji: '👍', seq: 5 });
  state.apply('reaction_removed', { messageId: 'm1', userId: 'alice', emoji: '👍', seq: 6 });
  assert.equal(state.ordered()[0].reactions.size, 0);
  state.apply('message_deleted', { messageId: 'm1', seq: 7 });
  const m = state.ordered()[0];
  assert.ok(m.deleted);
  assert.equal(m.content, null);
  assert.equal(state.resumeSeq(), 7);
});

test('events about messages older than the loaded pages still advance the position', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(3, [stored(3, 'three')]));
  assert.equal(state.apply('message_deleted', { messageId: 'm1', seq: 4 }), true);
  assert.equal(state.resumeSeq(), 4);
});

test('deleted messages from history show no content or attachments', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(
    history(1, [stored(1, null, 'bob', { deleted: true, attachments: [{ id: 'a' }] })]),
  );
  const [m] = state.ordered();
  assert.ok(m.deleted);
  assert.deepEqual(m.attachments, []);
});

test('a reload keeps unconfirmed sends and drops the optimistic copy of one already stored', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(0, []));
  state.addPending('tmp-3', 'in flight');
  state.loadLatest(history(1, [stored(1, 'in flight', 'alice')]));
  assert.equal(state.ordered().length, 2);
  state.apply('message_sent', { tempId: 'tmp-3', messageId: 'm1', seq: 1 });
  assert.deepEqual(contents(state), ['in flight']);
});

test('typing indicators of others appear, end and expire', () => {
  const state = new ChatState(chat, 'alice');
  assert.equal(state.setTyping('alice', true, 0), null);
  state.setTyping('bob', true, 1000);
  state.setTyping('carol', true, 1000);
  assert.deepEqual(state.typingUsers(1000), ['bob', 'carol']);
  state.setTyping('carol', false, 1500);
  assert.deepEqual(state.typingUsers(1500), ['bob']);
  assert.deepEqual(state.typingUsers(1000 + TYPING_EXPIRY_MS), []);
});

test('a message from a typing user ends their indicator', () => {
  const state = new ChatState(chat, 'alice');
  state.loadLatest(history(0, []));
  state.apply('user_typing', { chatId: 'c1', userId: 'bob', isTyping: true });
  state.apply('new_message', live(1, 'done typing'));
  assert.deepEqual(state.typingUsers(Date.now()), []);
});

test('typing text and message types', () => {
  assert.equal(typingText([]), '');
  assert.equal(typingText(['bob']), 'bob is typing…');
  assert.equal(typingText(['bob', 'carol']), 'bob and carol are typing…');
  assert.equal(typingText(['a', 'b', 'c']), '3 people are typing…');
  assert.equal(messageTypeFor([]), 'TEXT');
  assert.equal(messageTypeFor([{ type: 'image/png' }, { type: 'image/jpeg' }]), 'IMAGE');
  assert.equal(messageTypeFor([{ type: 'image/png' }, { type: 'application/pdf' }]), 'FILE');
});
