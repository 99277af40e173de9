/**
 * Where `vcluster debug mappings` reads: the local data dir's state.db, or, for the kubernetes driver,
 * the same command run inside pod NAME-0 (`--data-dir /data -o json`).
 */
import type { LifecycleContext } from '../../vclusters/context.js';
import { locateVCluster, POD_DATA_DIR, runPodCli } from '../locate.js';
import { readStoredMappings, toMappingRows, type MappingRow } from './view.js';

export function dataDirMappings(database: string): MappingRow[] {
  return toMappingRows(readStoredMappings(database));
}

export async function vclusterMappings(ctx: LifecycleContext, name: string, namespace: string | undefined): Promise<MappingRow[]> {
  const vc = await locateVCluster(ctx, name, namespace);
  if (vc.state.driver !== 'kubernetes') return dataDirMappings(vc.dir.database);
  const out = await runPodCli(vc, ['debug', 'mappings', vc.state.name, '--data-dir', POD_DATA_DIR, '-o', 'json']);
  return JSON.parse(out.toString('utf8')) as MappingRow[];
}
