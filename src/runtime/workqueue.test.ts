import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from '../lib/clock.js';
import { ExponentialFailureRateLimiter } from './rate-limiter.js';
import { URGENT_STREAK, WorkQueue } from './workqueue.js';

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
  type Op =
    { type: 'add'; key: string; urgent: boolean } | { type: 'take' } | { type: 'done'; index: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      type: fc.constant('add' as const),
      key: fc.constantFrom('a', 'b', 'c'),
      urgent: fc.boolean(),
    }),
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
            q.add(o.key, { urgent: o.urgent });
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

describe('WorkQueue urgent lane', () => {
  /** Takes every ready item in hand-out order, marking each done. */
  async function drain(q: WorkQueue<string>): Promise<string[]> {
    const out: string[] = [];
    while (q.len() > 0) {
      const item = await q.get();
      if (item === undefined) break;
      out.push(item);
      q.done(item);
    }
    return out;
  }

  const cases: { name: string; adds: [string, boolean][]; want: string[] }[] = [
    {
      name: 'urgent items go before earlier normal ones',
      adds: [
        ['a', false],
        ['b', false],
        ['u', true],
      ],
      want: ['u', 'a', 'b'],
    },
    {
      name: 'urgent items keep their order among themselves',
      adds: [
        ['a', false],
        ['u1', true],
        ['u2', true],
      ],
      want: ['u1', 'u2', 'a'],
    },
    {
      name: 'an urgent add promotes a queued normal item, once',
      adds: [
        ['a', false],
        ['b', false],
        ['b', true],
      ],
      want: ['b', 'a'],
    },
    {
      name: 'a normal add leaves an urgent item urgent',
      adds: [
        ['a', false],
        ['u', true],
        ['u', false],
      ],
      want: ['u', 'a'],
    },
    {
      name: 'urgent twice is handed out once',
      adds: [
        ['u', true],
        ['u', true],
      ],
      want: ['u'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { q } = queue();
      for (const [item, urgent] of c.adds) q.add(item, { urgent });
      assert.equal(q.len(), c.want.length);
      assert.deepEqual(await drain(q), c.want);
    });
  }

  it('an item in process that is added as urgent is queued urgent at done()', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    q.add('b');
    q.add('a', { urgent: true });
    assert.equal(q.len(), 1, 'a is dirty but not queued while in process');
    q.done(first ?? '');
    assert.deepEqual(await drain(q), ['a', 'b']);
  });

  it(`lets one normal item through after ${URGENT_STREAK} urgent ones in a row`, async () => {
    const { q } = queue();
    q.add('n1');
    q.add('n2');
    for (let i = 0; i < 2 * URGENT_STREAK + 2; i++) q.add(`u${i}`, { urgent: true });
    const order = await drain(q);
    assert.equal(order.indexOf('n1'), URGENT_STREAK);
    assert.equal(order.indexOf('n2'), 2 * URGENT_STREAK + 1);
    assert.equal(order.length, 2 * URGENT_STREAK + 4);
  });

  it('a delayed urgent add is urgent when it becomes ready, and upgrades a pending delayed add', async () => {
    const { q, clock } = queue();
    q.addAfter('late', 10, { urgent: true });
    q.addAfter('up', 5);
    q.addAfter('up', 20, { urgent: true }); // later time loses, urgency is kept
    q.add('a');
    clock.advance(10);
    assert.equal(q.waitingLen(), 0);
    assert.deepEqual(await drain(q), ['up', 'late', 'a']);
  });

  it('tells whether an item in process came from the urgent lane', async () => {
    const { q } = queue();
    q.add('a');
    q.add('u', { urgent: true });
    const first = (await q.get()) ?? '';
    const second = (await q.get()) ?? '';
    assert.deepEqual([first, q.takenUrgent(first), second, q.takenUrgent(second)], ['u', true, 'a', false]);
    q.done(first);
    assert.equal(q.takenUrgent(first), false, 'forgotten at done()');
  });

  it('shutDown drains urgent and normal items, then yields undefined', async () => {
    const { q } = queue();
    q.add('a');
    q.add('u', { urgent: true });
    q.shutDown();
    q.add('late', { urgent: true });
    assert.equal(await q.get(), 'u');
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), undefined);
  });
});
