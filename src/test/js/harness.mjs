// Starts real processes for the JS tests: redis-server and chat-server jars on free ports.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const JAR = process.env.ROOMCAST_JAR;
export const JAVA = process.env.ROOMCAST_JAVA || 'java';

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try { if (await check()) return; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-js-redis-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir], { stdio: 'ignore' });
  await waitFor('redis', () => new Promise((resolve) => {
    const s = require_net().connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  }));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => proc.kill('SIGKILL'),
    freeze: () => proc.kill('SIGSTOP'),
    thaw: () => proc.kill('SIGCONT'),
  };
}

let netModule;
function require_net() { return netModule; }
netModule = await import('node:net');

/** A chat node (the fat jar); restartable on the same port. */
export async function startNode(env = {}) {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-js-node-'));
  const node = { port, url: `ws://127.0.0.1:${port}/ws`, http: `http://127.0.0.1:${port}` };
  node.start = async () => {
    const log = openSync(join(dir, 'server.log'), 'a');
    node.proc = spawn(JAVA, ['-jar', JAR], {
      cwd: dir, stdio: ['ignore', log, log],
      env: { ...process.env, ...env, PORT: String(port), CHAT_GATEWAY_INSTANCES: '1' },
    });
    await waitFor('node on ' + port, async () => (await fetch(node.http + '/health/ready')).status === 200);
  };
  node.stop = () => new Promise((resolve) => {
    if (!node.proc || node.proc.exitCode !== null) { resolve(); return; }
    node.proc.on('exit', resolve);
    node.proc.kill('SIGTERM');
  });
  node.kill = () => node.proc && node.proc.kill('SIGKILL');
  await node.start();
  return node;
}

export async function post(node, room, text, user = 'svc') {
  const r = await fetch(`${node.http}/api/rooms/${room}/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, user }),
  });
  if (r.status !== 201) throw new Error('post failed: ' + r.status);
  return (await r.json()).id;
}

/**
 * The application's backend for the hook tests: answers each hook call with what answer(path, body) returns, and
 * gives the settings that point a node's hooks at it (signed with a test secret).
 */
export async function startHookBackend(answer) {
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(req.url, JSON.parse(body))));
    });
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = (path) => `http://127.0.0.1:${port}${path}`;
  return {
    env: {
      CHAT_WEBHOOK_SECRET: 'whsec_' + Buffer.from('a-test-key-of-sixteen-bytes-or-more').toString('base64'),
      CHAT_HOOK_CONNECT_URL: url('/connect'), CHAT_HOOK_JOIN_URL: url('/join'), CHAT_HOOK_SEND_URL: url('/send'),
    },
    stop: () => server.close(),
  };
}
