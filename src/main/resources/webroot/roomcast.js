// Roomcast client library: protocol v1 over WebSocket, with reconnects that resume without loss.
// An ES module with no dependencies; works in browsers and in Node (pass a WebSocket implementation).
//
//   const chat = new RoomcastClient({ url: 'wss://chat.example.com/ws', user: 'ann' });
//   chat.on('message', (m) => console.log(m.user, m.text));
//   await chat.connect();
//   await chat.join('lobby');
//   await chat.send('lobby', 'hello');

const RECONNECT_AT_ONCE = new Set([1001, 1012, 4008]);
// the client sent something the server cannot take (too large, not UTF-8, not WebSocket): reconnecting would not help
const STOP = new Map([[1009, 'too_large'], [1007, 'invalid_data'], [1002, 'protocol_error']]);

export class RoomcastError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export class RoomcastClient {
  /**
   * @param {object} options
   * @param {string} options.url the server's /ws URL (ws:// or wss://)
   * @param {string} [options.user] anonymous mode: the user name
   * @param {string} [options.token] JWT mode: the token
   * @param {function(): Promise<string>} [options.tokenProvider] called for a fresh token after close 4001
   * @param {function} [options.WebSocket] a WebSocket implementation (default: the global one)
   * @param {number} [options.requestTimeoutMs] how long a request waits for its reply (default 10000)
   * @param {number} [options.heartbeatIntervalMs] a protocol ping this often while connected (default 25000; 0: off)
   * @param {number} [options.heartbeatTimeoutMs] no pong within this: the connection is dead, replace it (10000)
   * @param {number} [options.minBackoffMs] first reconnect delay (default 250)
   * @param {number} [options.maxBackoffMs] longest reconnect delay (default 15000)
   */
  constructor(options) {
    this.options = { requestTimeoutMs: 10000, minBackoffMs: 250, maxBackoffMs: 15000, heartbeatIntervalMs: 25000,
      heartbeatTimeoutMs: 10000, ...options };
    this.WebSocket = options.WebSocket || globalThis.WebSocket;
    this.handlers = new Map();
    this.pending = new Map(); // ref -> { resolve, reject, timer }
    // room -> where to resume it: the last message id seen, or before any the position joined.last gave (null from a
    // server without the position extension, before a message was seen)
    this.rooms = new Map();
    this.unsent = new Map(); // idempotency key -> { room, text, resolve, reject }
    this.nextRef = 1;
    this.attempt = 0;
    this.state = 'offline';
    this.user = null;
    this.closedByUser = false;
    this.paused = false;
  }

  /**
   * Registers a handler for an event type: message, presence, typing, room, error, state (connecting, connected,
   * reconnecting, paused, offline), welcome, resumed ({room, recovered, members} after a rejoin), reconnect ({code, delay}).
   */
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type).delete(handler);
  }

  emit(type, payload) {
    for (const h of this.handlers.get(type) || []) {
      try { h(payload); } catch (e) { setTimeout(() => { throw e; }); }
    }
  }

  setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.emit('state', state);
    }
  }

  /** Opens the connection; resolves with the welcome frame. Reconnects by itself afterwards. */
  connect() {
    this.closedByUser = false;
    return new Promise((resolve, reject) => {
      this.welcomed = { resolve, reject };
      this.open();
    });
  }

  open() {
    const url = new URL(this.options.url);
    if (this.options.token) url.searchParams.set('token', this.options.token);
    else if (this.options.user) url.searchParams.set('user', this.options.user);
    this.setState(this.attempt === 0 && this.user === null ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new this.WebSocket(url.toString());
    } catch (e) {
      this.scheduleReconnect(1006);
      return;
    }
    this.ws = ws;
    this.url = url;
    ws.opened = false;
    ws.onopen = () => { ws.opened = true; };
    ws.onmessage = (e) => this.onFrame(JSON.parse(typeof e.data === 'string' ? e.data : e.data.toString()));
    ws.onclose = (e) => (ws.opened || e.code !== 1006 ? this.onClose(ws, e.code, e.reason) : this.refused(ws));
    ws.onerror = () => {};
  }

  async onFrame(frame) {
    const pending = frame.ref && this.pending.get(frame.ref);
    if (pending) {
      this.pending.delete(frame.ref);
      clearTimeout(pending.timer);
      // the room's resume point is taken here, before any later frame: its messages may follow in the same read
      if (frame.type === 'joined') this.rooms.set(frame.room, frame.last ?? this.rooms.get(frame.room) ?? null);
      if (frame.type === 'error') pending.reject(new RoomcastError(frame.code, frame.message));
      else pending.resolve(frame);
      return;
    }
    switch (frame.type) {
      case 'welcome':
        this.user = frame.user;
        this.attempt = 0;
        this.setState('connected');
        this.startHeartbeat();
        this.emit('welcome', frame);
        if (this.welcomed) { this.welcomed.resolve(frame); this.welcomed = null; }
        await this.rejoin();
        break;
      case 'message': {
        const last = this.rooms.get(frame.room);
        // ids increase per room: anything not newer than the last one seen was already delivered
        if (this.rooms.has(frame.room) && last && compareIds(frame.id, last) <= 0) return;
        if (this.rooms.has(frame.room)) this.rooms.set(frame.room, frame.id);
        this.emit('message', frame);
        break;
      }
      default:
        this.emit(frame.type, frame);
    }
  }

  /** After a reconnect: rejoin every room from where it was left, then retry the sends not acknowledged yet. */
  async rejoin() {
    for (const [room, since] of this.rooms) {
      try {
        const joined = await this.request(since ? { type: 'join', room, since } : { type: 'join', room });
        this.emit('resumed', { room, recovered: joined.recovered, members: joined.members });
      } catch (e) {
        this.emit('error', e);
      }
    }
    for (const [key, s] of this.unsent) this.trySend(key, s);
  }

  /**
   * A protocol ping every heartbeatIntervalMs: a connection that stops answering (a half-open TCP connection after a
   * network change, a frozen server) is given up and replaced instead of waiting for the operating system's timeout.
   */
  startHeartbeat() {
    clearInterval(this.heartbeat);
    if (!this.options.heartbeatIntervalMs) return;
    const ws = this.ws;
    this.heartbeat = setInterval(() => {
      if (ws !== this.ws) return;
      this.request({ type: 'ping' }, this.options.heartbeatTimeoutMs).catch((e) => {
        if (e.code === 'timeout' && ws === this.ws) {
          try { ws.close(4000, 'no pong'); } catch { /* already closing */ }
          this.onClose(ws, 1006, 'no pong'); // do not wait for a close handshake the dead link will not finish
        }
      });
    }, this.options.heartbeatIntervalMs);
    if (this.heartbeat && this.heartbeat.unref) this.heartbeat.unref(); // in Node, it does not keep a process alive
  }

  onClose(ws, code, reason) {
    if (ws !== this.ws) return;
    this.ws = null;
    clearInterval(this.heartbeat);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RoomcastError('closed', 'connection closed'));
    }
    this.pending.clear();
    if (this.closedByUser) { this.setState('offline'); return; }
    if (this.paused) return;
    if (STOP.has(code)) {
      const error = STOP.get(code);
      this.setState('offline');
      this.emit('error', new RoomcastError(error, reason || error));
      if (this.welcomed) { this.welcomed.reject(new RoomcastError(error, 'closed')); this.welcomed = null; }
      return;
    }
    this.scheduleReconnect(code);
  }

  /**
   * The upgrade failed before the socket opened. A browser cannot read why, so the same URL is asked again as a plain
   * GET with check=1, which runs the server's checks and answers their refusal: a 403 (the token, the Origin, or the
   * application's connect hook refused; its reason is the message) or a 400 stops reconnecting, a 401 renews the token;
   * anything else (429, 503, no answer) is retried later.
   */
  async refused(ws) {
    if (ws !== this.ws) return;
    let status = 0;
    let message = '';
    if (typeof fetch === 'function') {
      try {
        const check = new URL(this.url.toString());
        check.protocol = check.protocol === 'wss:' ? 'https:' : 'http:';
        check.searchParams.set('check', '1');
        const res = await fetch(check.toString(), { headers: { accept: 'application/json' } });
        status = res.status;
        message = (await res.json().catch(() => ({}))).message || '';
      } catch (e) {
        status = 0;
      }
    }
    if (ws !== this.ws || this.closedByUser || this.paused) {
      if (ws === this.ws && this.closedByUser) { this.ws = null; this.setState('offline'); }
      return;
    }
    if (status === 403 || status === 400 || (status === 401 && !this.options.tokenProvider)) {
      this.ws = null;
      const code = status === 403 ? 'forbidden_upgrade' : status === 400 ? 'bad_upgrade' : 'unauthorized';
      this.setState('offline');
      const error = new RoomcastError(code, message || `the upgrade was refused with ${status}`);
      this.emit('error', error);
      if (this.welcomed) { this.welcomed.reject(error); this.welcomed = null; }
      return;
    }
    this.onClose(ws, status === 401 ? 4001 : 1006, '');
  }

  async scheduleReconnect(code) {
    this.setState('reconnecting');
    if (code === 4001 && this.options.tokenProvider) {
      try { this.options.token = await this.options.tokenProvider(); } catch (e) { this.emit('error', e); }
    }
    let delay;
    if (RECONNECT_AT_ONCE.has(code)) {
      delay = Math.random() * 200; // restarts and drains: go at once, with a little jitter against storms
    } else if (code === 4029) {
      delay = 30000 + Math.random() * 30000; // the rate limit was abused: back off
    } else {
      const cap = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** this.attempt);
      delay = Math.random() * cap; // full jitter
    }
    this.attempt++;
    this.emit('reconnect', { code, delay });
    this.reconnectTimer = setTimeout(() => { if (!this.closedByUser && !this.paused) this.open(); }, delay);
  }

  /** Sends a request and resolves with its reply (rejects with a RoomcastError for an error reply or a timeout). */
  request(frame, timeoutMs = this.options.requestTimeoutMs) {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== 1) {
        reject(new RoomcastError('offline', 'not connected'));
        return;
      }
      const ref = String(this.nextRef++);
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new RoomcastError('timeout', `no reply to ${frame.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...frame, ref }));
    });
  }

  create(room) { return this.request({ type: 'create', room }); }
  listRooms() { return this.request({ type: 'rooms' }).then((r) => r.rooms); }
  members(room) { return this.request({ type: 'members', room }).then((r) => r.users); }
  history(room, { before, limit } = {}) {
    const frame = { type: 'history', room };
    if (before) frame.before = before;
    if (limit) frame.limit = limit;
    return this.request(frame).then((r) => r.messages);
  }
  ping() { return this.request({ type: 'ping' }); }

  /**
   * Joins a room; after a reconnect it is rejoined from the last message id seen, or from the position the join gave
   * (joined.last) while none was seen, so nothing sent meanwhile is missed.
   */
  join(room) {
    return this.request({ type: 'join', room });
  }

  async leave(room) {
    const reply = await this.request({ type: 'leave', room });
    this.rooms.delete(room);
    return reply;
  }

  typing(room) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify({ type: 'typing', room }));
  }

  /**
   * Sends a message; resolves with its id once stored. A send caught by a disconnect is retried after the
   * reconnect with the same idempotency key, so it is stored once.
   */
  send(room, text) {
    const key = randomKey();
    return new Promise((resolve, reject) => {
      const s = { room, text, resolve, reject };
      this.unsent.set(key, s);
      this.trySend(key, s);
    });
  }

  trySend(key, s) {
    this.request({ type: 'send', room: s.room, text: s.text, key }).then((reply) => {
      this.unsent.delete(key);
      s.resolve(reply.id);
    }, (e) => {
      if (['closed', 'offline'].includes(e.code)) return; // retried after the reconnect
      // the server could not store it now (Redis down or failing over) or did not answer in time: try again on this
      // connection with the same key, so it is stored once however many tries reach the server
      if (['timeout', 'unavailable', 'rate_limited'].includes(e.code)) { this.retryLater(key, s); return; }
      this.unsent.delete(key);
      s.reject(e);
    });
  }

  /** Retries a send with jittered exponential backoff (0.25 s doubling to 5 s) while the connection stays open. */
  retryLater(key, s) {
    s.tries = (s.tries || 0) + 1;
    const delay = Math.min(5000, 250 * 2 ** s.tries) * (0.5 + Math.random() / 2);
    setTimeout(() => {
      if (this.unsent.has(key) && this.ws && this.ws.readyState === 1) this.trySend(key, s);
    }, delay);
  }

  /**
   * Closes the connection cleanly and stays disconnected (an app going to the background), keeping the joined rooms,
   * the last ids seen and the sends not acknowledged yet; resume() reconnects and catches up without loss.
   */
  pause() {
    if (this.closedByUser || this.paused) return;
    this.paused = true;
    clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    if (ws) {
      this.onClose(ws, 1000, 'paused'); // pending requests fail with 'closed'; sends stay queued
      ws.close(1000, 'paused');
    }
    this.setState('paused');
  }

  /** Reconnects after pause(): every room is rejoined from its last id and the queued sends go out. */
  resume() {
    if (!this.paused || this.closedByUser) return;
    this.paused = false;
    this.attempt = 0;
    this.open();
  }

  /** Closes for good (no reconnect). */
  close() {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    if (this.ws) this.ws.close(1000);
    this.setState('offline');
  }
}

/** Message ids are "<ms>-<seq>": compared numerically. */
export function compareIds(a, b) {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

function randomKey() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}
