/**
 * `vcluster restore NAME FILE`: brings a vcluster back to a snapshot — its objects, mappings and PKI.
 * The archive is read and checked completely (gzip, tar, checksums, PRAGMA integrity_check) before
 * anything changes; then the control plane stops, the snapshot is swapped in, and it starts again
 * (unless paused). The syncer then reconciles the host twins: objects the snapshot does not hold lose
 * their twins, objects it holds get theirs back. A start that fails puts the previous data back.
 * The vcluster keeps its own config (the snapshot's config.yaml seeds `create --restore`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, VClusterError, formatError, isErrnoException } from '../../lib/errors.js';
import type { LifecycleContext } from '../../vclusters/context.js';
import { startLocal, stopLocal, supervisorPid } from '../../vclusters/local-driver.js';
import { contextName } from '../../vclusters/naming.js';
import { certificateContext, addContext, getCluster, getContext, readKubeconfigFile, updateKubeconfigFile } from '../../k8s/kubeconfig.js';
import { PKI_FILES } from '../../controlplane/pki/layout.js';
import { locateVCluster, type LocatedVCluster } from '../locate.js';
import { parseSnapshotArchive, type SnapshotContents } from './archive.js';
import { restoreInPod } from './restore-pod.js';
import { swapIn } from './swap.js';

/** Snapshots larger than this are refused before reading (the archive is handled in memory). */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024 * 1024 - 1;

export interface RestoreResult {
  readonly name: string;
  readonly namespace: string;
  readonly revision: number;
  readonly remappedMappings: number;
  readonly started: boolean;
  readonly seconds: number;
}

/** Reads and checks a snapshot file; a missing or corrupt file is a one-line error. */
export async function readSnapshotFile(file: string): Promise<SnapshotContents> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if (isErrnoException(err) && (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES')) {
      throw new VClusterError(`snapshot file ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code}`, { code: ErrorCode.NOT_FOUND });
    }
    throw new VClusterError(`read snapshot file ${file}`, { cause: err });
  }
  if (bytes.length > MAX_SNAPSHOT_BYTES) throw new VClusterError(`snapshot file ${file} is larger than 4 GiB`, { code: ErrorCode.USAGE });
  try {
    return parseSnapshotArchive(bytes);
  } catch (err) {
    if (err instanceof VClusterError) throw new VClusterError(`${file}: ${err.message}`, { code: err.code, ...(err.cause === undefined ? {} : { cause: err.cause }), ...(err.hint ? { hint: err.hint } : {}) });
    throw err;
  }
}

function checkCompatible(vc: LocatedVCluster, contents: SnapshotContents): void {
  if (contents.manifest.serviceCidr !== vc.state.serviceCidr) {
    throw new VClusterError(
      `the snapshot's service CIDR ${contents.manifest.serviceCidr} differs from vcluster ${vc.state.name}'s ${vc.state.serviceCidr} (its Services' ClusterIPs would be invalid)`,
      { code: ErrorCode.PRECONDITION, hint: `restore into a new vcluster: \`vcluster create NAME --restore FILE\`` },
    );
  }
}

/** A kubeconfig context made earlier by `connect` gets the restored CA and admin certificate. */
async function refreshContext(ctx: LifecycleContext, vc: LocatedVCluster): Promise<void> {
  const name = contextName(vc.state.name, vc.state.namespace, vc.host.context);
  const kc = await readKubeconfigFile(ctx.userKubeconfig).catch(() => undefined);
  const existing = kc ? getContext(kc, name) : undefined;
  const server = kc && existing ? getCluster(kc, existing.context.cluster)?.cluster.server : undefined;
  if (!server) return;
  const pki = (f: string): Promise<string> => readFile(join(vc.dir.pkiDir, f), 'utf8');
  const entry = certificateContext(name, { server, caPem: await pki(PKI_FILES.caCert), certPem: await pki(PKI_FILES.cert('admin')), keyPem: await pki(PKI_FILES.key('admin')) });
  await updateKubeconfigFile(ctx.userKubeconfig, (k) => addContext(k, entry));
}

export async function restoreLocal(ctx: LifecycleContext, vc: LocatedVCluster, contents: SnapshotContents): Promise<Omit<RestoreResult, 'seconds'>> {
  const paused = vc.state.paused;
  if ((await supervisorPid(vc.dir)) !== undefined) ctx.progress(`stopping the control plane of vcluster ${vc.state.name}`);
  await stopLocal(ctx, vc.dir);
  const swapped = await swapIn(vc.dir, contents, { name: vc.state.name, namespace: vc.state.namespace });
  ctx.progress(`restored the database (revision ${swapped.revision}) and PKI of vcluster ${vc.state.name}${swapped.remappedMappings > 0 ? `; ${swapped.remappedMappings} mapping(s) rewritten for it` : ''}`);
  if (!paused) {
    try {
      await startLocal(ctx, vc.dir, `vcluster ${vc.state.name}`);
    } catch (err) {
      ctx.progress(`the restored control plane did not start, putting the previous data back: ${formatError(err).split('\n')[0] ?? ''}`);
      await stopLocal(ctx, vc.dir);
      await swapped.rollback();
      await startLocal(ctx, vc.dir, `vcluster ${vc.state.name}`).catch(() => undefined);
      throw new VClusterError(`restore vcluster ${vc.state.name}`, { cause: err });
    }
  }
  await swapped.commit();
  await refreshContext(ctx, vc);
  return { name: vc.state.name, namespace: vc.state.namespace, revision: swapped.revision, remappedMappings: swapped.remappedMappings, started: !paused };
}

export async function restoreVCluster(ctx: LifecycleContext, opts: { name: string; namespace: string | undefined; file: string }): Promise<RestoreResult> {
  const started = Date.now();
  const contents = await readSnapshotFile(opts.file);
  const vc = await locateVCluster(ctx, opts.name, opts.namespace);
  checkCompatible(vc, contents);
  const r = vc.state.driver === 'kubernetes' ? await restoreInPod(ctx, vc, contents) : await restoreLocal(ctx, vc, contents);
  return { ...r, seconds: (Date.now() - started) / 1000 };
}
