/**
 * `vcluster host node-agent`: one real node, run by the host supervisor inside a new network and mount
 * namespace (see components.ts). It joins the node's cgroup, builds the node's network and private
 * mounts, starts containerd, loads the locally built images, starts kubelet and kube-proxy, and writes
 * the ready file. On SIGTERM it stops them in reverse order and kills what is left in its cgroup (the
 * runc shims and the containers), so the namespaces die with it.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BinarySet } from '../../binaries/locate.js';
import { Supervisor } from '../../controlplane/supervisor/supervisor.js';
import { importImages } from '../../images/containerd-import.js';
import type { Logger } from '../../lib/logger.js';
import { ensureCgroup, joinCgroup, removeCgroupTree } from './cgroups.js';
import { nodeDaemonSpecs } from './components.js';
import { realNodeLayout } from './layout.js';
import { setupMounts } from './mounts.js';
import { setupNetwork } from './network.js';
import { findNodeSystem } from './preflight.js';

export interface NodeAgentOptions {
  readonly hostDataDir: string;
  readonly index: number;
  readonly rootPid: number;
  /** The folder of locally built image archives (*.tar) to load into containerd. */
  readonly imagesDir: string;
  readonly binaries: Pick<BinarySet, 'path'>;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

export async function runNodeAgent(o: NodeAgentOptions): Promise<void> {
  const l = realNodeLayout(o.hostDataDir, o.index);
  const log = o.log.child({ node: l.name });
  const system = await findNodeSystem();
  const nodeCgroup = l.daemonsCgroup.replace(/\/daemons$/, '');
  await ensureCgroup(l.daemonsCgroup);
  await ensureCgroup(l.podsCgroup);
  await joinCgroup(l.daemonsCgroup, process.pid);
  await setupNetwork(l, o.rootPid, { ip: system.tools.ip!, nsenter: system.tools.nsenter! });
  await setupMounts(l, o.rootPid, system.tools.mount!);
  log.info({ nodeIp: l.nodeIp, gateway: l.gatewayIp }, 'node network and mounts ready');

  const supervisor = new Supervisor({
    pidsDir: l.dirs.pids,
    logsDir: l.dirs.logs,
    log,
    marker: l.dir,
    env: { PATH: `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
  });
  const specs = nodeDaemonSpecs(l, o.binaries);
  const stop = async (): Promise<void> => {
    await supervisor.stopAll();
    const killed = await removeCgroupTree(nodeCgroup, [process.pid]);
    log.info({ killed }, 'node stopped');
  };
  try {
    await supervisor.startAll([specs.containerd], o.signal);
    const files = (await readdir(o.imagesDir)).filter((f) => f.endsWith('.tar')).map((f) => join(o.imagesDir, f));
    await importImages({ ctr: o.binaries.path('ctr'), address: l.files.containerdSocket, files, ...(o.signal ? { signal: o.signal } : {}) });
    log.info({ images: files.length }, 'images loaded');
    await supervisor.startAll([specs.kubelet, specs.kubeProxy], o.signal);
    await writeFile(l.files.readyFile, `${new Date().toISOString()}\n`);
  } catch (err) {
    await stop();
    throw err;
  }
  const outcome = await Promise.race([
    supervisor.failed,
    new Promise<'stop'>((resolve) => o.signal.addEventListener('abort', () => resolve('stop'), { once: true })),
  ]);
  await stop();
  if (outcome !== 'stop') throw outcome;
}
