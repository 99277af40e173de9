import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from './clock.js';
import { ExponentialFailureRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './workqueue.js';

function queue(clock = new FakeClock()): { q: WorkQueue<string>; clock: FakeClock } {
  return {
    q: new WorkQueue<string>({ clock, rateLimiter: new ExponentialFailureRateLimiter(5, 1000) }),
    clock,
  };
}

describe('WorkQueue', () => {
  it('deduplicates items added before processing', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.len(), 0);
  });

  it('never hands the same item to two workers; re-adds after done', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    q.add('a'); // added while processing: dirty, not queued
    assert.equal(q.len(), 0);
    let second: string | undefined;
    const pending = q.get().then((v) => (second = v));
    await Promise.resolve();
    assert.equal(second, undefined, 'not handed out while in process');
    q.done(first ?? '');
    await pending;
    assert.equal(second, 'a');
  });

  it('wakes a waiting getter on add', async () => {
    const { q } = queue();
    const got = q.get();
    q.add('x');
    assert.equal(await got, 'x');
  });

  it('addAfter delivers after the delay and keeps the earliest time', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 200);
    assert.equal(q.len(), 0);
    assert.equal(q.waitingLen(), 1);
    clock.advance(49);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    assert.equal(clock.pending, 0, 'the later timers were dropped');
    assert.equal(await q.get(), 'a');
  });

  it('addAfter with a zero delay adds at once', () => {
    const { q } = queue();
    q.addAfter('a', 0);
    assert.equal(q.len(), 1);
  });

  it('addRateLimited backs off exponentially per item until forget', async () => {
    const { q, clock } = queue();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = clock.now();
      q.addRateLimited('a');
      for (let t = 0; t < 1000 && q.len() === 0; t++) clock.advance(1);
      delays.push(clock.now() - start);
      q.done((await q.get()) ?? '');
    }
    assert.deepEqual(delays, [5, 10, 20, 40]);
    assert.equal(q.numRequeues('a'), 4);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
  });

  it('shutDown drains queued items, then yields undefined and ignores adds', async () => {
    const { q, clock } = queue();
    q.add('a');
    q.addAfter('late', 10);
    q.shutDown();
    q.add('b');
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), undefined);
    clock.advance(100);
    assert.equal(q.len(), 0, 'delayed adds are cancelled');
  });

  it('shutDown releases idle getters', async () => {
    const { q } = queue();
    const got = q.get();
    q.shutDown();
    assert.equal(await got, undefined);
  });

  it('shutDownWithDrain waits for in-process items', async () => {
    const { q } = queue();
    q.add('a');
    const item = await q.get();
    let drained = false;
    const done = q.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    assert.equal(drained, false);
    q.done(item ?? '');
    await done;
    assert.equal(drained, true);
  });
});

describe('WorkQueue model', () => {
  type Op = { type: 'add'; key: string } | { type: 'take' } | { type: 'done'; index: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ type: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c') }),
    fc.record({ type: fc.constant('take' as const) }),
    fc.record({ type: fc.constant('done' as const), index: fc.nat(5) }),
  );
  it('never hands out a key twice at once, never loses an added key, dedups waiting keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const q = new WorkQueue<string>({ clock: new FakeClock() });
        const holding: string[] = [];
        const pendingSinceTake = new Set<string>(); // added since last handed out
        for (const o of ops) {
          if (o.type === 'add') {
            q.add(o.key);
            pendingSinceTake.add(o.key);
          } else if (o.type === 'take') {
            if (q.len() === 0) continue;
            const key = (await q.get()) ?? '';
            assert.ok(!holding.includes(key), `${key} handed out while in process`);
            holding.push(key);
            pendingSinceTake.delete(key);
          } else if (holding.length > 0) {
            const [key] = holding.splice(o.index % holding.length, 1);
            q.done(key ?? '');
          }
          assert.ok(q.len() <= 3, 'each key queued at most once');
        }
        for (const key of holding.splice(0)) q.done(key);
        const drained = new Set<string>();
        while (q.len() > 0) {
          const key = (await q.get()) ?? '';
          drained.add(key);
          q.done(key);
        }
        for (const key of pendingSinceTake) assert.ok(drained.has(key), `${key} was lost`);
      }),
    );
  });
});
