// The WebSocket connection: a fresh one-time ticket for every (re)connect, reconnection with
// exponential back-off and jitter, and a status for the page to show. What to do once connected
// (join, resume, resend) is the caller's job, through onOpen.

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30000;
/** A connection that stayed open this long counts as healthy: the back-off starts over. */
export const STABLE_AFTER_MS = 5000;

/**
 * The wait before reconnect attempt {@code attempt} (0-based): the exponential step, capped, of
 * which the upper half is random, so that many clients cut off together do not come back together.
 */
export function backoffDelay(attempt, random = Math.random) {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(step / 2 + random() * (step / 2));
}

export function socketUrl(ticket, loc = location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/messenger?ticket=${encodeURIComponent(ticket)}`;
}

export class Socket {
  /**
   * @param ticket async () => ticket string; throws an error with status 401 when the sign-in expired
   * @param handlers { onEvent(event, data), onOpen(), onStatus(status, detail), onAuthLost(error) }
   */
  constructor(ticket, handlers) {
    this.ticket = ticket;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.stableTimer = null;
    this.stopped = true;
    this.fetchingTicket = false;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.drop('offline');
  }

  start() {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.timer);
    clearTimeout(this.stableTimer);
    if (this.ws) this.ws.close(1000, 'signed out');
    this.ws = null;
  }

  isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends one frame; false when not connected (the caller keeps it for after the reconnect). */
  send(event, data) {
    if (!this.isOpen()) return false;
    this.ws.send(JSON.stringify({ event, data }));
    return true;
  }

  async connect() {
    clearTimeout(this.timer);
    if (this.stopped || this.ws || this.fetchingTicket) return;
    if (!navigator.onLine) {
      this.handlers.onStatus('offline');
      return; // the online event brings us back
    }
    this.handlers.onStatus('connecting');
    let ticket;
    this.fetchingTicket = true;
    try {
      ticket = await this.ticket();
    } catch (e) {
      if (e.status === 401) {
        this.handlers.onAuthLost(e);
        return;
      }
      this.scheduleReconnect();
      return;
    } finally {
      this.fetchingTicket = false;
    }
    if (this.stopped || this.ws) return;
    const ws = new WebSocket(socketUrl(ticket));
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.handlers.onStatus('connected');
      this.stableTimer = setTimeout(() => (this.attempt = 0), STABLE_AFTER_MS);
      this.handlers.onOpen();
    };
    ws.onmessage = (e) => {
      if (ws !== this.ws) return;
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      if (frame && typeof frame.event === 'string') this.handlers.onEvent(frame.event, frame.data || {});
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      clearTimeout(this.stableTimer);
      if (!this.stopped) this.scheduleReconnect();
    };
  }

  scheduleReconnect() {
    if (this.stopped) return;
    if (!navigator.onLine) {
      this.handlers.onStatus('offline');
      return;
    }
    const delay = backoffDelay(this.attempt++);
    this.handlers.onStatus('reconnecting', delay);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Closes the current socket as if the network had dropped it; reconnects with back-off. */
  drop(reason) {
    const ws = this.ws;
    if (!ws) {
      if (reason === 'offline') this.handlers.onStatus('offline');
      return;
    }
    this.ws = null;
    clearTimeout(this.stableTimer);
    ws.close(4000, reason);
    if (reason === 'offline') this.handlers.onStatus('offline');
    else this.scheduleReconnect();
  }

  reconnectNow() {
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.connect();
  }
}
