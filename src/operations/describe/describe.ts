/**
 * `vcluster describe NAME`: what a vcluster is and how it is doing — driver, versions, ports, data dir,
 * the sync switches of its config, and health (supervisor and component processes, the virtual
 * apiserver's /readyz, the database; or pod NAME-0's containers for the kubernetes driver).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../config/index.js';
import { isOurProcess, readPidFile } from '../../controlplane/supervisor/pidfile.js';
import { podDriverStatus } from '../../drivers/kubernetes/control.js';
import { ignoreNotFound } from '../../k8s/errors.js';
import { Kinds, type Pod } from '../../k8s/types.js';
import type { LifecycleContext } from '../../vclusters/context.js';
import { statusOf, supervisorPid } from '../../vclusters/local-driver.js';
import { formatError } from '../../lib/errors.js';
import { virtualApi } from '../history/virtual-api.js';
import { locateVCluster, POD_DATA_DIR, type LocatedVCluster } from '../locate.js';
import { syncSwitches, type SyncSwitch } from './switches.js';

export const VCLUSTER_TS_VERSION = '0.1.0';

export interface Health {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Description {
  readonly name: string;
  readonly namespace: string;
  readonly hostContext: string;
  readonly driver: 'local' | 'kubernetes';
  readonly status: string;
  readonly createdAt: string;
  readonly readyAt: string | undefined;
  readonly versions: { readonly vclusterTs: string; readonly kubernetes: string };
  readonly ports: { readonly apiServer: number; readonly controllerManager: number; readonly metrics: number | undefined };
  readonly serviceCidr: string;
  readonly dataDir: string;
  readonly localRecord: string;
  readonly podSecurityStandard: string;
  readonly syncSwitches: readonly SyncSwitch[];
  readonly health: readonly Health[];
}

async function localHealth(vc: LocatedVCluster): Promise<Health[]> {
  const health: Health[] = [];
  const sup = await supervisorPid(vc.dir);
  health.push({ check: 'supervisor', ok: sup !== undefined, detail: sup !== undefined ? `pid ${sup}` : 'not running' });
  const files = await readdir(vc.dir.pidsDir).catch(() => [] as string[]);
  for (const f of files.filter((n) => n.endsWith('.pid') && n !== 'supervisor.pid').sort()) {
    const pid = await readPidFile(join(vc.dir.pidsDir, f));
    const alive = pid !== undefined && (await isOurProcess(pid, vc.dir.root));
    health.push({ check: f.slice(0, -4), ok: alive, detail: alive ? `pid ${pid}` : 'not running' });
  }
  try {
    const api = await virtualApi(vc.dir.pkiDir, vc.state.ports.apiServer, 5_000);
    const r = await api.get('/readyz');
    health.push({ check: 'apiserver /readyz', ok: r.status === 200, detail: r.status === 200 ? 'ok' : `HTTP ${r.status}` });
  } catch (err) {
    health.push({ check: 'apiserver /readyz', ok: false, detail: formatError(err) });
  }
  try {
    const size = (await stat(vc.dir.database)).size;
    const db = new Database(vc.dir.database, { readonly: true, fileMustExist: true, timeout: 5_000 });
    try {
      const r = db.prepare('SELECT COALESCE(MAX(id), 0) AS revision FROM kine').get() as { revision: number };
      health.push({ check: 'database', ok: true, detail: `revision ${r.revision}, ${(size / 1048576).toFixed(1)} MiB (without WAL)` });
    } finally {
      db.close();
    }
  } catch (err) {
    health.push({ check: 'database', ok: false, detail: formatError(err) });
  }
  return health;
}

async function podHealth(vc: LocatedVCluster): Promise<Health[]> {
  const pod = await ignoreNotFound((await vc.host.client()).get<Pod>(Kinds.Pod, { namespace: vc.state.namespace, name: `${vc.state.name}-0` }));
  if (!pod) return [{ check: `pod ${vc.state.name}-0`, ok: false, detail: 'absent' }];
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return [
    { check: `pod ${vc.state.name}-0`, ok: ready, detail: ready ? 'Ready' : 'not Ready' },
    ...(pod.status?.containerStatuses ?? []).map((c) => ({ check: `container ${c.name}`, ok: c.ready, detail: `${c.ready ? 'ready' : 'not ready'}, ${c.restartCount} restart(s)` })),
  ];
}

export async function describeVCluster(ctx: LifecycleContext, name: string, namespace: string | undefined): Promise<Description> {
  const vc = await locateVCluster(ctx, name, namespace);
  const kubernetes = vc.state.driver === 'kubernetes';
  const config = await loadConfig({ files: [vc.dir.configFile] });
  return {
    name: vc.state.name,
    namespace: vc.state.namespace,
    hostContext: vc.state.hostContext,
    driver: vc.state.driver,
    status: kubernetes ? await podDriverStatus(vc.host, vc.state.name, vc.state.namespace) : await statusOf(vc.dir, vc.state),
    createdAt: vc.state.createdAt,
    readyAt: vc.state.readyAt,
    versions: { vclusterTs: VCLUSTER_TS_VERSION, kubernetes: ctx.binaries.versions.kubernetes },
    ports: { apiServer: vc.state.ports.apiServer, controllerManager: vc.state.ports.controllerManager, metrics: vc.state.ports.metrics },
    serviceCidr: vc.state.serviceCidr,
    dataDir: kubernetes ? `pod ${vc.state.namespace}/${vc.state.name}-0:${POD_DATA_DIR}` : vc.dir.root,
    localRecord: vc.dir.root,
    podSecurityStandard: config.policies.podSecurityStandard,
    syncSwitches: syncSwitches(config.sync),
    health: kubernetes ? await podHealth(vc) : await localHealth(vc),
  };
}

/** kubectl-describe style text. Pure. */
export function renderDescription(d: Description): string {
  const lines = [
    `Name:                  ${d.name}`,
    `Namespace:             ${d.namespace}`,
    `Host context:          ${d.hostContext}`,
    `Driver:                ${d.driver}`,
    `Status:                ${d.status}`,
    `Created:               ${d.createdAt}`,
    `Ready since:           ${d.readyAt ?? '-'}`,
    `Versions:              vcluster-ts ${d.versions.vclusterTs}, Kubernetes ${d.versions.kubernetes}`,
    `Ports:                 apiserver ${d.ports.apiServer}, controller-manager ${d.ports.controllerManager}, metrics ${d.ports.metrics ?? '-'}`,
    `Service CIDR:          ${d.serviceCidr}`,
    `Data dir:              ${d.dataDir}`,
    ...(d.dataDir !== d.localRecord ? [`Local record:          ${d.localRecord}`] : []),
    `Pod Security Standard: ${d.podSecurityStandard}`,
    'Sync:',
    ...d.syncSwitches.map((s) => `  ${s.path}: ${s.value}`),
    'Health:',
    ...d.health.map((h) => `  ${h.ok ? 'ok  ' : 'FAIL'}  ${h.check}: ${h.detail}`),
  ];
  return lines.join('\n');
}
