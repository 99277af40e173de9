/**
 * What a real node needs from the machine, checked before anything is created: the Debian tools
 * (runc, the CNI plugins, iptables, iproute2, util-linux) and the kernel features (network and mount
 * namespaces, veth, overlayfs, cgroup v1). A missing one is named with the package that brings it.
 */
import { access, constants, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { parseCgroupV1Mounts } from './cgroups.js';
import type { NodeBinaries } from './configs.js';

export interface SystemTool {
  readonly name: string;
  readonly candidates: readonly string[];
  readonly debianPackage: string;
}

export const CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'] as const;
const CNI_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];

export const SYSTEM_TOOLS: readonly SystemTool[] = [
  { name: 'runc', candidates: ['/usr/sbin/runc', '/usr/bin/runc'], debianPackage: 'runc' },
  { name: 'iptables', candidates: ['/usr/sbin/iptables', '/sbin/iptables'], debianPackage: 'iptables' },
  { name: 'ip', candidates: ['/usr/sbin/ip', '/sbin/ip', '/bin/ip'], debianPackage: 'iproute2' },
  { name: 'nsenter', candidates: ['/usr/bin/nsenter'], debianPackage: 'util-linux' },
  { name: 'unshare', candidates: ['/usr/bin/unshare'], debianPackage: 'util-linux' },
  { name: 'mount', candidates: ['/usr/bin/mount', '/bin/mount'], debianPackage: 'mount' },
];

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface NodeSystem extends NodeBinaries {
  readonly tools: Readonly<Record<string, string>>;
}

export interface FindNodeSystemOptions {
  /** @default SYSTEM_TOOLS */
  readonly tools?: readonly SystemTool[];
  /** Where the CNI plugins may be. @default /usr/lib/cni, /opt/cni/bin */
  readonly cniDirs?: readonly string[];
}

/** Finds the tools; throws one PRECONDITION error naming everything missing. */
export async function findNodeSystem(opts: FindNodeSystemOptions = {}): Promise<NodeSystem> {
  const tools: Record<string, string> = {};
  const missing: string[] = [];
  const packages = new Set<string>();
  const cniDirs = opts.cniDirs ?? CNI_DIRS;
  for (const t of opts.tools ?? SYSTEM_TOOLS) {
    let found: string | undefined;
    for (const c of t.candidates) if (!found && (await executable(c))) found = c;
    if (found) tools[t.name] = found;
    else {
      missing.push(`${t.name} (${t.candidates.join(' or ')})`);
      packages.add(t.debianPackage);
    }
  }
  let cniBinDir: string | undefined;
  for (const dir of cniDirs) {
    const all = await Promise.all(CNI_PLUGINS.map((p) => executable(join(dir, p))));
    if (!cniBinDir && all.every(Boolean)) cniBinDir = dir;
  }
  if (!cniBinDir) {
    missing.push(`the CNI plugins ${CNI_PLUGINS.join(', ')} (in ${cniDirs.join(' or ')})`);
    packages.add('containernetworking-plugins');
  }
  missing.push(...(await missingKernelFeatures()));
  if (missing.length > 0) {
    throw new VClusterError(`a real node cannot run on this machine: missing ${missing.join('; ')}`, {
      code: ErrorCode.PRECONDITION,
      hint: `${packages.size > 0 ? `apt-get install ${[...packages].join(' ')} (scripts/install-deps.sh does), or ` : ''}run \`vcluster host up --real-nodes 0\` for simulated nodes only`,
    });
  }
  return { tools, runc: tools.runc!, cniBinDir: cniBinDir! };
}

async function missingKernelFeatures(): Promise<string[]> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (namespaces, mounts and cgroups need it)');
  for (const ns of ['net', 'mnt']) {
    try {
      await access(`/proc/self/ns/${ns}`);
    } catch {
      missing.push(`${ns} namespaces (/proc/self/ns/${ns})`);
    }
  }
  const fs = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  if (!/\toverlay$/m.test(fs)) missing.push('overlayfs (not in /proc/filesystems; modprobe overlay)');
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  if (parseCgroupV1Mounts(mounts).length === 0) missing.push('cgroup v1 hierarchies (none mounted)');
  return missing;
}
