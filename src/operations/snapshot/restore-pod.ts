/**
 * Restore for the kubernetes driver. The control plane is pod NAME-0 itself, so the snapshot is handed
 * to it (checked again there) as <data>/restore-pending.tar.gz, the pod is deleted, and the next
 * `vcluster start` swaps it in before kine opens the database (applyPendingRestore), writing what it
 * did to <data>/restore-result.json, which this side reads back once the pod is Ready again.
 */
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { dataDir } from '../../controlplane/datadir.js';
import { readVClusterState } from '../../controlplane/state.js';
import { waitPodReady } from '../../drivers/kubernetes/deploy.js';
import { deleteObject } from '../../k8s/delete.js';
import { ErrorCode, VClusterError, formatError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { Kinds, type Service } from '../../k8s/types.js';
import type { LifecycleContext } from '../../vclusters/context.js';
import { runBinary } from '../exec-binary.js';
import { CONTROL_PLANE_CONTAINER, POD_CLI, POD_DATA_DIR, runPodCli, type LocatedVCluster } from '../locate.js';
import { buildSnapshotArchive, parseSnapshotArchive, type SnapshotContents } from './archive.js';
import { loadConfig } from '../../config/index.js';
import { ensurePki } from '../../controlplane/pki/store.js';
import { virtualClusterPkiSpec } from '../../controlplane/plan.js';
import { stageSnapshot, swapIn } from './swap.js';

export const PENDING_RESTORE_FILE = 'restore-pending.tar.gz';
export const RESTORE_RESULT_FILE = 'restore-result.json';

const ResultSchema = z.object({ ok: z.boolean(), revision: z.number().optional(), remappedMappings: z.number().optional(), error: z.string().optional(), at: z.string() });
type RestoreOutcome = z.infer<typeof ResultSchema>;

/** In the pod: checks the archive read from stdin and leaves it for the next start. */
export async function stagePendingRestore(root: string, archive: Buffer): Promise<void> {
  const dir = dataDir(root);
  const contents = parseSnapshotArchive(archive);
  const state = await readVClusterState(dir.stateFile);
  if (!state) throw new VClusterError(`${dir.stateFile} is missing`, { code: ErrorCode.NOT_FOUND });
  const { staging } = await stageSnapshot(dir, contents, { name: state.name, namespace: state.namespace });
  await rm(staging, { recursive: true, force: true });
  await rm(join(root, RESTORE_RESULT_FILE), { force: true });
  await writeFile(join(root, PENDING_RESTORE_FILE), archive, { mode: 0o600 });
}

/** In `vcluster start`, before anything opens the database: swaps in a pending snapshot, if any. */
export async function applyPendingRestore(root: string, log: Logger): Promise<void> {
  const pending = join(root, PENDING_RESTORE_FILE);
  if (!(await access(pending).then(() => true, () => false))) return;
  const dir = dataDir(root);
  let outcome: RestoreOutcome;
  try {
    const state = await readVClusterState(dir.stateFile);
    if (!state) throw new VClusterError(`${dir.stateFile} is missing`);
    const swapped = await swapIn(dir, parseSnapshotArchive(await readFile(pending)), { name: state.name, namespace: state.namespace });
    await swapped.commit();
    outcome = { ok: true, revision: swapped.revision, remappedMappings: swapped.remappedMappings, at: new Date().toISOString() };
    log.info({ revision: swapped.revision, remappedMappings: swapped.remappedMappings }, 'snapshot restored');
  } catch (err) {
    outcome = { ok: false, error: formatError(err), at: new Date().toISOString() };
    log.error({ err: formatError(err) }, 'restoring the pending snapshot failed; starting on the previous data');
  }
  await writeFile(join(root, RESTORE_RESULT_FILE), `${JSON.stringify(outcome)}\n`);
  await rm(pending, { force: true });
}

/**
 * The snapshot's PKI with a serving certificate for this pod: signed by the snapshot's CA (the one its
 * kubeconfigs trust) and naming this vcluster's Service and ClusterIP, as deployKubernetes issues it.
 */
async function pkiForPod(vc: LocatedVCluster, contents: SnapshotContents): Promise<Map<string, Buffer>> {
  const tmp = await mkdtemp(join(tmpdir(), 'vcluster-restore-pki-'));
  try {
    for (const [file, data] of contents.pki) await writeFile(join(tmp, file), data, { mode: 0o600 });
    const { name, namespace } = vc.state;
    const clusterIp = (await (await vc.host.client()).get<Service>(Kinds.Service, { namespace, name })).spec?.clusterIP ?? '';
    const spec = virtualClusterPkiSpec(name, vc.state.serviceCidr, await loadConfig({ files: [vc.dir.configFile] }));
    const sans = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, ...(clusterIp ? [clusterIp] : [])];
    await ensurePki(tmp, { ...spec, extraSans: [...(spec.extraSans ?? []), ...sans] });
    const out = new Map<string, Buffer>();
    for (const e of await readdir(tmp, { withFileTypes: true })) if (e.isFile()) out.set(e.name, await readFile(join(tmp, e.name)));
    return out;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function restoreInPod(ctx: LifecycleContext, vc: LocatedVCluster, contents: SnapshotContents): Promise<{ name: string; namespace: string; revision: number; remappedMappings: number; started: boolean }> {
  const { name, namespace } = vc.state;
  const kubectl = (args: readonly string[]): Promise<{ stdout: Buffer }> => runBinary(vc.host.kubectlBinary, [`--kubeconfig=${vc.host.kubeconfig}`, `--context=${vc.host.context}`, ...args]);
  const pki = await pkiForPod(vc, contents);
  const { sha256: _checksums, format: _format, formatVersion: _version, ...manifest } = contents.manifest;
  const archive = buildSnapshotArchive(manifest, contents.database, contents.config, pki);
  ctx.progress(`handing the snapshot to pod ${namespace}/${name}-0`);
  await runPodCli(vc, ['operations', 'stage-restore', '--data-dir', POD_DATA_DIR], archive);
  ctx.progress(`restarting pod ${namespace}/${name}-0 to swap the snapshot in`);
  // waits until the pod is gone or the StatefulSet made a new one (another uid), within the time the kubectl it replaces had
  await deleteObject(await vc.host.client(), Kinds.Pod, { namespace, name: `${name}-0` }, { timeoutMs: 600_000 });
  await waitPodReady(vc.host, name, namespace);
  // the image has no cat: node prints the file
  const print = `process.stdout.write(require('fs').readFileSync(${JSON.stringify(`${POD_DATA_DIR}/${RESTORE_RESULT_FILE}`)}))`;
  const raw = (await kubectl(['exec', '-n', namespace, `${name}-0`, '-c', CONTROL_PLANE_CONTAINER, '--', POD_CLI[0], '-e', print])).stdout.toString('utf8');
  const outcome = ResultSchema.parse(JSON.parse(raw));
  if (!outcome.ok) throw new VClusterError(`restore in pod ${namespace}/${name}-0: ${outcome.error ?? 'unknown error'}`);
  // the local record's PKI is what `connect` reads
  await mkdir(vc.dir.pkiDir, { recursive: true, mode: 0o700 });
  for (const [file, data] of pki) await writeFile(join(vc.dir.pkiDir, file), data, { mode: file.endsWith('.key') ? 0o600 : 0o644 });
  return { name, namespace, revision: outcome.revision ?? contents.manifest.revision, remappedMappings: outcome.remappedMappings ?? 0, started: true };
}
