// The client library in Node: reconnect and resume against real nodes, close-code handling, request timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { RoomcastClient } from '../../main/resources/webroot/roomcast.js';
import { startRedis, startNode, post, waitFor, freePort, startHookBackend } from './harness.mjs';

test('resumes after its node restarts: every message sent meanwhile arrives once, in order', async () => {
  const redis = await startRedis();
  const a = await startNode({ REDIS_URL: redis.url, CHAT_DRAIN_SECONDS: '1', CHAT_NODE_ID: 'js-a' });
  const b = await startNode({ REDIS_URL: redis.url, CHAT_NODE_ID: 'js-b' });
  const chat = new RoomcastClient({ url: a.url, user: 'nora', WebSocket, minBackoffMs: 100, maxBackoffMs: 500 });
  const seen = [];
  chat.on('message', (m) => seen.push(m.id));
  try {
    await chat.connect();
    await chat.join('js-room');
    const first = await chat.send('js-room', 'before');
    await waitFor('own message', () => seen.includes(first));
    await a.stop();                                   // SIGTERM: drain, close 1012
    await waitFor('client notices', () => chat.state !== 'connected');
    const missed = [];
    for (let i = 0; i < 5; i++) missed.push(await post(b, 'js-room', 'while away ' + i));
    const queued = chat.send('js-room', 'sent while offline');  // retried with its key after the reconnect
    await a.start();                                  // same port: the client reconnects by itself
    const queuedId = await queued;
    await waitFor('resumed', () => seen.length === 7, 30000);
    assert.deepEqual(seen.slice(0, 6), [first, ...missed]);
    assert.equal(seen[6], queuedId);
    const live = await chat.send('js-room', 'after');
    await waitFor('live again', () => seen.includes(live));
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
  } finally {
    chat.close();
    await a.stop();
    await b.stop();
    redis.stop();
  }
});

test('resumes a room where it had seen no message yet: what was sent while it reconnected arrives, recovered', async () => {
  const redis = await startRedis();
  const a = await startNode({ REDIS_URL: redis.url, CHAT_DRAIN_SECONDS: '1', CHAT_NODE_ID: 'js-a' });
  const b = await startNode({ REDIS_URL: redis.url, CHAT_NODE_ID: 'js-b' });
  const chat = new RoomcastClient({ url: a.url, user: 'quiet', WebSocket, minBackoffMs: 100, maxBackoffMs: 500 });
  const seen = [];
  const resumed = [];
  chat.on('message', (m) => seen.push(m.text));
  chat.on('resumed', (r) => resumed.push(r));
  try {
    const welcome = await chat.connect();
    assert.ok(welcome.features.includes('position'), 'the server speaks the position extension');
    const joined = await chat.join('js-fresh');       // nobody has said anything here yet
    assert.ok(joined.last, 'joined carries the position');
    await a.stop();
    await waitFor('client notices', () => chat.state !== 'connected');
    await post(b, 'js-fresh', 'line 1');
    await a.start();
    await waitFor('resumed', () => resumed.length === 1, 30000);
    assert.equal(resumed[0].recovered, true, 'the rejoin named the join position and recovered');
    await waitFor('line 1', () => seen.includes('line 1'));
    await post(b, 'js-fresh', 'line 2');
    await waitFor('line 2', () => seen.includes('line 2'));
    assert.deepEqual(seen, ['line 1', 'line 2']);
  } finally {
    chat.close();
    await a.stop();
    await b.stop();
    redis.stop();
  }
});

/** A fake server that closes every connection with the given code right after the welcome. */
async function closingServer(code) {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.send(JSON.stringify({ type: 'welcome', user: 'u', session: 's', node: 'fake', protocol: 1 }));
    setTimeout(() => ws.close(code, 'test'), 20);
  });
  return { url: `ws://127.0.0.1:${port}/ws`, connections: () => connections, close: () => wss.close() };
}

test('close codes: 1012, 1001, 4008 reconnect at once, 4029 backs off, 1009, 1007, 1002 do not retry, 4001 asks for a token', async () => {
  for (const [code, expect] of [[1012, 'soon'], [1001, 'soon'], [4008, 'soon'], [4029, 'late'], [1009, 'never'],
    [1007, 'never'], [1002, 'never'], [4001, 'token']]) {
    const server = await closingServer(code);
    let tokenAsked = 0;
    const chat = new RoomcastClient({ url: server.url, user: 'u', WebSocket, minBackoffMs: 100,
      tokenProvider: async () => { tokenAsked++; return 'fresh'; } });
    const plans = [];
    chat.on('reconnect', (r) => plans.push(r));
    try {
      await chat.connect();
      await waitFor('close ' + code, () => chat.state !== 'connected');
      if (expect === 'never') {
        await waitFor('offline', () => chat.state === 'offline');
        assert.equal(server.connections(), 1, `${code}: no second connection`);
        assert.deepEqual(plans, []);
      } else {
        await waitFor('a reconnect plan', () => plans.length > 0);
        assert.equal(plans[0].code, code);
        if (expect === 'soon') assert.ok(plans[0].delay < 250, `${code} reconnects at once (${plans[0].delay})`);
        if (expect === 'late') assert.ok(plans[0].delay >= 30000, `4029 backs off (${plans[0].delay})`);
        if (expect === 'token') assert.ok(tokenAsked >= 1, 'a fresh token was asked for');
      }
    } finally {
      chat.close();
      server.close();
    }
  }
});

test('a request without a reply rejects with a timeout', async () => {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'welcome', user: 'u', session: 's', node: 'n', protocol: 1 })));
  const chat = new RoomcastClient({ url: `ws://127.0.0.1:${port}/ws`, user: 'u', WebSocket, requestTimeoutMs: 200 });
  try {
    await chat.connect();
    await assert.rejects(chat.ping(), (e) => e.code === 'timeout');
  } finally {
    chat.close();
    wss.close();
  }
});

test('a send answered unavailable (Redis frozen) is retried on the open connection and stored once when Redis is back',
  async () => {
    const redis = await startRedis();
    const node = await startNode({ REDIS_URL: redis.url, CHAT_BRIDGE_TIMEOUT_MS: '800',
      CHAT_REDIS_PING_INTERVAL_MS: '300', CHAT_NODE_ID: 'js-frozen' });
    const tries = [];
    class CountingWebSocket extends WebSocket {
      send(data, ...rest) {
        if (JSON.parse(data).type === 'send') tries.push(data);
        return super.send(data, ...rest);
      }
    }
    const chat = new RoomcastClient({ url: node.url, user: 'fay', WebSocket: CountingWebSocket });
    const states = [];
    chat.on('state', (s) => states.push(s));
    try {
      await chat.connect();
      await chat.join('ice');
      redis.freeze();
      await waitFor('the node to be unready', async () => (await fetch(node.http + '/health/ready')).status !== 200);
      let id;
      chat.send('ice', 'through the ice').then((v) => { id = v; });
      await waitFor('a second try while Redis is frozen', () => tries.length >= 2);
      assert.equal(id, undefined, 'not stored while Redis is frozen');
      redis.thaw();
      await waitFor('the send to be stored', () => id !== undefined);
      const keys = new Set(tries.map((t) => JSON.parse(t).key));
      assert.equal(keys.size, 1, 'every try carries the same key');
      const stored = (await chat.history('ice')).filter((m) => m.text === 'through the ice');
      assert.deepEqual(stored.map((m) => m.id), [id], 'stored once');
      assert.ok(!states.includes('reconnecting'), 'the connection stayed open');
    } finally {
      chat.close();
      redis.thaw();
      await node.stop();
      redis.stop();
    }
  });

test('the heartbeat gives up a connection whose server stopped answering, and reconnects', async () => {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  let connections = 0;
  // welcomes, then answers nothing: a half-open connection as far as the client can tell
  wss.on('connection', (ws) => {
    connections++;
    ws.send(JSON.stringify({ type: 'welcome', user: 'u', session: 's', node: 'mute', protocol: 1 }));
  });
  const chat = new RoomcastClient({ url: `ws://127.0.0.1:${port}/ws`, user: 'u', WebSocket, minBackoffMs: 50,
    heartbeatIntervalMs: 100, heartbeatTimeoutMs: 200 });
  const plans = [];
  chat.on('reconnect', (r) => plans.push(r));
  try {
    await chat.connect();
    await waitFor('a reconnect after the missing pong', () => plans.length > 0);
    assert.equal(plans[0].code, 1006);
    await waitFor('a second connection', () => connections >= 2);
  } finally {
    chat.close();
    wss.close();
  }
});

test('pause closes cleanly and resume catches up: messages sent meanwhile arrive once, in order, and a send made '
  + 'while paused is stored once', async () => {
  const node = await startNode({ CHAT_NODE_ID: 'js-pause' });
  const ann = new RoomcastClient({ url: node.url, user: 'pia', WebSocket });
  const bob = new RoomcastClient({ url: node.url, user: 'quin', WebSocket });
  const seen = [];
  const states = [];
  ann.on('message', (m) => seen.push(m.text));
  ann.on('state', (s) => states.push(s));
  try {
    await ann.connect();
    await bob.connect();
    await ann.join('nap');
    await bob.join('nap');
    await bob.send('nap', 'before');
    await waitFor('before', () => seen.includes('before'));
    ann.pause();
    assert.equal(ann.state, 'paused');
    const meanwhile = [];
    for (let i = 0; i < 3; i++) {
      meanwhile.push('while paused ' + i);
      await bob.send('nap', 'while paused ' + i);
    }
    let storedId;
    ann.send('nap', 'typed while paused').then((id) => { storedId = id; });
    ann.resume();
    await waitFor('caught up', () => storedId !== undefined && seen.includes('typed while paused'));
    assert.deepEqual(seen, ['before', ...meanwhile, 'typed while paused']);
    const history = await bob.history('nap', { limit: 50 });
    assert.equal(history.filter((m) => m.id === storedId).length, 1);
    assert.ok(states.includes('paused') && states.at(-1) === 'connected');
  } finally {
    ann.close();
    bob.close();
    await node.stop();
  }
});

test("the application's refusals carry its reason: a connect hook's stops reconnecting, a join hook's fails the join", async () => {
  const backend = await startHookBackend((path, call) => (path === '/connect' && call.user === 'mallory'
    ? { allow: false, reason: 'mallory is suspended' } : path === '/join' ? { allow: false, reason: 'members only' }
      : { allow: true }));
  const node = await startNode(backend.env);
  const mallory = new RoomcastClient({ url: node.url, user: 'mallory', WebSocket, minBackoffMs: 100 });
  const ann = new RoomcastClient({ url: node.url, user: 'ann', WebSocket });
  const errors = [];
  mallory.on('error', (e) => errors.push(e));
  try {
    await assert.rejects(mallory.connect(), (e) => e.code === 'forbidden_upgrade' && e.message === 'mallory is suspended');
    assert.equal(mallory.state, 'offline', 'no reconnect after a refusal');
    assert.equal(errors[0].message, 'mallory is suspended');
    const welcome = await ann.connect();
    assert.ok(welcome.features.includes('hooks'));
    await assert.rejects(ann.join('vip'), (e) => e.code === 'forbidden' && e.message === 'members only');
  } finally {
    mallory.close();
    ann.close();
    await node.stop();
    backend.stop();
  }
});
