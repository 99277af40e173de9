import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectList } from './client.js';
import { KubeApiError } from './errors.js';
import { Informer, defaultBackoff, stripManagedFields, type ListWatchSource } from './informer.js';
import type { KubeObject, WatchEvent } from './types.js';

type Obj = KubeObject & { data?: string };

const obj = (name: string, rv: string, extra: Partial<Obj> = {}, namespace = 'ns'): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, resourceVersion: rv },
  ...extra,
});

type Step =
  | { list: ObjectList<Obj> }
  | { listError: Error }
  | { watch: WatchEvent<Obj>[]; end?: 'close' | Error; afterMs?: number };

/** A scripted source: each list()/watch() call consumes the next step; then it blocks until aborted. */
function scripted(steps: Step[], log: string[], clock: { t: number }): ListWatchSource<Obj> {
  const next = (): Step | undefined => steps.shift();
  const blockUntilAbort = (signal: AbortSignal): Promise<never> =>
    new Promise((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
    );
  return {
    list(signal) {
      const step = next();
      log.push('list');
      if (!step) return blockUntilAbort(signal);
      if ('list' in step) return Promise.resolve(step.list);
      if ('listError' in step) return Promise.reject(step.listError);
      throw new Error(`script: expected a list step, got ${JSON.stringify(step)}`);
    },
    watch(rv, onEvent, signal) {
      const step = next();
      log.push(`watch@${rv}`);
      if (!step) return blockUntilAbort(signal);
      if (!('watch' in step)) throw new Error(`script: expected a watch step, got ${JSON.stringify(step)}`);
      try {
        for (const e of step.watch) onEvent(e);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      clock.t += step.afterMs ?? 5000;
      return step.end instanceof Error ? Promise.reject(step.end) : Promise.resolve();
    },
  };
}

interface Run {
  informer: Informer<Obj>;
  log: string[];
  events: string[];
  delays: number[];
  stop: () => Promise<void>;
  settled: () => Promise<void>;
}

function run(
  steps: Step[],
  opts: { indexers?: Record<string, (o: Obj) => string[]>; transform?: typeof stripManagedFields } = {},
): Run {
  const log: string[] = [];
  const events: string[] = [];
  const delays: number[] = [];
  const clock = { t: 0 };
  const remaining = steps;
  const informer = new Informer<Obj>({
    source: scripted(remaining, log, clock),
    delay: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    now: () => clock.t,
    ...(opts.indexers ? { indexers: opts.indexers } : {}),
    ...(opts.transform ? { transform: opts.transform } : {}),
  });
  informer.addHandlers({
    onAdd: (o) => events.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    onUpdate: (old, o) =>
      events.push(
        `update ${o.metadata?.name}@${old.metadata?.resourceVersion}->${o.metadata?.resourceVersion}`,
      ),
    onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  const ac = new AbortController();
  const done = informer.start(ac.signal);
  return {
    informer,
    log,
    events,
    delays,
    stop: async () => {
      ac.abort();
      await done;
    },
    // the script is consumed once the informer blocks on a step past the end
    settled: async () => {
      for (let i = 0; i < 1000 && remaining.length > 0; i++) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    },
  };
}

const list = (rv: string, ...items: Obj[]): { list: ObjectList<Obj> } => ({
  list: { items, resourceVersion: rv },
});
const gone = (): KubeApiError =>
  new KubeApiError(410, {
    kind: 'Status',
    reason: 'Expired',
    code: 410,
    message: 'too old resource version',
  });

describe('Informer', () => {
  const cases: {
    name: string;
    steps: Step[];
    log: string[];
    events: string[];
    delays?: number[];
    cache: string[];
    rv: string;
  }[] = [
    {
      name: 'lists, then watches from the list resourceVersion',
      steps: [
        list('10', obj('a', '5'), obj('b', '6')),
        { watch: [{ type: 'ADDED', object: obj('c', '11') }] },
      ],
      log: ['list', 'watch@10', 'watch@11'],
      events: ['add a@5', 'add b@6', 'add c@11'],
      cache: ['ns/a', 'ns/b', 'ns/c'],
      rv: '11',
    },
    {
      name: 'modify and delete update the cache and the handlers',
      steps: [
        list('10', obj('a', '5')),
        {
          watch: [
            { type: 'MODIFIED', object: obj('a', '12') },
            { type: 'ADDED', object: obj('b', '13') },
            { type: 'DELETED', object: obj('a', '14') },
          ],
        },
      ],
      log: ['list', 'watch@10', 'watch@14'],
      events: ['add a@5', 'update a@5->12', 'add b@13', 'delete a'],
      cache: ['ns/b'],
      rv: '14',
    },
    {
      name: 'bookmarks move the resourceVersion only',
      steps: [list('10'), { watch: [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '50' } } }] }],
      log: ['list', 'watch@10', 'watch@50'],
      events: [],
      cache: [],
      rv: '50',
    },
    {
      name: '410 from the watch call relists at once and reports the difference',
      steps: [
        list('10', obj('a', '5'), obj('b', '6')),
        { watch: [], end: gone() },
        list('20', obj('a', '5'), obj('b', '18'), obj('c', '19')),
      ],
      log: ['list', 'watch@10', 'list', 'watch@20'],
      events: ['add a@5', 'add b@6', 'update b@6->18', 'add c@19'],
      delays: [],
      cache: ['ns/a', 'ns/b', 'ns/c'],
      rv: '20',
    },
    {
      name: 'an ERROR 410 event relists; objects gone meanwhile are deleted',
      steps: [
        list('10', obj('a', '5'), obj('b', '6')),
        {
          watch: [
            { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } },
          ],
        },
        list('30', obj('b', '6')),
      ],
      log: ['list', 'watch@10', 'list', 'watch@30'],
      events: ['add a@5', 'add b@6', 'delete a'],
      delays: [],
      cache: ['ns/b'],
      rv: '30',
    },
    {
      name: 'list failures back off exponentially, then succeed',
      steps: [
        { listError: new Error('connect ECONNREFUSED') },
        { listError: new Error('connect ECONNREFUSED') },
        list('7', obj('a', '7')),
      ],
      log: ['list', 'list', 'list', 'watch@7'],
      events: ['add a@7'],
      delays: [500, 1000],
      cache: ['ns/a'],
      rv: '7',
    },
    {
      name: 'a failed watch reconnects from the same resourceVersion after a delay',
      steps: [
        list('10'),
        { watch: [{ type: 'ADDED', object: obj('a', '11') }], end: new Error('socket hang up') },
        { watch: [{ type: 'ADDED', object: obj('b', '12') }] },
      ],
      log: ['list', 'watch@10', 'watch@11', 'watch@12'],
      events: ['add a@11', 'add b@12'],
      delays: [500],
      cache: ['ns/a', 'ns/b'],
      rv: '12',
    },
    {
      name: 'a watch closed at once without events backs off (no hot loop)',
      steps: [
        list('10'),
        { watch: [], afterMs: 10 },
        { watch: [], afterMs: 10 },
        { watch: [], afterMs: 5000 },
      ],
      log: ['list', 'watch@10', 'watch@10', 'watch@10', 'watch@10'],
      events: [],
      delays: [500, 1000],
      cache: [],
      rv: '10',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const r = run(c.steps);
      await r.informer.ready();
      await r.settled();
      await r.stop();
      assert.deepEqual(r.log, c.log);
      assert.deepEqual(r.events, c.events);
      if (c.delays) assert.deepEqual(r.delays, c.delays);
      assert.deepEqual(r.informer.keys().sort(), c.cache);
      assert.equal(r.informer.resourceVersion, c.rv);
    });
  }

  it('ready() rejects when stopped before the first list', async () => {
    const r = run([]);
    await r.stop();
    await assert.rejects(r.informer.ready(), /stopped before its first list/);
  });

  it('late handlers get the cached objects replayed as adds', async () => {
    const r = run([list('1', obj('a', '1'), obj('b', '1'))]);
    await r.informer.ready();
    const seen: string[] = [];
    const off = r.informer.addHandlers({ onAdd: (o) => seen.push(o.metadata?.name ?? '') });
    off();
    await r.stop();
    assert.deepEqual(seen.sort(), ['a', 'b']);
  });

  it('a throwing handler does not stop the informer', async () => {
    const r = run([
      list('1'),
      {
        watch: [
          { type: 'ADDED', object: obj('a', '2') },
          { type: 'ADDED', object: obj('b', '3') },
        ],
      },
    ]);
    r.informer.addHandlers({
      onAdd: () => {
        throw new Error('boom');
      },
    });
    await r.informer.ready();
    await r.settled();
    await r.stop();
    assert.deepEqual(r.informer.keys().sort(), ['ns/a', 'ns/b']);
  });

  it('indexes objects', async () => {
    const r = run(
      [
        list(
          '1',
          obj('a', '1', { data: 'x' }, 'n1'),
          obj('b', '1', { data: 'x' }, 'n2'),
          obj('c', '1', { data: 'y' }, 'n1'),
        ),
      ],
      {
        indexers: { data: (o) => (o.data ? [o.data] : []) },
      },
    );
    await r.informer.ready();
    await r.stop();
    assert.deepEqual(
      r.informer
        .byIndex('data', 'x')
        .map((o) => o.metadata?.name)
        .sort(),
      ['a', 'b'],
    );
    assert.deepEqual(
      r.informer
        .list('n1')
        .map((o) => o.metadata?.name)
        .sort(),
      ['a', 'c'],
    );
    assert.equal(r.informer.get({ namespace: 'n2', name: 'b' })?.metadata?.name, 'b');
  });

  it('start twice is an error', async () => {
    const r = run([list('1')]);
    await assert.rejects(r.informer.start(new AbortController().signal), /start called twice/);
    await r.stop();
  });

  it('resync re-delivers every cached object as an update with old === new', async () => {
    const ticks: (() => void)[] = [];
    const clock = { t: 0 };
    const informer = new Informer<Obj>({
      source: scripted([list('1', obj('a', '1'), obj('b', '1'))], [], clock),
      resyncMs: 60_000,
      delay: (ms, signal) =>
        ms === 60_000
          ? new Promise<void>((resolve) => {
              ticks.push(resolve);
              signal.addEventListener('abort', () => resolve(), { once: true });
            })
          : Promise.resolve(),
    });
    const updates: string[] = [];
    informer.addHandlers({
      onUpdate: (old, o) => updates.push(`${o.metadata?.name}${old === o ? ' same' : ''}`),
    });
    const ac = new AbortController();
    const running = informer.start(ac.signal);
    await informer.ready();
    assert.deepEqual(updates, []);
    ticks.shift()?.();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(updates.sort(), ['a same', 'b same']);
    ac.abort();
    await running;
  });

  it('default backoff: 500ms doubling, capped at 30s', () => {
    assert.deepEqual([0, 1, 2, 5, 6, 100].map(defaultBackoff), [500, 1000, 2000, 16000, 30000, 30000]);
  });

  it('transforms listed and watched objects before caching and handing them out', async () => {
    const managed = (name: string, rv: string): Obj => {
      const o = obj(name, rv, { data: rv });
      return {
        ...o,
        metadata: { ...o.metadata, managedFields: [{ manager: 'kubectl', operation: 'Update' }] },
      };
    };
    const seen: Obj[] = [];
    const r = run(
      [
        list('1', managed('a', '1')),
        {
          watch: [
            { type: 'ADDED', object: managed('b', '2') },
            { type: 'MODIFIED', object: managed('a', '3') },
            { type: 'DELETED', object: managed('b', '4') },
          ],
        },
      ],
      { transform: stripManagedFields },
    );
    r.informer.addHandlers({
      onAdd: (o) => seen.push(o),
      onUpdate: (_old, o) => seen.push(o),
      onDelete: (o) => seen.push(o),
    });
    await r.settled();
    await r.stop();
    assert.deepEqual(r.events, ['add a@1', 'add b@2', 'update a@1->3', 'delete b']);
    assert.equal(seen.length, 4);
    for (const o of [...seen, ...r.informer.list()]) assert.equal(o.metadata?.managedFields, undefined);
    assert.deepEqual(r.informer.get('ns/a'), obj('a', '3', { data: '3' }));
    assert.equal(r.informer.resourceVersion, '4');
  });
});

describe('stripManagedFields', () => {
  it('drops metadata.managedFields without touching its input', () => {
    const input: Obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'ns', labels: { x: 'y' }, managedFields: [{ manager: 'm' }] },
      data: 'd',
    };
    const out = stripManagedFields(input);
    assert.deepEqual(out, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'ns', labels: { x: 'y' } },
      data: 'd',
    });
    assert.deepEqual(input.metadata?.managedFields, [{ manager: 'm' }]);
  });

  it('returns an object without managedFields as it is', () => {
    const input = obj('a', '1');
    assert.equal(stripManagedFields(input), input);
    const bare: Obj = { apiVersion: 'v1', kind: 'ConfigMap' };
    assert.equal(stripManagedFields(bare), bare);
  });
});
