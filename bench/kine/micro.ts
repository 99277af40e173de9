/**
 * Store-level micro-benchmark (no apiserver): apiserver-shaped create Txns against our kine
 * (FULL and NORMAL), Go kine and etcd, serially and at concurrency 32, a 500-key list, and watch
 * lag (Txn answered -> event received on a watch stream). Prints JSON, then a one-line summary.
 *
 * --client node (default) drives the stores with our Node gRPC client; --client go with etcd's own
 * Go client (go.etcd.io/etcd/client/v3, the one kube-apiserver uses), built from ./goclient into
 * ~/.cache/vcluster-ts/bench/ (serial and 32-way creates, watch lag; no list figure).
 *
 *   node --import tsx bench/kine/micro.ts [--n 2000] [--client node|go] [--stores ts-kine,ts-kine-normal,go-kine,etcd]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rawClient, waitForEtcdApi } from '../../test/integration/kine/client.js';
import {
  killAll,
  removeDir,
  startEtcd,
  startKineProcess,
  startProcess,
  stopProcess,
  tempDir,
  type Proc,
} from '../../test/integration/kine/harness.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    client: { type: 'string', default: 'node' },
    stores: { type: 'string', default: 'ts-kine,ts-kine-normal,go-kine,etcd' },
    'go-kine': {
      type: 'string',
      default: join(process.env.HOME ?? '/root', '.cache/vcluster-ts/binaries/kine-v0.16.4/kine'),
    },
  },
});
const N = Number(values.n);
const CLIENT = values.client === 'go' ? 'go' : 'node';
if (values.client !== 'go' && values.client !== 'node')
  throw new Error(`--client must be node or go, not ${String(values.client)}`);

/** Builds ./goclient (cached by Go's build cache; the binary lives outside the repo). */
function goClient(): string {
  const out = join(process.env.HOME ?? '/root', '.cache/vcluster-ts/bench/goclient');
  mkdirSync(dirname(out), { recursive: true });
  const src = join(dirname(fileURLToPath(import.meta.url)), 'goclient');
  execFileSync('go', ['build', '-o', out, '.'], {
    cwd: src,
    stdio: 'inherit',
    env: { ...process.env, GOTOOLCHAIN: 'local', GOWORK: 'off' },
  });
  return out;
}

/** Starts the store in a fresh directory, runs `fn` against its URL, then stops it and removes the directory. */
async function withStore<T>(name: string, fn: (url: string) => T | Promise<T>): Promise<T> {
  const dir = tempDir(`kine-micro-${name}`);
  mkdirSync(dir, { recursive: true });
  let proc: Proc | undefined;
  try {
    const s = await start(name, dir);
    proc = s.proc;
    await waitForEtcdApi(s.url);
    return await fn(s.url);
  } finally {
    if (proc !== undefined) await stopProcess(proc); // SIGTERM first, so --cpu-prof (KINE_NODE_ARGS) can write its profile
    await killAll();
    removeDir(dir);
  }
}

function benchGo(name: string, bin: string): Promise<Record<string, unknown>> {
  return withStore(name, (url) => {
    const r = JSON.parse(
      execFileSync(bin, ['--endpoint', url, '--n', String(N), '--concurrency', '32'], { encoding: 'utf8' }),
    ) as Record<string, number>;
    return {
      store: name,
      client: 'go',
      serialOpsPerSec: r.serialOpsPerSec,
      serialMeanMs: r.serialMeanMs,
      serialP50Ms: r.serialP50Ms,
      serialP99Ms: r.serialP99Ms,
      c32OpsPerSec: r.concOpsPerSec,
      c32P99Ms: r.concP99Ms,
      watchLagP50Ms: r.watchLagP50Ms,
      watchLagP99Ms: r.watchLagP99Ms,
      watchEvents: r.watchEvents,
    };
  });
}

async function start(name: string, dir: string): Promise<{ proc: Proc; url: string }> {
  const sock = join(dir, 'kine.sock');
  if (name === 'etcd') return startEtcd(dir);
  if (name === 'go-kine') {
    const params = '_journal=WAL&_busy_timeout=30000&_synchronous=NORMAL&_txlock=immediate&cache=shared';
    const proc = startProcess(
      values['go-kine'] ?? '',
      [
        '--endpoint',
        `sqlite://${join(dir, 'state.db')}?${params}`,
        '--listen-address',
        `unix://${sock}`,
        '--metrics-bind-address',
        '0',
      ],
      join(dir, 'go-kine.log'),
    );
    return { proc, url: `unix://${sock}` };
  }
  const proc = startKineProcess(dir, `unix://${sock}`, [
    '--durability',
    name === 'ts-kine' ? 'FULL' : 'NORMAL',
  ]);
  return { proc, url: `unix://${sock}` };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (
    Math.round((s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN) * 1000) / 1000
  );
};

function bench(name: string): Promise<Record<string, unknown>> {
  return withStore(name, async (url) => {
    const c = rawClient(url);
    const create = (key: string): Promise<unknown> =>
      c.call('KV', 'Txn', {
        compare: [{ key: Buffer.from(key), target: 'MOD', result: 'EQUAL', mod_revision: 0 }],
        success: [{ request_put: { key: Buffer.from(key), value: Buffer.alloc(600, 1) } }],
      });
    // watch lag: every /m/ event, time from the Txn answer to the event's arrival
    const answered = new Map<string, number>();
    const lags: number[] = [];
    const w = c.watch();
    w.on('data', (m: { events?: { kv: { key: Buffer } }[] }) => {
      const at = performance.now();
      for (const e of m.events ?? []) {
        const t = answered.get(e.kv.key.toString());
        if (t !== undefined) lags.push(Math.max(0, at - t));
        else answered.set(e.kv.key.toString(), -at); // event before the answer: lag 0
      }
    });
    w.write({ create_request: { key: Buffer.from('/m/'), range_end: Buffer.from('/m0') } });
    await new Promise((r) => setTimeout(r, 300));
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const k = `/m/${i}`;
      const a = performance.now();
      await create(k);
      const b = performance.now();
      lat.push(b - a);
      if ((answered.get(k) ?? 0) < 0) lags.push(0);
      else answered.set(k, b);
    }
    const serialSecs = (performance.now() - t0) / 1000;
    const clat: number[] = [];
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async (_, wk) => {
        for (let i = 0; i < N / 32; i++) {
          const a = performance.now();
          await create(`/p/${wk}/${i}`);
          clat.push(performance.now() - a);
        }
      }),
    );
    const c32Secs = (performance.now() - t1) / 1000;
    const l0 = performance.now();
    for (let i = 0; i < 50; i++)
      await c.call('KV', 'Range', { key: Buffer.from('/m/'), range_end: Buffer.from('/m0'), limit: 500 });
    const listMs = (performance.now() - l0) / 50;
    w.end();
    c.close();
    return {
      store: name,
      serialOpsPerSec: Math.round(N / serialSecs),
      serialP50Ms: pct(lat, 50),
      serialP99Ms: pct(lat, 99),
      c32OpsPerSec: Math.round(N / c32Secs),
      c32P99Ms: pct(clat, 99),
      list500Ms: Math.round(listMs * 100) / 100,
      watchLagP50Ms: pct(lags, 50),
      watchLagP99Ms: pct(lags, 99),
      watchEvents: lags.length,
    };
  });
}

const results: Record<string, unknown>[] = [];
const goBin = CLIENT === 'go' ? goClient() : '';
for (const s of (values.stores ?? '').split(',')) {
  try {
    results.push(CLIENT === 'go' ? await benchGo(s, goBin) : await bench(s));
  } catch (err) {
    results.push({ store: s, error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
  }
}
process.stdout.write(`${JSON.stringify({ n: N, client: CLIENT, results }, null, 2)}\n`);
process.stdout.write(
  `summary: N=${N} client=${CLIENT} ${results
    .map(
      (r) =>
        `${String(r.store)}: C=1 ${String(r.serialOpsPerSec)}/s p99 ${String(r.serialP99Ms)}ms, C=32 ${String(r.c32OpsPerSec)}/s p99 ${String(r.c32P99Ms)}ms, lag99 ${String(r.watchLagP99Ms)}ms${typeof r.list500Ms === 'number' ? `, list500 ${String(r.list500Ms)}ms` : ''}`,
    )
    .join(' | ')}\n`,
);
