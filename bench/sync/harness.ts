/**
 * Shared by the bench/sync benchmarks (B5, B6, B7): a private embedded host and vcluster in a temp
 * VCLUSTER_HOME, torn down by the benchmark's finally block; clients for both sides; and PodWatch, an
 * informer-like pod watch (list, then watch from the list's resourceVersion, rewatch or relist when the
 * stream ends) that stamps each pod's first ADDED and first `phase=Running` with performance.now() the
 * moment the event arrives.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKubeClient, type ClosableKubeClient } from '../../src/k8s/client.js';
import { Kinds, type Pod, type ServiceAccount, type WatchEvent } from '../../src/k8s/types.js';
import { run } from '../../src/lib/process.js';
import { testBinaries } from '../../test/support/binaries.js';
import { runCli } from '../../test/support/cli.js';
import { isAlive, pidsIn } from '../../test/support/processes.js';

export const VC = 'my-vcluster';
export const NODES = '3';

/** The host pod name the syncer gives a virtual pod in `default`. */
export const hostName = (virtualName: string, vcluster = VC): string => `${virtualName}-x-default-x-${vcluster}`;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A bare pod in the virtual cluster's `default` namespace. */
export function barePod(name: string, labels: Record<string, string>): Pod & { apiVersion: string; kind: string; metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'nginx' }], terminationGracePeriodSeconds: 0 },
  };
}

export interface BenchEnv {
  readonly home: string;
  readonly env: Record<string, string>;
  readonly host: ClosableKubeClient;
  /** Creates a vcluster (with `--set` values) and returns a client on its admin kubeconfig. */
  createVCluster(namespace: string, sets?: readonly string[], name?: string): Promise<VirtualCluster>;
  /** Deletes one vcluster (and what it made on the host). */
  deleteVCluster(namespace: string, name?: string): Promise<void>;
  /** Copies a vcluster's logs/ out of the temp home (kept after teardown); returns where. */
  keepLogs(namespace: string, name?: string): Promise<string>;
  /** Deletes every vcluster made, `host down --purge`, stops any process of ours left, removes the temp dir. */
  teardown(): Promise<void>;
}

export interface VirtualCluster {
  readonly name: string;
  readonly namespace: string;
  readonly client: ClosableKubeClient;
  /** experimental.syncSettings as written into the vcluster's effective config.yaml. */
  readonly syncSettings: Record<string, number>;
  readonly createSeconds: number;
}

async function cli(args: readonly string[], env: Record<string, string>): Promise<void> {
  const r = await runCli(args, env);
  if (r.code !== 0) throw new Error(`vcluster ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
}

/** Reads `experimental.syncSettings` numbers out of the effective config.yaml (flat YAML block). */
async function syncSettingsOf(dir: string): Promise<Record<string, number>> {
  const text = await readFile(join(dir, 'config.yaml'), 'utf8');
  const out: Record<string, number> = {};
  const block = /\n {2}syncSettings:\n((?: {4}.*\n)+)/.exec(text)?.[1] ?? '';
  for (const m of block.matchAll(/^ {4}(\w+): ([\d.]+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Cmdline of a pid, or '' (gone or unreadable). */
async function cmdline(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** A temp VCLUSTER_HOME and `host up --nodes 3` in it. */
export async function startHost(prefix: string): Promise<BenchEnv> {
  const home = await mkdtemp(join(tmpdir(), `vcluster-bench-${prefix}-`));
  const env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
  const made: { namespace: string; name: string; client?: ClosableKubeClient }[] = [];
  const pids = new Set<number>();
  const remember = async (dir: string): Promise<void> => {
    for (const pid of Object.values(await pidsIn(join(dir, 'pids')))) pids.add(pid);
  };
  let host: ClosableKubeClient | undefined;
  const teardown = async (): Promise<void> => {
    for (const m of made) m.client?.close();
    host?.close();
    for (const m of made) await runCli(['delete', m.name, '-n', m.namespace, '--ignore-not-found'], env);
    await runCli(['host', 'down', '--purge'], env);
    // Backstop: a process of ours (its pid file was in our temp home, its command line names it) still alive.
    for (const pid of pids) {
      if (isAlive(pid) && (await cmdline(pid)).includes(home)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    await cli(['host', 'up', '--nodes', NODES], env);
    await remember(join(home, 'host'));
    host = await openKubeClient({ kubeconfigPath: env.KUBECONFIG, context: 'vcluster-host', userAgent: 'bench-sync' });
  } catch (err) {
    await teardown();
    throw err;
  }
  const hostClient = host;
  return {
    home,
    env,
    host: hostClient,
    async createVCluster(namespace, sets = [], name = VC) {
      const t0 = performance.now();
      const entry: { namespace: string; name: string; client?: ClosableKubeClient } = { namespace, name };
      made.push(entry);
      // the benchmarks create hundreds of pods: more than the default host ResourceQuota (count/pods 20) allows
      const unlimited = ['policies.resourceQuota.enabled=false', ...sets];
      await cli(['create', name, '-n', namespace, '--driver', 'local', '--connect=false', ...unlimited.flatMap((s) => ['--set', s])], env);
      const dir = join(home, 'vclusters', 'vcluster-host', namespace, name);
      await remember(dir);
      const client = await openKubeClient({ kubeconfigPath: join(dir, 'pki', 'admin.conf'), userAgent: 'bench-sync' });
      entry.client = client;
      // Pods need the default ServiceAccount (ServiceAccount admission): wait for it.
      for (let i = 0; ; i++) {
        try {
          await client.get<ServiceAccount>(Kinds.ServiceAccount, { namespace: 'default', name: 'default' });
          break;
        } catch (err) {
          if (i > 300) throw err;
          await sleep(100);
        }
      }
      const createSeconds = round((performance.now() - t0) / 1000, 2);
      return { name, namespace, client, syncSettings: await syncSettingsOf(dir), createSeconds };
    },
    async keepLogs(namespace, name = VC) {
      const dest = join(tmpdir(), `bench-sync-logs-${namespace}-${Date.now()}`);
      await cp(join(home, 'vclusters', 'vcluster-host', namespace, name, 'logs'), dest, { recursive: true });
      return dest;
    },
    async deleteVCluster(namespace, name = VC) {
      const i = made.findIndex((m) => m.namespace === namespace && m.name === name);
      if (i >= 0) {
        made[i]!.client?.close();
        made.splice(i, 1);
      }
      await cli(['delete', name, '-n', namespace], env);
    },
    teardown,
  };
}

/** Arrival times (performance.now()) of each pod's first ADDED and first `phase=Running`, by pod name. */
export class PodWatch {
  readonly added = new Map<string, number>();
  readonly running = new Map<string, number>();
  /** Watch restarts (stream ended) and relists (410 Gone / ERROR event). */
  restarts = 0;
  relists = 0;
  readonly #abort = new AbortController();
  readonly #waiters = new Set<() => void>();
  #done: Promise<void> | undefined;

  constructor(
    private readonly client: ClosableKubeClient,
    private readonly namespace: string,
    private readonly labelSelector?: string,
  ) {}

  /** Lists (pods already there count as seen at list time), then watches until stop(). */
  async start(): Promise<void> {
    const rv = await this.#list();
    this.#done = this.#loop(rv);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  /** Resolves once `ready()` is true, checked on every event; rejects after timeoutMs. */
  until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  #record(pod: Pod, now: number): void {
    const name = pod.metadata?.name;
    if (!name) return;
    if (!this.added.has(name)) this.added.set(name, now);
    if (pod.status?.phase === 'Running' && !this.running.has(name)) this.running.set(name, now);
  }

  async #list(): Promise<string> {
    const list = await this.client.list<Pod>(Kinds.Pod, {
      namespace: this.namespace,
      ...(this.labelSelector ? { labelSelector: this.labelSelector } : {}),
    });
    const now = performance.now();
    for (const pod of list.items) this.#record(pod, now);
    return list.resourceVersion;
  }

  async #loop(startRv: string): Promise<void> {
    let rv = startRv;
    while (!this.#abort.signal.aborted) {
      let gone = false;
      try {
        await this.client.watch<Pod>(
          Kinds.Pod,
          {
            namespace: this.namespace,
            resourceVersion: rv,
            timeoutSeconds: 3600,
            ...(this.labelSelector ? { labelSelector: this.labelSelector } : {}),
          },
          (event: WatchEvent<Pod>) => {
            const now = performance.now();
            if (event.type === 'ERROR') {
              gone = true;
              return;
            }
            const next = event.object.metadata?.resourceVersion;
            if (next) rv = next;
            if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#record(event.object, now);
            for (const w of [...this.#waiters]) w();
          },
          this.#abort.signal,
        );
      } catch {
        if (this.#abort.signal.aborted) return;
        gone = true;
        await sleep(100);
      }
      if (this.#abort.signal.aborted) return;
      if (gone) {
        this.relists++;
        try {
          rv = await this.#list();
        } catch {
          await sleep(200);
        }
      } else this.restarts++;
    }
  }
}

/** Runs `fn(i)` for i in [0, n) at most `concurrency` at a time, starting at most `qps` per second. */
export async function paced(n: number, qps: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const due = t0 + (i * 1000) / qps;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** Percentiles in ms, rounded to 0.1 ms. */
export function stats(values: readonly number[], percentile: (v: readonly number[], p: number) => number): {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
} {
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p99: round(percentile(values, 99)),
    max: round(percentile(values, 100)),
    mean: round(mean),
  };
}

/**
 * The host apiserver's `apiserver_request_total` counters (all clients together: syncer, kcm,
 * scheduler, kwok), keyed `VERB resource[/subresource] code`, read with `kubectl get --raw /metrics`.
 */
export async function hostRequestCounts(bench: BenchEnv): Promise<Map<string, number>> {
  const kubectl = (await testBinaries()).path('kubectl');
  const { stdout } = await run(kubectl, ['--kubeconfig', bench.env.KUBECONFIG!, '--context', 'vcluster-host', 'get', '--raw', '/metrics']);
  const out = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const resource = labels.subresource ? `${labels.resource}/${labels.subresource}` : labels.resource;
    const key = `${labels.verb} ${resource} ${labels.code}`;
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

/** after − before, the non-zero entries, largest first. */
export function countDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const rows = [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, d]) => d > 0);
  return Object.fromEntries(rows.sort((a, b) => b[1] - a[1]));
}

/** The machine's CPU count and 1/5/15-minute load averages now (the box may be shared: read figures with it). */
export function machineLoad(): { cpus: number; loadAverage: number[] } {
  return { cpus: cpus().length, loadAverage: loadavg().map((v) => round(v, 2)) };
}
