// Unit tests of the reconnection policy (node's test runner; run by mvn test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay, socketUrl } from '../../main/webapp/js/socket.js';

test('the back-off doubles from the base and stops at the cap', () => {
  const top = () => 1;
  assert.equal(backoffDelay(0, top), BACKOFF_BASE_MS);
  assert.equal(backoffDelay(1, top), BACKOFF_BASE_MS * 2);
  assert.equal(backoffDelay(3, top), BACKOFF_BASE_MS * 8);
  assert.equal(backoffDelay(20, top), BACKOFF_CAP_MS);
  assert.equal(backoffDelay(1000, top), BACKOFF_CAP_MS);
});

test('the jitter spreads each wait over the upper half of its step', () => {
  assert.equal(backoffDelay(2, () => 0), (BACKOFF_BASE_MS * 4) / 2);
  assert.equal(backoffDelay(2, () => 0.5), (BACKOFF_BASE_MS * 4 * 3) / 4);
  const seen = new Set();
  for (let i = 0; i < 50; i++) seen.add(backoffDelay(4));
  assert.ok(seen.size > 10, 'random delays should differ');
  for (const d of seen) assert.ok(d >= BACKOFF_BASE_MS * 8 && d <= BACKOFF_BASE_MS * 16, String(d));
});

test('the socket URL carries only the ticket, on the page own origin and scheme', () => {
  assert.equal(
    socketUrl('a b/c', { protocol: 'http:', host: 'localhost:9080' }),
    'ws://localhost:9080/messenger?ticket=a%20b%2Fc',
  );
  assert.equal(
    socketUrl('t', { protocol: 'https:', host: 'chat.example' }),
    'wss://chat.example/messenger?ticket=t',
  );
});
