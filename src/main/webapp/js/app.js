// Wiring: the session, the open chat, and what each user action and server event does.
import { Api, ApiError, isSameOrigin } from './api.js';
import { Socket } from './socket.js';
import { ChatState, messageTypeFor, typingText } from './store.js';
import * as ui from './ui.js';

const SESSION_KEY = 'messenger.session';
const CHAT_LIST_REFRESH_MS = 15000;
const TYPING_REPEAT_MS = 2000; // below the server's typing timeout, well within its rate limit
const TYPING_IDLE_MS = 3000;
const MAX_LENGTH = 4000;
const MAX_ATTACHMENTS = 10;

const $ = (id) => document.getElementById(id);

let session = null; // { me, token, expiresAt }
let api = null;
let socket = null;
let chats = [];
let current = null; // ChatState of the open chat
let joinedChatId = null;
let openGeneration = 0;
let loadingOlder = false;
let selectedFiles = [];
const view = { editingKey: null, confirmingDeleteKey: null };
const timers = [];
const blobUrls = new Map(); // attachment URL -> Promise<object URL>
const fileUrls = new WeakMap(); // File -> object URL of a local preview
const typingState = { lastSent: 0, idleTimer: null, active: false };

// --- session ---------------------------------------------------------------------------------

function restoreSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    if (saved && saved.token && saved.me && saved.expiresAt > Date.now()) return saved;
  } catch {
    // a broken entry is the same as none
  }
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

async function signIn(userId) {
  const id = userId.trim();
  if (!id) throw new ApiError(400, 'VALIDATION', 'Enter a user id.');
  const { token, expiresInMs } = await Api.devToken(id);
  session = { me: id, token, expiresAt: Date.now() + expiresInMs };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  start();
}

function start() {
  api = new Api(() => session.token);
  ui.showApp(session.me);
  ui.clearError();
  socket = new Socket(async () => (await api.wsTicket()).ticket, {
    onEvent,
    onOpen,
    onStatus: ui.setConnectionStatus,
    onAuthLost: () => signOut('Your sign-in has expired. Sign in again.'),
  });
  socket.start();
  loadChats();
  timers.push(setInterval(loadChats, CHAT_LIST_REFRESH_MS));
  timers.push(setInterval(renderTyping, 1000));
  timers.push(
    setTimeout(() => signOut('Your sign-in has expired. Sign in again.'), session.expiresAt - Date.now()),
  );
}

function signOut(message = '') {
  socket?.stop();
  timers.splice(0).forEach((t) => (clearInterval(t), clearTimeout(t)));
  for (const url of blobUrls.values()) url.then(URL.revokeObjectURL, () => {});
  blobUrls.clear();
  sessionStorage.removeItem(SESSION_KEY);
  session = api = socket = current = null;
  joinedChatId = null;
  chats = [];
  selectedFiles = [];
  ui.renderChatList([], null, '', () => {});
  ui.renderChatHeader(null, '');
  ui.renderMessages([], view);
  ui.renderSelectedFiles([], () => {});
  ui.setOlderButton(false, false);
  ui.clearError();
  ui.showSignIn(message);
}

/** Shows a failed request; a 401 means the token is no longer accepted. */
function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut('Your sign-in has expired. Sign in again.');
    return;
  }
  ui.showError(ui.errorText(error.code || 'ERROR', error.message, error.retryAfterMs));
}

// --- chats -----------------------------------------------------------------------------------

async function loadChats() {
  if (!api) return;
  try {
    chats = await api.chats();
    ui.renderChatList(chats, current?.chatId, session.me, openChat);
  } catch (e) {
    failed(e);
  }
}

async function createChat(name, membersText) {
  const memberIds = membersText
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (memberIds.length === 0) throw new ApiError(400, 'VALIDATION', 'Name at least one member.');
  const chat = await api.createChat(name.trim() || null, memberIds);
  chats = [chat, ...chats.filter((c) => c.id !== chat.id)];
  await openChat(chat.id);
}

async function openChat(chatId) {
  const chat = chats.find((c) => c.id === chatId);
  if (!chat) return;
  const generation = ++openGeneration;
  if (joinedChatId && joinedChatId !== chatId) socket.send('leave_chat', { chatId: joinedChatId });
  joinedChatId = null;
  stopTyping();
  current = new ChatState(chat, session.me);
  view.editingKey = view.confirmingDeleteKey = null;
  ui.renderChatList(chats, chatId, session.me, openChat);
  ui.renderChatHeader(chat, session.me);
  render();
  try {
    const page = await api.history(chatId);
    if (generation !== openGeneration) return;
    current.loadLatest(page);
    render();
    scrollToBottom();
    join();
  } catch (e) {
    failed(e);
  }
}

/** Joins the open chat from where its state is: the server replays exactly what is missing. */
function join() {
  if (!current?.loaded || !socket.isOpen()) return;
  socket.send('join_chat', { chatId: current.chatId, lastSeq: current.resumeSeq() });
  joinedChatId = current.chatId;
}

async function reloadAndRejoin() {
  const state = current;
  try {
    const page = await api.history(state.chatId);
    if (state !== current) return;
    state.loadLatest(page);
    render();
    scrollToBottom();
    socket.send('leave_chat', { chatId: state.chatId });
    join();
  } catch (e) {
    failed(e);
  }
}

async function loadOlder() {
  if (!current?.hasOlder() || loadingOlder) return;
  const state = current;
  loadingOlder = true;
  ui.setOlderButton(true, true);
  const scroller = $('message-scroller');
  try {
    const page = await api.history(state.chatId, state.nextBefore);
    if (state !== current) return;
    const before = scroller.scrollHeight;
    state.addPage(page);
    render();
    // Keep the message the reader was looking at in place.
    scroller.scrollTop += scroller.scrollHeight - before;
  } catch (e) {
    failed(e);
  } finally {
    loadingOlder = false;
    render();
  }
}

// --- socket events ---------------------------------------------------------------------------

function onOpen() {
  joinedChatId = null;
  join();
}

function onEvent(event, data) {
  if (event === 'error') return onError(data);
  if (!current || data.chatId !== current.chatId) return;
  if (event === 'joined_chat') {
    if (data.reloadRequired) reloadAndRejoin();
    else resendUnconfirmed();
    return;
  }
  const nearBottom = isNearBottom();
  const changed = current.apply(event, data);
  if (!changed) return;
  if (event === 'user_typing') return renderTyping();
  render();
  if (event === 'new_message' && changed.senderId !== session.me) {
    ui.announce(`${changed.senderId}: ${changed.content || 'sent an attachment'}`);
  }
  if (nearBottom) scrollToBottom();
}

function onError(data) {
  const typing = data.event === 'typing_start' || data.event === 'typing_stop';
  if (data.tempId && current?.markFailed(data.tempId, data.code === 'RATE_LIMITED' ? 'rate limited' : data.message)) {
    render();
  }
  if (typing && data.code === 'RATE_LIMITED') return; // the indicator is best effort
  ui.showError(ui.errorText(data.code, data.message, data.retryAfterMs));
}

// --- sending ---------------------------------------------------------------------------------

function sendFromComposer() {
  const input = $('message-input');
  const content = input.value;
  const files = selectedFiles;
  if (!content.trim() && files.length === 0) {
    ui.showError('VALIDATION: Write a message or attach a file.');
    return;
  }
  if ([...content].length > MAX_LENGTH) {
    ui.showError(`VALIDATION: A message has at most ${MAX_LENGTH} characters.`);
    return;
  }
  if (files.length > MAX_ATTACHMENTS) {
    ui.showError(`VALIDATION: At most ${MAX_ATTACHMENTS} attachments per message.`);
    return;
  }
  const message = current.addPending(crypto.randomUUID(), content, files);
  input.value = '';
  selectedFiles = [];
  $('file-input').value = '';
  ui.renderSelectedFiles([], removeFile);
  typingState.active = false;
  clearTimeout(typingState.idleTimer);
  render();
  scrollToBottom();
  deliver(current, message);
}

/** Uploads what is not uploaded yet, then sends (or leaves it for the resend after a reconnect). */
async function deliver(state, message) {
  try {
    while (message.uploadedIds.length < message.files.length) {
      const uploaded = await api.upload(message.files[message.uploadedIds.length]);
      message.uploadedIds.push(uploaded.id);
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return failed(e);
    state.markFailed(message.tempId, `upload failed (${e.message})`);
    if (state === current) render();
    return;
  }
  message.frame = {
    chatId: state.chatId,
    tempId: message.tempId,
    content: message.content,
    messageType: messageTypeFor(message.files),
  };
  if (message.uploadedIds.length) message.frame.attachments = [...message.uploadedIds];
  if (state === current && joinedChatId === state.chatId) socket.send('send_message', message.frame);
}

/** After a (re)join: sends again what was never confirmed; the server stores each tempId once. */
function resendUnconfirmed() {
  for (const message of current.unconfirmed()) {
    if (message.frame) socket.send('send_message', message.frame);
  }
}

function retry(message) {
  current.markRetrying(message.tempId);
  render();
  deliver(current, message);
}

/** Sends a frame about the open chat, or explains why it cannot. */
function act(event, data) {
  if (!socket.send(event, data)) ui.showError('OFFLINE: Not connected; try again when the connection is back.');
}

// --- typing ----------------------------------------------------------------------------------

function onComposerInput() {
  if (!current) return;
  const now = Date.now();
  if (!typingState.active || now - typingState.lastSent >= TYPING_REPEAT_MS) {
    if (socket.send('typing_start', { chatId: current.chatId })) {
      typingState.active = true;
      typingState.lastSent = now;
    }
  }
  clearTimeout(typingState.idleTimer);
  typingState.idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingState.idleTimer);
  if (typingState.active && current) socket.send('typing_stop', { chatId: current.chatId });
  typingState.active = false;
}

function renderTyping() {
  ui.renderTyping(current ? typingText(current.typingUsers(Date.now())) : '');
}

// --- rendering -------------------------------------------------------------------------------

const messageActions = {
  attachment: attachmentElement,
  onReact(m, emoji) {
    const mine = m.reactions.get(emoji)?.has(session.me);
    act(mine ? 'remove_reaction' : 'add_reaction', { messageId: m.messageId, emoji });
  },
  onEdit(m) {
    view.editingKey = m.key;
    view.confirmingDeleteKey = null;
    render();
  },
  onSaveEdit(m, text) {
    if (!text.trim()) return ui.showError('VALIDATION: A message cannot be empty; delete it instead.');
    if ([...text].length > MAX_LENGTH) return ui.showError(`VALIDATION: A message has at most ${MAX_LENGTH} characters.`);
    if (text !== m.content) act('edit_message', { messageId: m.messageId, content: text });
    view.editingKey = null;
    render();
  },
  onCancelEdit() {
    view.editingKey = view.confirmingDeleteKey = null;
    render();
  },
  onDelete(m) {
    view.confirmingDeleteKey = m.key;
    view.editingKey = null;
    render();
  },
  onConfirmDelete(m) {
    act('delete_message', { messageId: m.messageId });
    view.confirmingDeleteKey = null;
    render();
  },
  onRetry: retry,
};

function render() {
  if (!session) return;
  ui.renderMessages(current ? current.ordered() : [], { ...messageActions, ...view, me: session.me });
  ui.setOlderButton(Boolean(current?.hasOlder()), loadingOlder);
  renderTyping();
}

function isNearBottom() {
  const s = $('message-scroller');
  return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

function scrollToBottom() {
  const s = $('message-scroller');
  s.scrollTop = s.scrollHeight;
}

/** An attachment: images inline, other files as download links; fetched with the token. */
function attachmentElement(att, message) {
  if (att instanceof File) {
    if (att.type.startsWith('image/')) {
      if (!fileUrls.has(att)) fileUrls.set(att, URL.createObjectURL(att));
      return ui.el('img', { class: 'attachment-image', src: fileUrls.get(att), alt: att.name });
    }
    return ui.el('span', { class: 'attachment-file' }, att.name);
  }
  const url = att.url || (att.id ? `api/attachments/${encodeURIComponent(att.id)}` : null);
  const label = `${att.name}${att.size !== undefined ? ` (${ui.formatSize(att.size)})` : ''}`;
  if (!url || !isSameOrigin(url)) {
    // Not stored here: a plain link, without the token, and only to a web address.
    const safe = url && /^https?:/i.test(new URL(url, document.baseURI).protocol);
    return safe
      ? ui.el('a', { class: 'attachment-file', href: url, target: '_blank', rel: 'noopener noreferrer' }, label)
      : ui.el('span', { class: 'attachment-file' }, label);
  }
  if ((att.contentType || '').startsWith('image/')) {
    const img = ui.el('img', { class: 'attachment-image', alt: att.name });
    objectUrl(url).then(
      (src) => (img.src = src),
      () => img.replaceWith(ui.el('span', { class: 'attachment-file failed-text' }, `${att.name} (unavailable)`)),
    );
    return img;
  }
  return ui.el(
    'a',
    {
      class: 'attachment-file',
      href: '#',
      download: att.name,
      onclick: async (e) => {
        const link = e.currentTarget;
        if (link.dataset.ready) return; // the object URL is set: let the browser download it
        e.preventDefault();
        try {
          link.href = await objectUrl(url);
          link.dataset.ready = 'true';
          link.click();
        } catch (error) {
          failed(error);
        }
      },
    },
    label,
  );
}

function objectUrl(url) {
  if (!blobUrls.has(url)) {
    const promise = api.attachmentBlob(url).then((blob) => URL.createObjectURL(blob));
    promise.catch(() => blobUrls.delete(url));
    blobUrls.set(url, promise);
  }
  return blobUrls.get(url);
}

function removeFile(index) {
  selectedFiles = selectedFiles.filter((_, i) => i !== index);
  ui.renderSelectedFiles(selectedFiles, removeFile);
}

// --- page events -----------------------------------------------------------------------------

function bind() {
  $('sign-in-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = e.submitter;
    button.disabled = true;
    try {
      await signIn($('user-id').value);
    } catch (error) {
      $('sign-in-error').textContent = ui.errorText(error.code, error.message);
    } finally {
      button.disabled = false;
    }
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('error-dismiss').addEventListener('click', ui.clearError);
  $('refresh-chats').addEventListener('click', loadChats);
  $('new-chat-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('new-chat-error').textContent = '';
    try {
      await createChat($('new-chat-name').value, $('new-chat-members').value);
      $('new-chat-name').value = '';
      $('new-chat-members').value = '';
    } catch (error) {
      if (error.status === 401) failed(error);
      else $('new-chat-error').textContent = ui.errorText(error.code, error.message);
    }
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    sendFromComposer();
  });
  $('message-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendFromComposer();
    }
  });
  $('message-input').addEventListener('input', onComposerInput);
  $('message-input').addEventListener('blur', stopTyping);
  $('file-input').addEventListener('change', (e) => {
    selectedFiles = [...selectedFiles, ...e.target.files];
    e.target.value = '';
    ui.renderSelectedFiles(selectedFiles, removeFile);
  });
  $('load-older').addEventListener('click', loadOlder);
  $('message-scroller').addEventListener('scroll', (e) => {
    if (e.currentTarget.scrollTop < 60) loadOlder();
  });
}

bind();
session = restoreSession();
if (session) start();
else ui.showSignIn();
