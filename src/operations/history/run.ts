/**
 * Where `vcluster history` reads: the local data dir (with the apiserver decoding protobuf values when
 * the vcluster runs), or, for the kubernetes driver, the same command run inside pod NAME-0.
 */
import { dataDir } from '../../controlplane/datadir.js';
import { readVClusterState } from '../../controlplane/state.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import type { LifecycleContext } from '../../vclusters/context.js';
import { statusOf } from '../../vclusters/local-driver.js';
import { locateVCluster, POD_DATA_DIR, runPodCli } from '../locate.js';
import { objectHistory, type ObjectHistory } from './history.js';
import type { ObjectTarget } from './keys.js';
import { virtualApi } from './virtual-api.js';

export type HistorySubject = { readonly target: ObjectTarget } | { readonly key: string };

/** History from a data dir on this machine (also what runs inside pod NAME-0). */
export async function dataDirHistory(root: string, subject: HistorySubject, live: boolean): Promise<ObjectHistory> {
  const dir = dataDir(root);
  const state = await readVClusterState(dir.stateFile);
  if (!state) throw new VClusterError(`${dir.stateFile} is missing: not a vcluster data dir`, { code: ErrorCode.NOT_FOUND });
  const api = live ? await virtualApi(dir.pkiDir, state.ports.apiServer) : undefined;
  return objectHistory(dir.database, subject, api);
}

export async function vclusterHistory(ctx: LifecycleContext, name: string, namespace: string | undefined, subject: HistorySubject): Promise<ObjectHistory> {
  const vc = await locateVCluster(ctx, name, namespace);
  if (vc.state.driver !== 'kubernetes') return dataDirHistory(vc.dir.root, subject, (await statusOf(vc.dir, vc.state)) === 'Running');
  const args =
    'key' in subject
      ? ['--key', subject.key]
      : [`${subject.target.resource}${subject.target.group ? `.${subject.target.group}` : ''}/${subject.target.namespace}/${subject.target.name}`];
  const out = await runPodCli(vc, ['history', vc.state.name, ...args, '--data-dir', POD_DATA_DIR, '-o', 'json']);
  return JSON.parse(out.toString('utf8')) as ObjectHistory;
}
