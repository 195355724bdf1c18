// The web chat in a real headless Chromium: two pages on two nodes sharing one Redis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startRedis, startNode, waitFor, startHookBackend } from './harness.mjs';

const CHROMIUM = process.env.ROOMCAST_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.ROOMCAST_SCREENSHOTS || 'target/browser-screenshots';

async function openChat(browser, node, name) {
  // Playwright's waitForFunction evaluates in the page: allowed past the page's CSP (which forbids eval) for the test only
  const page = await browser.newPage({ viewport: { width: 390, height: 800 }, bypassCSP: true });
  await page.goto(node.http + '/');
  await page.fill('[data-testid=name]', name);
  await page.click('[data-testid=connect]');
  await page.waitForSelector('[data-testid=status].connected');
  await page.fill('[data-testid=room-input]', 'e2e');
  await page.click('[data-testid=join]');
  await page.waitForSelector('#rooms li.current');
  return page;
}

async function say(page, text) {
  await page.fill('[data-testid=message-input]', text);
  await page.click('[data-testid=send]');
}

const texts = (page) => page.$$eval('[data-testid=messages] .msg .text', (els) => els.map((e) => e.textContent));
const ids = (page) => page.$$eval('[data-testid=messages] .msg', (els) => els.map((e) => e.dataset.id));

test('two pages on two nodes chat; presence, typing, literal HTML, and a node restart lose nothing', async () => {
  const redis = await startRedis();
  const a = await startNode({ REDIS_URL: redis.url, CHAT_NODE_ID: 'web-a' });
  const b = await startNode({ REDIS_URL: redis.url, CHAT_NODE_ID: 'web-b', CHAT_DRAIN_SECONDS: '1' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const pages = [];
  try {
    const alice = await openChat(browser, a, 'alice');
    const bob = await openChat(browser, b, 'bob');
    pages.push(alice, bob);

    await alice.waitForFunction(() => [...document.querySelectorAll('[data-testid=members] li')]
      .some((li) => li.textContent === 'bob'));
    await bob.type('[data-testid=message-input]', 'x');
    await alice.waitForFunction(() => document.querySelector('[data-testid=typing]').textContent.includes('bob'));
    await bob.fill('[data-testid=message-input]', '');

    await alice.type('[data-testid=message-input]', 'y');
    await bob.waitForFunction(() => document.querySelector('[data-testid=typing]').textContent.includes('alice'));
    await say(alice, '<b>not bold</b> & <script>alert(1)</script>');
    await bob.waitForFunction(() => document.querySelectorAll('[data-testid=messages] .msg').length === 1);
    assert.equal(await bob.textContent('[data-testid=typing]'), '', 'alice\'s message ends "alice is typing"');
    assert.deepEqual(await texts(bob), ['<b>not bold</b> & <script>alert(1)</script>']);
    assert.equal(await bob.$$eval('[data-testid=messages] b, [data-testid=messages] script', (e) => e.length), 0);

    await b.stop();  // SIGTERM: bob's page is closed with 1012 and reconnects by itself
    await bob.waitForSelector('[data-testid=status]:not(.connected)');
    for (let i = 1; i <= 3; i++) await say(alice, 'while bob is away ' + i);
    await alice.waitForFunction(() => document.querySelectorAll('[data-testid=messages] .msg').length === 4);
    await b.start();
    await bob.waitForSelector('[data-testid=status].connected', { timeout: 30000 });
    await bob.waitForFunction(() => document.querySelectorAll('[data-testid=messages] .msg').length >= 4,
      null, { timeout: 30000 });
    assert.deepEqual(await texts(bob), ['<b>not bold</b> & <script>alert(1)</script>', 'while bob is away 1',
      'while bob is away 2', 'while bob is away 3']);
    assert.deepEqual(await ids(bob), await ids(alice), 'the same messages, once each, in order');

    await say(bob, 'back');
    await alice.waitForFunction(() => [...document.querySelectorAll('[data-testid=messages] .msg .text')]
      .some((e) => e.textContent === 'back'));
  } catch (e) {
    mkdirSync(SHOTS, { recursive: true });
    for (const [i, p] of pages.entries()) await p.screenshot({ path: `${SHOTS}/page-${i}.png` }).catch(() => {});
    throw e;
  } finally {
    await browser.close();
    await a.stop();
    await b.stop();
    redis.stop();
  }
});

test('the page runs under its own Content-Security-Policy: it connects and chats with no violation', async () => {
  const node = await startNode({ CHAT_NODE_ID: 'web-csp' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    const violations = [];
    page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text()); });
    page.on('pageerror', (e) => violations.push(String(e)));
    await page.goto(node.http + '/');
    await page.fill('[data-testid=name]', 'carol');
    await page.click('[data-testid=connect]');
    await page.waitForSelector('[data-testid=status].connected');
    await page.fill('[data-testid=room-input]', 'csp');
    await page.click('[data-testid=join]');
    await page.waitForSelector('#rooms li.current');
    await page.fill('[data-testid=message-input]', 'under CSP');
    await page.click('[data-testid=send]');
    await page.waitForSelector('[data-testid=messages] .msg');
    assert.equal(await page.textContent('[data-testid=messages] .msg .text'), 'under CSP');
    assert.deepEqual(violations, []);
  } finally {
    await browser.close();
    await node.stop();
  }
});

test("the page shows the application's reasons: a refused connection, a refused join, a replaced text", async () => {
  const backend = await startHookBackend((path, call) => {
    if (path === '/connect' && call.user === 'mallory') return { allow: false, reason: 'mallory is suspended' };
    if (path === '/join' && call.room === 'vip') return { allow: false, reason: 'members only' };
    if (path === '/send') return { allow: true, text: call.text.replace('darn', '****') };
    return { allow: true };
  });
  const node = await startNode({ ...backend.env, CHAT_NODE_ID: 'web-hooks' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const refused = await browser.newPage({ bypassCSP: true });
    await refused.goto(node.http + '/');
    await refused.fill('[data-testid=name]', 'mallory');
    await refused.click('[data-testid=connect]');
    await refused.waitForFunction(() => document.querySelector('#error').textContent === 'mallory is suspended');
    assert.notEqual(await refused.getAttribute('[data-testid=status]', 'class'), 'connected');

    const ann = await openChat(browser, node, 'ann');
    await say(ann, 'oh darn');
    await ann.waitForSelector('[data-testid=messages] .msg');
    assert.deepEqual(await texts(ann), ['oh ****']);
    await ann.fill('[data-testid=room-input]', 'vip');
    await ann.click('[data-testid=join]');
    await ann.waitForFunction(() => document.querySelector('#error').textContent === 'members only');
  } finally {
    await browser.close();
    await node.stop();
    backend.stop();
  }
});
