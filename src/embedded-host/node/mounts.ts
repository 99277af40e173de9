/**
 * The node's private mount namespace (the agent starts in one, with slave propagation, so nothing
 * mounted here is seen outside): kubelet's global kernel settings are shadowed by files holding the
 * values it wants, and the fixed paths kubelet, libcni and iptables write (/var/lib, /var/log, /run)
 * are overlaid with upper dirs inside the node dir. Everything here vanishes with the namespace.
 */
import { mkdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../lib/process.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import type { RealNodeLayout } from './layout.js';

/** Kernel settings kubelet sets at start (global, not per namespace) and the values it wants. */
export const SHADOWED_SYSCTLS: Readonly<Record<string, string>> = {
  'vm/overcommit_memory': '1',
  'vm/panic_on_oom': '0',
  'kernel/panic': '10',
  'kernel/panic_on_oops': '1',
  'kernel/keys/root_maxkeys': '1000000',
  'kernel/keys/root_maxbytes': '25000000',
};

export const OVERLAID_DIRS = ['/var/lib', '/var/log', '/run'] as const;

export async function inOwnMountNs(rootPid: number): Promise<boolean> {
  const [mine, root] = await Promise.all([readlink('/proc/self/ns/mnt'), readlink(`/proc/${rootPid}/ns/mnt`)]);
  return mine !== root;
}

export async function setupMounts(l: RealNodeLayout, rootPid: number, mount: string): Promise<void> {
  if (!(await inOwnMountNs(rootPid))) {
    throw new VClusterError('the node agent runs in the root mount namespace; refusing to mount', { code: ErrorCode.INTERNAL });
  }
  // -n: mount(8) keeps no record in /run/mount/utab (a file of the machine's /run)
  for (const dir of OVERLAID_DIRS) {
    const base = join(l.dirs.overlays, dir.replace(/\//g, '_'));
    await mkdir(join(base, 'upper'), { recursive: true });
    await mkdir(join(base, 'work'), { recursive: true });
    await run(mount, ['-n', '-t', 'overlay', 'overlay', '-o', `lowerdir=${dir},upperdir=${base}/upper,workdir=${base}/work`, dir]);
  }
  for (const [key, value] of Object.entries(SHADOWED_SYSCTLS)) {
    const file = join(l.dirs.sysctlShadow, key.replace(/\//g, '_'));
    await writeFile(file, `${value}\n`);
    await run(mount, ['-n', '--bind', file, `/proc/sys/${key}`]);
  }
  for (const dir of Object.values(l.nsDirs)) await mkdir(dir, { recursive: true });
}
