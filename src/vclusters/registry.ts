/**
 * Where the local driver keeps each virtual cluster: <home>/vclusters/<host context>/<namespace>/<name>/
 * (a vCluster /data dir plus state.json). Listing scans that tree.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir, type DataDir } from '../controlplane/datadir.js';
import { readVClusterState, type VClusterState } from '../controlplane/state.js';

export interface LocalVCluster {
  readonly dir: DataDir;
  readonly state: VClusterState;
}

function contextDir(home: string, hostContext: string): string {
  return join(home, 'vclusters', encodeURIComponent(hostContext));
}

export function vclusterDataDir(home: string, hostContext: string, namespace: string, name: string): DataDir {
  return dataDir(join(contextDir(home, hostContext), namespace, name));
}

export async function findLocal(home: string, hostContext: string, namespace: string, name: string): Promise<LocalVCluster | undefined> {
  const dir = vclusterDataDir(home, hostContext, namespace, name);
  const state = await readVClusterState(dir.stateFile).catch(() => undefined);
  return state ? { dir, state } : undefined;
}

const subdirs = async (path: string): Promise<string[]> =>
  readdir(path, { withFileTypes: true }).then((e) => e.filter((d) => d.isDirectory()).map((d) => d.name), () => []);

/** Every local vcluster of a host context. */
export async function listLocal(home: string, hostContext: string): Promise<LocalVCluster[]> {
  const out: LocalVCluster[] = [];
  const root = contextDir(home, hostContext);
  for (const ns of await subdirs(root)) {
    for (const name of await subdirs(join(root, ns))) {
      const found = await findLocal(home, hostContext, ns, name);
      if (found) out.push(found);
    }
  }
  return out;
}
