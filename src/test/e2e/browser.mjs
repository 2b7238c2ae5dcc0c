// End-to-end scenarios of the web client: two users in two headless Chromium contexts against a
// running server. Started by BrowserIT (mvn verify) with the server URL and prepared data in the
// environment; exits non-zero at the first failed step, after saving screenshots of both pages.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`environment variable ${name} is required`);
  return value;
};

const BASE_URL = env('BASE_URL');
const ALICE = env('ALICE');
const BOB = env('BOB');
const HISTORY_CHAT = env('HISTORY_CHAT_NAME'); // 45 messages h-0 .. h-44, alice and bob are members
const HISTORY_SIZE = Number(env('HISTORY_SIZE', '45'));
const SCREENSHOTS = env('SCREENSHOT_DIR');
const CHROMIUM = env('CHROMIUM_PATH', '/usr/bin/chromium');
const TIMEOUT = 15000;

mkdirSync(SCREENSHOTS, { recursive: true });

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  // Without the background-networking flags Chromium stalls on a closed network.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

const pageErrors = [];
async function newUserPage(label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`  [${label} console] ${m.text()}`);
  });
  return { context, page };
}

const a = await newUserPage('alice');
const b = await newUserPage('bob');

// Bob's sockets pass through Playwright, so that a step can cut one as a failing network would.
let bobSocket = null;
await b.page.routeWebSocket(/\/messenger\?/, (page) => {
  bobSocket = { page, server: page.connectToServer() };
});

let failed = 0;
let passed = 0;
let blocked = false;
/**
 * Runs one scenario step. A failed step is reported and the next ones still run (they do not depend
 * on each other's success), unless it is {@code required} by everything after it.
 */
async function step(name, fn, { required = false } = {}) {
  if (blocked) return;
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    blocked = required;
    console.log(`not ok - ${name}\n${e.stack || e}`);
    const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    await a.page.screenshot({ path: join(SCREENSHOTS, `failure-${slug}-alice.png`) }).catch(() => {});
    await b.page.screenshot({ path: join(SCREENSHOTS, `failure-${slug}-bob.png`) }).catch(() => {});
  }
}

/** Polls until check() returns a truthy value; fails with the description after the timeout. */
async function until(description, check, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${description}`);
}

const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
/** The message list item whose text is exactly {@code text}. */
const message = (page, text) =>
  page.locator('#messages > li', { has: page.locator('.content', { hasText: exact(text) }) });
const contents = (page) => page.locator('#messages > li .content').allTextContents();

async function signIn(page, user) {
  await page.goto(BASE_URL);
  await page.getByLabel('User id').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const refusal = await until('signed in and connected, or refused', async () => {
    const error = await page.locator('#sign-in-error').textContent();
    if (error) return error;
    return (await page.locator('#connection-status').textContent()) === 'Connected' ? 'connected' : null;
  });
  if (refusal !== 'connected') throw new Error(`sign-in refused: ${refusal}`);
  await page.locator('#me', { hasText: exact(user) }).waitFor();
}

async function send(page, text) {
  const input = page.getByLabel('Message', { exact: true });
  await input.fill(text);
  await input.press('Enter');
}

/** Sends and waits until message_sent confirmed it (the "Sending…" mark is gone). */
async function sendConfirmed(page, text) {
  await send(page, text);
  await message(page, text).last().waitFor();
  await until(`"${text}" is confirmed`, async () =>
    (await message(page, text).last().getAttribute('class')).includes('sent'),
  );
}

async function openChat(page, name) {
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.locator('.chat-item', { hasText: name }).first().click();
  await page.locator('#chat-title', { hasText: exact(name) }).waitFor();
}

async function pngOf(page) {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 90;
    const g = canvas.getContext('2d');
    g.fillStyle = '#2f5bd3';
    g.fillRect(0, 0, 160, 90);
    g.fillStyle = '#ffd34d';
    g.fillRect(20, 50, 25, 30);
    g.fillRect(60, 30, 25, 50);
    g.fillRect(100, 10, 25, 70);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

const chatName = `Project ${Date.now().toString(36)}`;

await step('the page is served without a token, and an empty user id is refused', async () => {
  await a.page.goto(BASE_URL);
  await a.page.getByRole('button', { name: 'Sign in' }).click();
  await a.page.locator('#sign-in-error', { hasText: 'Enter a user id' }).waitFor();
  await a.page.getByLabel('User id').fill(ALICE);
  await a.page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });
});

await step('alice and bob sign in with development tokens and connect', async () => {
  await signIn(a.page, ALICE);
  await signIn(b.page, BOB);
  // The token is kept for the tab only and never put in a URL.
  const stored = await a.page.evaluate(() => sessionStorage.getItem('messenger.session'));
  if (!JSON.parse(stored).token) throw new Error('no token in the session');
}, { required: true });

await step('alice creates a chat with bob; bob finds it in his list', async () => {
  await a.page.getByLabel('Name (optional)').fill(chatName);
  await a.page.getByLabel('Members').fill(BOB);
  await a.page.getByRole('button', { name: 'Create chat' }).click();
  await a.page.locator('#chat-title', { hasText: exact(chatName) }).waitFor();
  await openChat(b.page, chatName);
  await b.page.locator('#empty-chat').waitFor();
}, { required: true });

await step('a message is shown at once, confirmed by message_sent, and arrives live for bob', async () => {
  await send(a.page, 'Hello Bob');
  await message(a.page, 'Hello Bob').waitFor();
  await until('the message is confirmed', async () =>
    (await message(a.page, 'Hello Bob').getAttribute('class')).includes('sent'),
  );
  await message(b.page, 'Hello Bob').waitFor();
  await b.page.locator('#announcer', { hasText: `${ALICE}: Hello Bob` }).waitFor();
});

await step('user text is shown as text, never run as HTML', async () => {
  const hostile = '<img src=x onerror="window.__owned=1"><b>bold?</b>';
  await sendConfirmed(a.page, hostile);
  await message(b.page, hostile).waitFor();
  if ((await b.page.locator('#messages b').count()) > 0) throw new Error('markup was rendered');
  if (await b.page.evaluate(() => window.__owned)) throw new Error('a script ran');
});

await step('the typing indicator appears for bob and goes away when alice stops', async () => {
  await a.page.getByLabel('Message', { exact: true }).pressSequentially('Are you there', { delay: 30 });
  await b.page.locator('#typing', { hasText: `${ALICE} is typing…` }).waitFor();
  await until('the indicator is gone', async () => (await b.page.locator('#typing').textContent()) === '', 10000);
  await a.page.getByLabel('Message', { exact: true }).press('Enter');
  await message(b.page, 'Are you there').waitFor();
});

await step('alice edits her message; bob sees the new text', async () => {
  await message(a.page, 'Hello Bob').getByRole('button', { name: 'Edit' }).click();
  const editor = a.page.getByLabel('Edit message');
  await editor.fill('Hello Bob, edited');
  await a.page.getByRole('button', { name: 'Save' }).click();
  await message(b.page, 'Hello Bob, edited').locator('.edited').waitFor();
  await message(a.page, 'Hello Bob, edited').waitFor();
  if ((await message(b.page, 'Hello Bob').count()) !== 0) throw new Error('old text still shown');
});

await step('bob adds and removes reactions; alice sees them change', async () => {
  const onA = () => message(a.page, 'Hello Bob, edited');
  const onB = () => message(b.page, 'Hello Bob, edited');
  await onB().getByRole('button', { name: 'React with 👍' }).click();
  await onA().locator('.reaction', { hasText: '👍 1' }).waitFor();
  const mine = await onB().locator('.reaction', { hasText: '👍 1' }).getAttribute('aria-pressed');
  if (mine !== 'true') throw new Error('bob should see his own reaction as pressed');
  await onB().locator('.reaction', { hasText: '👍 1' }).click();
  await until('the reaction is gone for alice', async () => (await onA().locator('.reaction').count()) === 0);
  await onB().getByRole('button', { name: 'React with 🎉' }).click();
  await onA().getByRole('button', { name: 'React with 🎉' }).click();
  await onB().locator('.reaction', { hasText: '🎉 2' }).waitFor();
});

await step('alice deletes a message; bob sees it deleted', async () => {
  await sendConfirmed(a.page, 'Delete me');
  await message(b.page, 'Delete me').waitFor();
  const own = message(a.page, 'Delete me');
  await own.getByRole('button', { name: 'Delete' }).click();
  await own.getByRole('button', { name: 'Confirm delete' }).click();
  await until('the message is gone for bob', async () => (await message(b.page, 'Delete me').count()) === 0);
  await b.page.locator('#messages > li.deleted', { hasText: 'This message was deleted.' }).waitFor();
});

await step('an image is uploaded and shown inline; a text file becomes a download link', async () => {
  const png = await pngOf(a.page);
  await a.page.locator('#file-input').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: png });
  await a.page.locator('#selected-files', { hasText: 'chart.png' }).waitFor();
  await sendConfirmed(a.page, 'Sales chart');
  const image = message(b.page, 'Sales chart').locator('img.attachment-image[alt="chart.png"]');
  await image.waitFor();
  await until('the image loaded', () =>
    image.evaluate((img) => img.complete && img.naturalWidth === 160 && img.src.startsWith('blob:')),
  );

  await a.page.locator('#file-input').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('meeting notes\n'),
  });
  await sendConfirmed(a.page, 'Notes attached');
  const link = message(b.page, 'Notes attached').locator('a.attachment-file', { hasText: 'notes.txt' });
  const [download] = await Promise.all([b.page.waitForEvent('download'), link.click()]);
  if (download.suggestedFilename() !== 'notes.txt') throw new Error(`downloaded ${download.suggestedFilename()}`);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString();
  if (text !== 'meeting notes\n') throw new Error(`downloaded content ${JSON.stringify(text)}`);
  // Tall enough to show the whole conversation in the README's screenshot.
  await b.page.setViewportSize({ width: 1280, height: 1100 });
  await b.page.locator('#message-scroller').evaluate((s) => (s.scrollTop = s.scrollHeight));
  await b.page.screenshot({ path: join(SCREENSHOTS, 'chat.png') });
  await b.page.setViewportSize({ width: 1280, height: 820 });
});

await step('bob loses the connection while alice sends; after the reconnect he has everything once', async () => {
  await b.context.setOffline(true);
  await b.page.locator('#connection-status', { hasText: 'Offline' }).waitFor();
  // Written while offline: shown as pending, sent after the reconnect.
  await send(b.page, 'Written offline');
  await message(b.page, 'Written offline').locator('.state', { hasText: 'Sending…' }).waitFor();
  for (const n of [1, 2, 3]) await sendConfirmed(a.page, `While you were away ${n}`);
  await message(a.page, 'Hello Bob, edited').getByRole('button', { name: 'React with ❤️' }).click();
  await b.page.waitForTimeout(500);
  if ((await message(b.page, 'While you were away 1').count()) !== 0) throw new Error('bob was not offline');

  await b.context.setOffline(false);
  await b.page.locator('#connection-status', { hasText: 'Connected' }).waitFor();
  for (const n of [1, 2, 3]) await message(b.page, `While you were away ${n}`).waitFor();
  await message(b.page, 'Hello Bob, edited').locator('.reaction', { hasText: '❤️ 1' }).waitFor();
  await message(a.page, 'Written offline').waitFor();
  await until('bob\'s offline message is confirmed', async () =>
    (await message(b.page, 'Written offline').getAttribute('class')).includes('sent'),
  );
  // Give a late duplicate time to show up before counting.
  await b.page.waitForTimeout(1000);
  for (const page of [a.page, b.page]) {
    const all = await contents(page);
    const doubled = all.filter((t, i) => all.indexOf(t) !== i);
    if (doubled.length) throw new Error(`shown twice: ${doubled}`);
  }
  const order = (await contents(b.page)).filter((t) => t.startsWith('While you were away'));
  if (order.join('|') !== 'While you were away 1|While you were away 2|While you were away 3') {
    throw new Error(`wrong order: ${order}`);
  }
});

await step('bob\'s socket is cut; the page reconnects with back-off and misses nothing', async () => {
  await b.page.evaluate(() => {
    window.statusLog = [];
    new MutationObserver(() => window.statusLog.push(document.getElementById('connection-status').textContent))
      .observe(document.getElementById('connection-status'), { childList: true, characterData: true, subtree: true });
  });
  const cut = bobSocket;
  cut.server.close({ code: 1001, reason: 'cut by the test' });
  cut.page.close({ code: 1001, reason: 'cut by the test' });
  await sendConfirmed(a.page, 'Sent during the cut');
  await until('bob is connected on a new socket', async () =>
    bobSocket !== cut && (await b.page.locator('#connection-status').textContent()) === 'Connected',
  );
  await message(b.page, 'Sent during the cut').waitFor();
  const log = await b.page.evaluate(() => window.statusLog);
  if (!log.some((s) => /^Reconnecting in \d+ s…$/.test(s))) throw new Error(`status went ${log.join(' > ')}`);
  await b.page.waitForTimeout(1000);
  const count = await message(b.page, 'Sent during the cut').count();
  if (count !== 1) throw new Error(`shown ${count} times`);
});

await step('bob reads older history by scrolling to the top', async () => {
  await openChat(b.page, HISTORY_CHAT);
  await message(b.page, `h-${HISTORY_SIZE - 1}`).waitFor();
  if ((await message(b.page, 'h-0').count()) !== 0) throw new Error('the first page should not hold h-0');
  await until('h-0 is loaded', async () => {
    await b.page.locator('#message-scroller').evaluate((s) => (s.scrollTop = 0));
    return (await message(b.page, 'h-0').count()) === 1;
  });
  const all = await contents(b.page);
  const expected = Array.from({ length: HISTORY_SIZE }, (_, i) => `h-${i}`);
  if (all.join('|') !== expected.join('|')) throw new Error(`history is ${all.join(',')}`);
});

await step('a RATE_LIMITED refusal is shown with its retry time; the failed message can be retried', async () => {
  if (await a.page.locator('#error-banner').isVisible()) {
    throw new Error(`an error was already shown: ${await a.page.locator('#error-text').textContent()}`);
  }
  let limited = false;
  for (let i = 0; i < 45 && !limited; i++) {
    await send(a.page, `burst ${i}`);
    limited = await a.page.locator('#error-banner').isVisible();
  }
  const banner = a.page.locator('#error-text');
  await until('the refusal is shown', () => banner.isVisible());
  const text = await banner.textContent();
  const match = /^RATE_LIMITED: .+ \(try again in (\d+\.\d) s\)$/.exec(text);
  if (!match) throw new Error(`banner says ${JSON.stringify(text)}`);
  const firstRefused = a.page
    .locator('#messages > li.failed', { has: a.page.locator('.state', { hasText: 'Not sent: rate limited' }) })
    .first();
  await firstRefused.waitFor();
  await a.page.screenshot({ path: join(SCREENSHOTS, 'rate-limited.png') });
  const failedText = await firstRefused.locator('.content').textContent();
  const failedMessage = message(a.page, failedText);

  // The announced wait is for the refused send's token. When it is short, a burst message sent after the
  // refusal (before the banner showed) may have taken that token, so wait for a whole token more: the
  // default budget of 30 messages a minute refills one every 2 s.
  await a.page.waitForTimeout(Math.max(Number(match[1]) * 1000, 2000) + 500);
  await a.page.getByRole('button', { name: 'Dismiss the error' }).click();
  await failedMessage.getByRole('button', { name: 'Retry' }).click();
  await until(`"${failedText}" is sent on retry`, async () =>
    (await message(a.page, failedText).getAttribute('class')).includes('sent'),
  );
});

await step('no script error happened on either page', async () => {
  if (pageErrors.length) throw new Error(pageErrors.join('\n'));
});

await browser.close();
console.log(`browser scenarios: ${passed} passed, ${failed} failed${blocked ? ' (stopped early)' : ''}`);
process.exit(failed || blocked ? 1 : 0);
