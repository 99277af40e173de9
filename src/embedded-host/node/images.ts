/** Loads image archives into the containerd of every real node of a running embedded host. */
import { access } from 'node:fs/promises';
import { importImages } from '../../images/containerd-import.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { liveSupervisor } from '../../controlplane/supervisor/detached.js';
import { hostPaths } from '../paths.js';
import { readHostState } from '../state.js';
import { realNodeLayout } from './layout.js';

export interface ImportIntoNodesOptions {
  readonly hostDataDir: string;
  readonly ctr: string;
  readonly files: readonly string[];
  readonly progress: (line: string) => void;
}

/** Returns the names of the nodes the archives were loaded into. */
export async function importIntoRealNodes(o: ImportIntoNodesOptions): Promise<string[]> {
  for (const f of o.files) {
    try {
      await access(f);
    } catch {
      throw new VClusterError(`image archive ${f} does not exist`, { code: ErrorCode.NOT_FOUND });
    }
  }
  const paths = hostPaths(o.hostDataDir);
  const state = await readHostState(paths.stateFile);
  const pid = await liveSupervisor(paths.supervisorPidFile, paths.dataDir);
  if (!state || pid === undefined || state.phase !== 'ready') {
    throw new VClusterError(`the embedded host in ${o.hostDataDir} is not running`, {
      code: ErrorCode.PRECONDITION,
      hint: 'start it with `vcluster host up`',
    });
  }
  if (state.realNodes === 0) {
    throw new VClusterError('the embedded host has no real node to load images into', {
      code: ErrorCode.PRECONDITION,
      hint: 'restart it with `vcluster host down && vcluster host up --real-nodes 1`',
    });
  }
  const names: string[] = [];
  for (let i = 1; i <= state.realNodes; i++) {
    const l = realNodeLayout(o.hostDataDir, i);
    await importImages({ ctr: o.ctr, address: l.files.containerdSocket, files: o.files });
    o.progress(`loaded ${o.files.length} archive(s) into node ${l.name}`);
    names.push(l.name);
  }
  return names;
}
