// REST calls of the page. Every call except the development sign-in carries the bearer token; the
// token never goes into a URL and never to another origin.

/** A refused or failed request, with the server's error code when it sent one. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const HISTORY_PAGE_SIZE = 30;

export class Api {
  constructor(getToken) {
    this.getToken = getToken;
  }

  /** POST /api/dev/tokens: a development token for any user id (development servers only). */
  static async devToken(userId) {
    const response = await request('api/dev/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    if (response.status === 404) {
      throw new ApiError(404, 'NOT_FOUND', 'Development sign-in is not enabled on this server.');
    }
    return readJson(response);
  }

  async wsTicket() {
    return readJson(await this.call('api/ws-tickets', { method: 'POST' }));
  }

  async chats() {
    return readJson(await this.call('api/chats'));
  }

  async createChat(name, memberIds) {
    return readJson(
      await this.call('api/chats', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, memberIds }),
      }),
    );
  }

  /** A page of history, newest first; {@code before} is the previous page's nextBefore. */
  async history(chatId, before) {
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE_SIZE) });
    if (before) query.set('before', before);
    return readJson(
      await this.call(`api/chats/${encodeURIComponent(chatId)}/messages?${query}`),
    );
  }

  async upload(file) {
    const form = new FormData();
    form.append('file', file, file.name);
    return readJson(await this.call('api/attachments', { method: 'POST', body: form }));
  }

  /**
   * The bytes behind an attachment URL. Same-origin URLs are fetched with the token; any other URL
   * would leak it, so it is refused here and the caller links to it instead.
   */
  async attachmentBlob(url) {
    if (!isSameOrigin(url)) {
      throw new ApiError(0, 'BAD_REQUEST', 'not an attachment of this server');
    }
    const response = await this.call(new URL(url, document.baseURI).href);
    if (!response.ok) await readJson(response);
    return response.blob();
  }

  async call(path, init = {}) {
    const headers = new Headers(init.headers || {});
    headers.set('Authorization', `Bearer ${this.getToken()}`);
    return request(path, { ...init, headers });
  }
}

export function isSameOrigin(url) {
  try {
    return new URL(url, document.baseURI).origin === location.origin;
  } catch {
    return false;
  }
}

async function request(path, init) {
  try {
    return await fetch(path, { ...init, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached.');
  }
}

async function readJson(response) {
  let body = null;
  const text = await response.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const code = body && typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
    const message =
      body && typeof body.message === 'string' ? body.message : response.statusText || 'failed';
    throw new ApiError(response.status, code, message);
  }
  return body;
}
