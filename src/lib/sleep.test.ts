import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { sleep } from './sleep.js';

describe('sleep', () => {
  it('leaves no abort listener behind, however many rounds a poll loop sleeps on one signal', async () => {
    const abort = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, abort.signal);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });
  it('ends early when the signal aborts, and at once when it already did', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const waiting = sleep(60_000, abort.signal);
    abort.abort();
    await waiting;
    await sleep(60_000, abort.signal);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });
});
