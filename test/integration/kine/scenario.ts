/**
 * The differential client script: the same requests against any etcd v3 endpoint, recorded as a
 * normalised transcript (headers reduced to their revision, lease ids to L1, L2, ...) so a run
 * against our kine can be compared entry by entry with a run against the real etcd.
 */
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { rawClient, grpcTarget, type RawClient } from './client.js';

export type Entry = [label: string, value: unknown];

const b = (s: string): Buffer => Buffer.from(s);

function normalise(v: unknown, leases: Map<string, string>): unknown {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (Array.isArray(v)) return v.map((x) => normalise(x, leases));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'header') {
        out.header = { revision: (x as { revision?: unknown } | null)?.revision };
      } else if ((k === 'lease' || k === 'ID') && typeof x === 'string' && x !== '0') {
        if (!leases.has(x)) leases.set(x, `L${leases.size + 1}`);
        out[k] = leases.get(x);
      } else {
        out[k] = normalise(x, leases);
      }
    }
    return out;
  }
  return v;
}

async function attempt(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await fn() };
  } catch (err) {
    const e = err as { code?: unknown; details?: unknown };
    return { error: { code: e.code, details: e.details } };
  }
}

/** Collects watch responses until `until` says stop (or the timeout passes). */
function collect(stream: ClientDuplexStream<unknown, unknown>, until: (all: unknown[]) => boolean, timeoutMs = 10_000): Promise<unknown[]> {
  return new Promise((res) => {
    const all: unknown[] = [];
    const done = (): void => {
      clearTimeout(t);
      stream.off('data', onData);
      res(all);
    };
    const onData = (m: unknown): void => {
      all.push(m);
      if (until(all)) done();
    };
    const t = setTimeout(done, timeoutMs);
    stream.on('data', onData);
  });
}

const eventsIn = (all: unknown[]): number => all.reduce<number>((n, m) => n + ((m as { events?: unknown[] }).events?.length ?? 0), 0);

export async function runScenario(url: string): Promise<Entry[]> {
  const c: RawClient = rawClient(url);
  const leases = new Map<string, string>();
  const out: Entry[] = [];
  const rec = (label: string, v: unknown): void => {
    out.push([label, normalise(v, leases)]);
  };
  const kv = (method: string, req: unknown): Promise<unknown> => attempt(() => c.call('KV', method, req));
  const lease = (method: string, req: unknown): Promise<unknown> => attempt(() => c.call('Lease', method, req));
  try {
    rec('fresh store revision', ((await c.call('KV', 'Range', { key: b('nothing') })).header as { revision: string }).revision);
    for (const k of ['a', 'b', 'c', 'd', 'e']) rec(`put /d/${k}`, await kv('Put', { key: b(`/d/${k}`), value: b(`v-${k}`) }));
    rec('put /d/a again with prev_kv', await kv('Put', { key: b('/d/a'), value: b('v-a2'), prev_kv: true }));
    rec('get single key', await kv('Range', { key: b('/d/a') }));
    rec('get missing key', await kv('Range', { key: b('/d/zz') }));
    rec('prefix limit 2', await kv('Range', { key: b('/d/'), range_end: b('/d0'), limit: 2 }));
    rec('continue after /d/b', await kv('Range', { key: b('/d/b\u0000'), range_end: b('/d0'), limit: 2 }));
    rec('count_only', await kv('Range', { key: b('/d/'), range_end: b('/d0'), count_only: true }));
    rec('keys_only', await kv('Range', { key: b('/d/'), range_end: b('/d0'), keys_only: true }));
    rec('from key /d/c', await kv('Range', { key: b('/d/c'), range_end: Buffer.from([0]) }));
    rec('at revision 3', await kv('Range', { key: b('/d/'), range_end: b('/d0'), revision: 3 }));
    rec('sorted by mod descending', await kv('Range', { key: b('/d/'), range_end: b('/d0'), sort_order: 'DESCEND', sort_target: 'MOD' }));
    rec('future revision', await kv('Range', { key: b('/d/a'), revision: 1000 }));
    rec('empty key', await kv('Range', { key: b('') }));

    const mod = (key: string, rev: number): unknown => ({ key: b(key), target: 'MOD', result: 'EQUAL', mod_revision: rev });
    rec('txn create succeeds', await kv('Txn', { compare: [mod('/d/new', 0)], success: [{ request_put: { key: b('/d/new'), value: b('n1') } }] }));
    rec('txn create on existing key fails', await kv('Txn', { compare: [mod('/d/new', 0)], success: [{ request_put: { key: b('/d/new'), value: b('n2') } }] }));
    rec('txn stale update returns the current kv', await kv('Txn', {
      compare: [mod('/d/new', 3)],
      success: [{ request_put: { key: b('/d/new'), value: b('n3') } }],
      failure: [{ request_range: { key: b('/d/new') } }],
    }));
    rec('txn value/version/create compares', await kv('Txn', {
      compare: [
        { key: b('/d/b'), target: 'VALUE', result: 'EQUAL', value: b('v-b') },
        { key: b('/d/a'), target: 'VERSION', result: 'GREATER', version: 1 },
        { key: b('/d/c'), target: 'CREATE', result: 'LESS', create_revision: 100 },
      ],
      success: [{ request_put: { key: b('/d/b'), value: b('v-b2') } }, { request_range: { key: b('/d/b') } }],
      failure: [{ request_range: { key: b('/d/a') } }],
    }));
    rec('txn range compare fails on one key', await kv('Txn', {
      compare: [{ key: b('/d/'), range_end: b('/d0'), target: 'VERSION', result: 'EQUAL', version: 1 }],
      success: [{ request_put: { key: b('/d/x'), value: b('x') } }],
      failure: [{ request_range: { key: b('/d/'), range_end: b('/d0'), count_only: true } }],
    }));
    rec('txn nested', await kv('Txn', {
      compare: [mod('/d/e', 6)],
      success: [{ request_txn: { compare: [mod('/d/zz', 0)], success: [{ request_put: { key: b('/d/zz'), value: b('z') } }] } }],
    }));
    rec('txn duplicate key', await kv('Txn', { success: [{ request_put: { key: b('/d/q'), value: b('1') } }, { request_put: { key: b('/d/q'), value: b('2') } }] }));
    rec('put with unknown lease', await kv('Put', { key: b('/d/l'), value: b('x'), lease: 12345 }));
    rec('put ignore_value on missing key', await kv('Put', { key: b('/d/missing'), ignore_value: true }));
    rec('delete with prev_kv', await kv('DeleteRange', { key: b('/d/c'), prev_kv: true }));
    rec('delete missing', await kv('DeleteRange', { key: b('/d/c') }));
    rec('txn delete shape', await kv('Txn', {
      compare: [mod('/d/d', 5)],
      success: [{ request_delete_range: { key: b('/d/d') } }],
      failure: [{ request_range: { key: b('/d/d') } }],
    }));

    // watch from a revision with prev_kv: the whole history of /d/ replayed, then a live event
    const w = c.watch();
    const created = collect(w, (all) => all.length >= 1 && eventsIn(all) >= 12);
    w.write({ create_request: { key: b('/d/'), range_end: b('/d0'), start_revision: 2, prev_kv: true } });
    await new Promise((r) => setTimeout(r, 300));
    await c.call('KV', 'Put', { key: b('/d/live'), value: b('live') });
    const responses = await created;
    rec('watch from revision 2: created', (responses[0] as { created?: boolean }).created);
    rec('watch from revision 2: events', responses.flatMap((m) => (m as { events?: unknown[] }).events ?? []));
    const prog = collect(w, (all) => all.length >= 1, 5000);
    w.write({ progress_request: {} });
    rec('watch progress response', await prog);
    const canceled = collect(w, (all) => all.length >= 1, 5000);
    w.write({ cancel_request: { watch_id: 0 } });
    rec('watch cancel', await canceled);
    w.end();

    // compaction
    const rev = Number(((await c.call('KV', 'Range', { key: b('x') })).header as { revision: string }).revision);
    rec('compact to current-2', await kv('Compact', { revision: rev - 2, physical: true }));
    rec('read below compaction', await kv('Range', { key: b('/d/a'), revision: rev - 3 }));
    rec('read at compaction', await kv('Range', { key: b('/d/'), range_end: b('/d0'), revision: rev - 2 }));
    rec('compact again to the same revision', await kv('Compact', { revision: rev - 2 }));
    rec('compact to a future revision', await kv('Compact', { revision: rev + 10 }));
    const wc = c.watch();
    const compactedWatch = collect(wc, (all) => all.length >= 2, 5000);
    wc.write({ create_request: { key: b('/d/'), range_end: b('/d0'), start_revision: rev - 4 } });
    rec('watch from a compacted revision', await compactedWatch);
    wc.end();

    // leases: expiry deletes the key with a DELETE event
    const grant = (await c.call('Lease', 'LeaseGrant', { TTL: 2 })) as { ID: string };
    rec('lease grant', { ...grant, ID: 'granted' });
    const leaseId = grant.ID;
    rec('put with lease', await kv('Put', { key: b('/lease/k'), value: b('v'), lease: leaseId }));
    rec('time to live', await lease('LeaseTimeToLive', { ID: leaseId, keys: true }).then((r) => {
      const x = r as { ok?: { TTL?: string } };
      if (x.ok?.TTL !== undefined) x.ok.TTL = Number(x.ok.TTL) > 0 ? 'positive' : x.ok.TTL;
      return x;
    }));
    const wl = c.watch();
    const expiry = collect(wl, (all) => eventsIn(all) >= 1, 15_000);
    wl.write({ create_request: { key: b('/lease/'), range_end: b('/lease0'), prev_kv: true } });
    const ev = await expiry;
    rec('lease expiry event', ev.flatMap((m) => (m as { events?: unknown[] }).events ?? []));
    wl.end();
    rec('key gone after expiry', await kv('Range', { key: b('/lease/k') }));
    rec('time to live after expiry', await lease('LeaseTimeToLive', { ID: leaseId }));
    rec('revoke expired lease', await lease('LeaseRevoke', { ID: leaseId }));
    const g2 = (await c.call('Lease', 'LeaseGrant', { TTL: 60 })) as { ID: string };
    await c.call('KV', 'Put', { key: b('/lease/r'), value: b('v'), lease: g2.ID });
    rec('revoke deletes attached key', await lease('LeaseRevoke', { ID: g2.ID }));
    rec('revoked key gone', await kv('Range', { key: b('/lease/r') }));

    // the npm etcd3 client on the same server
    const e3 = new Etcd3({ hosts: grpcTarget(url) });
    try {
      await e3.put('/npm/a').value('1');
      await e3.put('/npm/b').value('2');
      rec('etcd3 getAll', await e3.getAll().prefix('/npm/').strings());
      rec('etcd3 count', await e3.getAll().prefix('/npm/').count());
      rec('etcd3 if/then', (await e3.if('/npm/a', 'Value', '==', '1').then(e3.put('/npm/a').value('3')).commit()).succeeded);
      rec('etcd3 delete prefix', (await e3.delete().prefix('/npm/b')).deleted);
      rec('etcd3 lock', await e3.lock('/npm/lock').do(() => Promise.resolve('locked')));
      rec('etcd3 get', await e3.get('/npm/a').string());
    } finally {
      e3.close();
    }
  } finally {
    c.close();
  }
  return out;
}
