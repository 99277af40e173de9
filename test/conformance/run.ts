/**
 * Differential conformance run: builds (or reuses) the upstream e2e.test, brings up a fresh embedded
 * host with simulated nodes only (`--real-nodes 0`, in a temporary VCLUSTER_HOME with its own
 * KUBECONFIG), creates a vcluster on it, runs the same ginkgo focus with the same flags against the
 * host and against the vcluster, and prints the counts of both and the specs that pass on the host
 * but fail in the vcluster. Exits 1 when there is any such spec. Every process it starts is stopped
 * by its pid and the temporary home is removed (--keep: kept, with the vcluster paused and the host down).
 *
 *   node --import tsx test/conformance/run.ts [--focus RE] [--skip RE] [--procs N] [--timeout 60m]
 *                                             [--nodes N] [--targets host,vcluster] [--set k=v]... [--keep]
 * --set passes a vcluster.yaml value to `vcluster create` (e.g. sync.fromHost.runtimeClasses.enabled=true).
 * Reports: <cache>/conformance/runs/<time>/{host,vcluster}/ (junit_01.xml, e2e.log).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../../src/lib/process.js';
import { CLI, REPO_ROOT } from '../support/cli.js';
import { isGone, killAll, pidsIn } from '../support/processes.js';
import { differential, formatDifferential } from './differential.js';
import { DEFAULT_SPECS, focusFor } from './focus.js';
import { parseJUnit, type JUnitResults } from './junit.js';

const VC = 'conformance';
const NS = 'vcluster-conformance';
const HOST_CONTEXT = 'vcluster-host';

type Target = 'host' | 'vcluster';

const { values: opts } = parseArgs({
  options: {
    focus: { type: 'string', default: focusFor(DEFAULT_SPECS) },
    skip: { type: 'string', default: '' },
    procs: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '60m' },
    nodes: { type: 'string', default: '3' },
    targets: { type: 'string', default: 'host,vcluster' },
    keep: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const procs = Number.parseInt(opts.procs, 10);
const targets = opts.targets.split(',').filter((t): t is Target => t === 'host' || t === 'vcluster');

const log = (msg: string): void => void process.stderr.write(`[conformance] ${msg}\n`);

const cacheRoot = process.env.VCLUSTER_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vcluster-ts');
const pids = new Set<number>();
let child: { pid: number; group: boolean } | undefined;
let interrupted = false;

/** build.sh prints the path of each requested binary, one per line, last. */
async function build(what: readonly string[]): Promise<string[]> {
  const started = Date.now();
  const { stdout } = await run('bash', [join(REPO_ROOT, 'test', 'conformance', 'build.sh'), ...what], { env: { VCLUSTER_CACHE_DIR: cacheRoot } });
  log(`e2e binaries ready in ${Math.round((Date.now() - started) / 1000)}s`);
  return stdout.trim().split('\n').slice(-what.length);
}

async function cli(env: Record<string, string>, ...args: string[]): Promise<string> {
  return (await run(process.execPath, [CLI, ...args], { env })).stdout;
}

async function kubectlPath(env: Record<string, string>): Promise<string> {
  const list = JSON.parse(await cli(env, 'binaries', 'list', '-o', 'json')) as { binaries: { name: string; path: string }[] };
  const kubectl = list.binaries.find((b) => b.name === 'kubectl');
  if (!kubectl) throw new Error('`vcluster binaries list` has no kubectl');
  return kubectl.path;
}

async function remember(home: string): Promise<void> {
  const found = { ...(await pidsIn(join(home, 'host', 'pids'))), ...(await pidsIn(join(home, 'vclusters', HOST_CONTEXT, NS, VC, 'pids'))) };
  for (const p of Object.values(found)) pids.add(p);
}

/** Runs e2e.test (or ginkgo with N processes) to completion; its output goes to <dir>/e2e.log. */
function runE2E(bins: { e2e: string; ginkgo?: string }, dir: string, kubeconfig: string, kubectl: string): Promise<number | null> {
  const e2eFlags = [
    `--kubeconfig=${kubeconfig}`,
    '--provider=skeleton',
    `--kubectl-path=${kubectl}`,
    `--e2e-output-dir=${join(dir, 'output')}`,
    `--report-dir=${dir}`,
    '--dump-logs-on-failure=false',
    '--disable-log-dump',
    `--num-nodes=${opts.nodes}`,
  ];
  const ginkgoFlags = { focus: opts.focus, skip: opts.skip, timeout: opts.timeout };
  const [command, args] = bins.ginkgo
    ? [bins.ginkgo, [`--procs=${procs}`, `--focus=${ginkgoFlags.focus}`, ...(ginkgoFlags.skip ? [`--skip=${ginkgoFlags.skip}`] : []), `--timeout=${ginkgoFlags.timeout}`, '--no-color', bins.e2e, '--', ...e2eFlags]]
    : [bins.e2e, [...e2eFlags, `-ginkgo.focus=${ginkgoFlags.focus}`, ...(ginkgoFlags.skip ? [`-ginkgo.skip=${ginkgoFlags.skip}`] : []), `-ginkgo.timeout=${ginkgoFlags.timeout}`, '-ginkgo.no-color']];
  return new Promise((resolve, reject) => {
    const out = createWriteStream(join(dir, 'e2e.log'));
    // a process group of its own, so ginkgo's worker processes are stopped with it
    const p = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (p.pid !== undefined) child = { pid: p.pid, group: true };
    p.stdout.pipe(out, { end: false });
    p.stderr.pipe(out, { end: false });
    p.on('error', reject);
    p.on('close', (code) => {
      child = undefined;
      out.end(() => resolve(code));
    });
  });
}

function stopChild(): void {
  if (!child) return;
  try {
    process.kill(child.group ? -child.pid : child.pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

async function readResults(dir: string): Promise<JUnitResults> {
  try {
    return parseJUnit(await readFile(join(dir, 'junit_01.xml'), 'utf8'));
  } catch {
    return { specs: [], failedSuiteNodes: ['(no junit_01.xml: the run did not finish)'] };
  }
}

async function main(): Promise<number> {
  if (!Number.isInteger(procs) || procs < 1) throw new Error(`--procs must be a positive integer, not ${opts.procs}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(cacheRoot, 'conformance', 'runs', stamp);
  const [e2e, ginkgo] = await build(procs > 1 ? ['e2e.test', 'ginkgo'] : ['e2e.test']);
  if (e2e === undefined) throw new Error('build.sh printed no e2e.test path');
  const bins = { e2e, ...(ginkgo ? { ginkgo } : {}) };

  const home = await mkdtemp(join(tmpdir(), 'vcluster-conformance-'));
  const env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig'), VCLUSTER_CACHE_DIR: cacheRoot };
  const results: Partial<Record<Target, JUnitResults>> = {};
  try {
    const kubectl = await kubectlPath(env);
    log(`host up (${opts.nodes} simulated nodes, no real node) in ${home}`);
    await cli(env, 'host', 'up', '--nodes', opts.nodes, '--real-nodes', '0');
    await remember(home);
    log(`create vcluster ${VC} in host namespace ${NS}`);
    await cli(env, 'create', VC, '-n', NS, '--connect=false', ...opts.set.flatMap((kv) => ['--set', kv]));
    await remember(home);
    const kubeconfigs: Record<Target, string> = {
      host: join(home, 'host', 'pki', 'admin.conf'),
      vcluster: join(home, 'vclusters', HOST_CONTEXT, NS, VC, 'pki', 'admin.conf'),
    };
    for (const target of targets) {
      if (interrupted) break;
      const dir = join(runDir, target);
      await mkdir(join(dir, 'output'), { recursive: true });
      log(`running e2e.test against the ${target} (log: ${join(dir, 'e2e.log')})`);
      const started = Date.now();
      const code = await runE2E(bins, dir, kubeconfigs[target], kubectl);
      const r = await readResults(dir);
      results[target] = r;
      const passed = r.specs.filter((s) => s.outcome === 'passed').length;
      log(`${target}: exit ${code}, ${passed}/${r.specs.filter((s) => s.outcome !== 'skipped').length} passed in ${Math.round((Date.now() - started) / 1000)}s`);
      for (const s of r.specs.filter((s) => s.outcome === 'failed')) log(`  ${target} FAILED: ${s.name}`);
      for (const n of r.failedSuiteNodes) log(`  ${target} suite node did not pass: ${n}`);
    }
  } finally {
    stopChild();
    log('cleaning up');
    // --keep: processes stopped, data (logs, state.db, etcd) left for a look
    const [vcArgs, hostArgs] = opts.keep
      ? [['pause', VC, '-n', NS], ['host', 'down']]
      : [['delete', VC, '-n', NS, '--ignore-not-found'], ['host', 'down', '--purge']];
    await cli(env, ...vcArgs).catch((e: unknown) => log(`${vcArgs[0]}: ${String(e)}`));
    await cli(env, ...hostArgs).catch((e: unknown) => log(`host down: ${String(e)}`));
    killAll(pids);
    for (const pid of pids) if (!(await isGone(pid))) log(`process ${pid} is still running`);
    if (opts.keep) log(`kept ${home}`);
    else await rm(home, { recursive: true, force: true });
  }

  const empty: JUnitResults = { specs: [], failedSuiteNodes: [] };
  const d = differential(results.host ?? empty, results.vcluster ?? empty);
  for (const line of formatDifferential(d)) process.stdout.write(`${line}\n`);
  process.stdout.write(`reports: ${runDir}\n`);
  return d.hostOnly.length > 0 ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping the e2e run`);
    interrupted = true;
    stopChild();
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    stopChild();
    log(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
