// Rendering. User content only ever reaches the page through textContent and attribute setters,
// never as HTML.

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'];

const $ = (id) => document.getElementById(id);

/** An element with attributes/properties and children (strings become text nodes). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name in node && !name.startsWith('aria') && name !== 'type') node[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export function showSignIn(message = '') {
  $('app-view').hidden = true;
  $('session-bar').hidden = true;
  $('sign-in-view').hidden = false;
  $('sign-in-error').textContent = message;
  $('user-id').focus();
}

export function showApp(me) {
  $('sign-in-view').hidden = true;
  $('app-view').hidden = false;
  $('session-bar').hidden = false;
  $('me').textContent = me;
  $('sign-in-error').textContent = '';
}

const STATUS_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline',
};

export function setConnectionStatus(status, delayMs) {
  const node = $('connection-status');
  node.dataset.state = status;
  node.textContent =
    status === 'reconnecting'
      ? `Reconnecting in ${Math.max(1, Math.round(delayMs / 1000))} s…`
      : STATUS_TEXT[status] || status;
}

export function showError(text) {
  $('error-text').textContent = text;
  $('error-banner').hidden = false;
}

export function clearError() {
  $('error-banner').hidden = true;
  $('error-text').textContent = '';
}

/** The text shown for a refused event or request: code, message and, if limited, when to retry. */
export function errorText(code, message, retryAfterMs) {
  let text = `${code}: ${message}`;
  if (typeof retryAfterMs === 'number') {
    text += ` (try again in ${(retryAfterMs / 1000).toFixed(1)} s)`;
  }
  return text;
}

export function chatTitle(chat, me) {
  if (chat.name) return chat.name;
  const others = chat.memberIds.filter((id) => id !== me);
  return others.length ? others.join(', ') : 'Just you';
}

export function renderChatList(chats, openId, me, onOpen) {
  const list = $('chat-list');
  list.replaceChildren(
    ...chats.map((chat) =>
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            class: 'chat-item',
            'aria-current': chat.id === openId ? 'true' : undefined,
            onclick: () => onOpen(chat.id),
          },
          el('span', { class: 'chat-name' }, chatTitle(chat, me)),
          el('span', { class: 'chat-members' }, chat.memberIds.join(', ')),
        ),
      ),
    ),
  );
  $('no-chats').hidden = chats.length > 0;
}

export function renderChatHeader(chat, me) {
  $('chat-title').textContent = chat ? chatTitle(chat, me) : 'No chat open';
  $('chat-members').textContent = chat ? `Members: ${chat.memberIds.join(', ')}` : '';
  $('composer').hidden = !chat;
}

export function renderTyping(text) {
  $('typing').textContent = text;
}

export function announce(text) {
  $('announcer').textContent = text;
}

export function renderSelectedFiles(files, onRemove) {
  $('selected-files').replaceChildren(
    ...files.map((file, i) =>
      el(
        'li',
        {},
        `${file.name} (${formatSize(file.size)})`,
        el(
          'button',
          {
            type: 'button',
            class: 'link',
            'aria-label': `Remove ${file.name}`,
            onclick: () => onRemove(i),
          },
          'Remove',
        ),
      ),
    ),
  );
}

export function formatSize(bytes) {
  if (typeof bytes !== 'number') return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * Brings the list in line with the ordered messages: an element is rebuilt only when its message
 * (or its edit/delete mode) changed, and moved only when out of place.
 * @param ctx { me, editingKey, confirmingDeleteKey, attachment(att, message), onReact(m, emoji),
 *   onEdit(m), onSaveEdit(m, text), onCancelEdit(), onDelete(m), onConfirmDelete(m), onRetry(m) }
 */
export function renderMessages(ordered, ctx) {
  const list = $('messages');
  const existing = new Map([...list.children].map((li) => [li.dataset.key, li]));
  let previous = null;
  for (const m of ordered) {
    const signature = `${m.rev}|${m.status}|${ctx.editingKey === m.key}|${ctx.confirmingDeleteKey === m.key}`;
    let li = existing.get(m.key);
    existing.delete(m.key);
    if (!li || li.dataset.signature !== signature) {
      const fresh = messageElement(m, ctx);
      fresh.dataset.signature = signature;
      if (li) li.replaceWith(fresh);
      li = fresh;
    }
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (li !== expected) list.insertBefore(li, expected);
    previous = li;
  }
  for (const li of existing.values()) li.remove();
  $('empty-chat').hidden = ordered.length > 0;
}

export function setOlderButton(visible, loading) {
  const button = $('load-older');
  button.hidden = !visible;
  button.disabled = loading;
  button.textContent = loading ? 'Loading older messages…' : 'Load older messages';
}

function messageElement(m, ctx) {
  const mine = m.senderId === ctx.me;
  const classes = ['message', mine ? 'mine' : 'theirs', m.status, m.deleted ? 'deleted' : ''];
  const li = el('li', { class: classes.filter(Boolean).join(' ') });
  li.dataset.key = m.key;
  if (m.messageId) li.dataset.messageId = m.messageId;

  li.append(
    el(
      'div',
      { class: 'meta' },
      el('span', { class: 'sender' }, m.senderId),
      el('time', { datetime: m.createdAt }, formatTime(m.createdAt)),
      m.editedAt && !m.deleted ? el('span', { class: 'edited' }, '(edited)') : null,
      m.status === 'pending' ? el('span', { class: 'state' }, m.files?.length ? 'Uploading…' : 'Sending…') : null,
      m.status === 'failed' ? el('span', { class: 'state failed-text' }, `Not sent: ${m.error}`) : null,
    ),
  );

  if (m.deleted) {
    li.append(el('p', { class: 'content' }, 'This message was deleted.'));
    return li;
  }

  if (ctx.editingKey === m.key) {
    li.append(editForm(m, ctx));
  } else if (m.content) {
    li.append(el('p', { class: 'content' }, m.content));
  }

  const attachments = m.status === 'sent' || !m.files?.length ? m.attachments : m.files;
  if (attachments?.length) {
    li.append(el('div', { class: 'attachments' }, attachments.map((a) => ctx.attachment(a, m))));
  }

  if (m.reactions.size) {
    li.append(
      el(
        'div',
        { class: 'reactions', 'aria-label': 'Reactions' },
        [...m.reactions].map(([emoji, users]) => {
          const mineReacted = users.has(ctx.me);
          return el(
            'button',
            {
              type: 'button',
              class: 'reaction',
              'aria-pressed': mineReacted ? 'true' : 'false',
              title: [...users].join(', '),
              'aria-label': `${emoji} ${users.size}, ${mineReacted ? 'remove your reaction' : 'react'}`,
              onclick: () => ctx.onReact(m, emoji),
            },
            `${emoji} ${users.size}`,
          );
        }),
      ),
    );
  }

  li.append(actions(m, mine, ctx));
  return li;
}

function actions(m, mine, ctx) {
  const bar = el('div', { class: 'actions' });
  if (m.status === 'failed') {
    bar.append(el('button', { type: 'button', onclick: () => ctx.onRetry(m) }, 'Retry'));
    return bar;
  }
  if (m.status !== 'sent') return bar;
  for (const emoji of QUICK_REACTIONS) {
    bar.append(
      el(
        'button',
        {
          type: 'button',
          class: 'quick-reaction',
          'aria-label': `React with ${emoji}`,
          onclick: () => ctx.onReact(m, emoji),
        },
        emoji,
      ),
    );
  }
  if (mine && ctx.editingKey !== m.key) {
    bar.append(el('button', { type: 'button', class: 'link', onclick: () => ctx.onEdit(m) }, 'Edit'));
    if (ctx.confirmingDeleteKey === m.key) {
      bar.append(
        el('button', { type: 'button', class: 'danger', onclick: () => ctx.onConfirmDelete(m) }, 'Confirm delete'),
        el('button', { type: 'button', class: 'link', onclick: () => ctx.onCancelEdit() }, 'Keep'),
      );
    } else {
      bar.append(el('button', { type: 'button', class: 'link', onclick: () => ctx.onDelete(m) }, 'Delete'));
    }
  }
  return bar;
}

function editForm(m, ctx) {
  const id = `edit-${m.key.replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const input = el('textarea', { id, rows: 2, maxlength: 4000 });
  input.value = m.content || '';
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') ctx.onCancelEdit();
  });
  const form = el(
    'form',
    {
      class: 'edit-form',
      onsubmit: (e) => {
        e.preventDefault();
        ctx.onSaveEdit(m, input.value);
      },
    },
    el('label', { for: id, class: 'visually-hidden' }, 'Edit message'),
    input,
    el('button', { type: 'submit' }, 'Save'),
    el('button', { type: 'button', class: 'link', onclick: () => ctx.onCancelEdit() }, 'Cancel'),
  );
  queueMicrotask(() => input.focus());
  return form;
}
