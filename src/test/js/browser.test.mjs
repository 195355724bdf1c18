// The web chat in a real headless Chromium: two pages on two nodes sharing one Redis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startRedis, startNode, waitFor } from './harness.mjs';

const CHROMIUM = process.env.ROOMCAST_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.ROOMCAST_SCREENSHOTS || 'target/browser-screenshots';

async function openChat(browser, node, name) {
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
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

    await say(alice, '<b>not bold</b> & <script>alert(1)</script>');
    await bob.waitForFunction(() => document.querySelectorAll('[data-testid=messages] .msg').length === 1);
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
