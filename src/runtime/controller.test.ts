import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../lib/logger.js';
import { FakeClock } from '../lib/clock.js';
import { Controller, type ReconcileReport } from './controller.js';
import { ExponentialFailureRateLimiter } from './rate-limiter.js';
import { TerminalError, type Request, type Result } from './reconcile.js';

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function harness(
  handler: (req: Request, signal: AbortSignal) => Promise<Result>,
  workers = 2,
  before?: (c: Controller) => void,
) {
  const clock = new FakeClock();
  const reports: ReconcileReport[] = [];
  const controller = new Controller({
    name: 'test',
    reconciler: { reconcile: handler },
    log: silentLogger(),
    workers,
    clock,
    rateLimiter: new ExponentialFailureRateLimiter(10, 1000),
    onReconcile: (r) => reports.push(r),
  });
  before?.(controller);
  const abort = new AbortController();
  const running = controller.start(abort.signal);
  return { controller, clock, reports, abort, running };
}

describe('Controller', () => {
  it('retries a failed urgent request ahead of normal ones queued meanwhile', async () => {
    const seen: string[] = [];
    let failed = false;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = harness(async (req) => {
      seen.push(req.name);
      if (req.name === 'a') await gate; // holds the only worker while the retry's backoff runs out
      if (req.name === 'status' && !failed) {
        failed = true;
        h.controller.enqueue({ name: 'a' });
        h.controller.enqueue({ name: 'b' });
        throw new Error('conflict');
      }
      return {};
    }, 1);
    h.controller.enqueue({ name: 'status' }, { urgent: true });
    await settle();
    assert.deepEqual(seen, ['status', 'a']);
    h.clock.advance(10);
    release();
    await settle();
    assert.deepEqual(seen, ['status', 'a', 'status', 'b']);
    h.abort.abort();
    await h.running;
  });

  it('reconciles urgent requests before normal ones that were queued earlier', async () => {
    const seen: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = harness(async (req) => {
      seen.push(req.name);
      if (req.name === 'busy') await gate; // holds the only worker while the others queue
      return {};
    }, 1);
    h.controller.enqueue({ name: 'busy' });
    await settle();
    h.controller.enqueue({ name: 'a' });
    h.controller.enqueue({ name: 'b' });
    h.controller.enqueue({ name: 'status' }, { urgent: true });
    release();
    await settle();
    assert.deepEqual(seen, ['busy', 'status', 'a', 'b']);
    h.abort.abort();
    await h.running;
  });

  it('reconciles each enqueued key once and forgets on success', async () => {
    const seen: string[] = [];
    const h = harness(
      async (req) => {
        await Promise.resolve();
        seen.push(`${req.namespace}/${req.name}`);
        return {};
      },
      2,
      (c) => {
        c.enqueue({ namespace: 'default', name: 'a' });
        c.enqueue({ namespace: 'default', name: 'b' });
        c.enqueue({ namespace: 'default', name: 'a' });
      },
    );
    await settle();
    assert.deepEqual(seen.sort(), ['default/a', 'default/b']);
    assert.deepEqual(
      h.reports.map((r) => r.outcome),
      ['success', 'success'],
    );
    h.abort.abort();
    await h.running;
  });

  it('requeues with backoff on errors, then succeeds', async () => {
    let calls = 0;
    const h = harness(async () => {
      await Promise.resolve();
      calls++;
      if (calls < 3) throw new Error('conflict');
      return {};
    });
    h.controller.enqueue({ name: 'x' });
    await settle();
    assert.equal(calls, 1);
    h.clock.advance(9);
    await settle();
    assert.equal(calls, 1, 'first retry after 10 ms');
    h.clock.advance(1);
    await settle();
    assert.equal(calls, 2);
    h.clock.advance(20);
    await settle();
    assert.equal(calls, 3, 'second retry after 20 ms');
    assert.deepEqual(
      h.reports.map((r) => r.outcome),
      ['error', 'error', 'success'],
    );
    assert.equal(h.controller.queue.numRequeues('x'), 0, 'forgotten after success');
    h.abort.abort();
    await h.running;
  });

  it('never retries terminal errors', async () => {
    let calls = 0;
    const h = harness(async () => {
      await Promise.resolve();
      calls++;
      throw new TerminalError('bad object');
    });
    h.controller.enqueue({ name: 'x' });
    await settle();
    h.clock.advance(100_000);
    await settle();
    assert.equal(calls, 1);
    assert.equal(h.reports[0]?.outcome, 'terminal-error');
    h.abort.abort();
    await h.running;
  });

  it('honours requeueAfterMs', async () => {
    let calls = 0;
    const h = harness(async () => {
      await Promise.resolve();
      calls++;
      return calls === 1 ? { requeueAfterMs: 1000 } : {};
    });
    h.controller.enqueue({ name: 'x' });
    await settle();
    h.clock.advance(999);
    await settle();
    assert.equal(calls, 1);
    h.clock.advance(1);
    await settle();
    assert.equal(calls, 2);
    h.abort.abort();
    await h.running;
  });

  it('serialises one key while running different keys in parallel', async () => {
    let active = 0;
    let maxActiveSameKey = 0;
    const activeByKey = new Map<string, number>();
    const release: (() => void)[] = [];
    const h = harness(async (req) => {
      active++;
      const n = (activeByKey.get(req.name) ?? 0) + 1;
      activeByKey.set(req.name, n);
      maxActiveSameKey = Math.max(maxActiveSameKey, n);
      await new Promise<void>((resolve) => release.push(resolve));
      activeByKey.set(req.name, n - 1);
      active--;
      return {};
    }, 4);
    h.controller.enqueue({ name: 'a' });
    h.controller.enqueue({ name: 'b' });
    await settle();
    assert.equal(active, 2, 'two keys in parallel');
    h.controller.enqueue({ name: 'a' });
    await settle();
    assert.equal(active, 2, 'the same key waits');
    for (const r of release.splice(0)) r();
    await settle();
    assert.equal(active, 1, 'a runs again after done');
    for (const r of release.splice(0)) r();
    await settle();
    assert.equal(maxActiveSameKey, 1);
    h.abort.abort();
    await h.running;
  });

  it('stops when the signal aborts, leaving queued keys unprocessed', async () => {
    const seen: string[] = [];
    const h = harness(async (req) => {
      await Promise.resolve();
      seen.push(req.name);
      return {};
    }, 1);
    h.abort.abort();
    h.controller.enqueue({ name: 'late' });
    await h.running;
    assert.deepEqual(seen, []);
  });
});

describe('Controller logging', () => {
  const capture = (): { log: ReturnType<typeof createLogger>; lines: () => string[] } => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    return { log: createLogger({ level: 'debug', destination }), lines: () => chunks.join('').split('\n').filter(Boolean) };
  };
  for (const named of [false, true]) {
    it(`names the controller exactly once per line (${named ? 'caller names it too' : 'caller does not'})`, async () => {
      const { log, lines } = capture();
      const controller = new Controller({
        name: 'pods',
        reconciler: { reconcile: () => Promise.reject(new Error('boom')) },
        log: named ? log.child({ controller: 'pods' }) : log,
        workers: 1,
        clock: new FakeClock(),
        rateLimiter: new ExponentialFailureRateLimiter(1_000_000, 1_000_000),
      });
      const abort = new AbortController();
      const running = controller.start(abort.signal);
      controller.enqueue({ namespace: 'default', name: 'p' });
      await settle();
      abort.abort();
      await running;
      const out = lines();
      assert.ok(out.some((l) => l.includes('reconciler error')), out.join('\n'));
      for (const l of out) assert.equal(l.match(/"controller":/g)?.length, 1, l);
    });
  }
});
