/**
 * The kubernetes driver's side of `vcluster create` and `delete`: puts the control plane into the host
 * as StatefulSet <name> (pod <name>-0), with its Service, RBAC, seed Secret and data volume, and waits
 * for the pod to serve; removes all of it again. On the embedded host the images are built here and
 * loaded into the real nodes (no registry), and the data claim binds to a hostPath volume on the real
 * node (the embedded host has no provisioner); on another cluster the default storage class provides
 * it and the images must be in a registry its nodes reach.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import { ensurePki } from '../../controlplane/pki/store.js';
import { virtualClusterPkiSpec } from '../../controlplane/plan.js';
import type { VClusterState } from '../../controlplane/state.js';
import { configHash } from './config-hash.js';
import { controlPlaneImages } from './image-refs.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { deleteAllOf, deleteObject } from '../../k8s/delete.js';
import { ignoreNotFound } from '../../k8s/errors.js';
import { Kinds, type Node, type Pod, type Service } from '../../k8s/types.js';
import { applyToHost, type HostAccess } from '../../vclusters/host-access.js';
import type { HostObject } from '../../vclusters/host-objects.js';
import { NODE_TYPE_LABEL } from '../../embedded-host/node/layout.js';
import {
  controlPlaneRbac,
  controlPlaneService,
  controlPlaneStatefulSet,
  dataClaimName,
  hostPathDataVolume,
  podServingSans,
  podState,
  seedSecret,
  seedSecretName,
} from './render.js';
import { seedKey } from './seed.js';

export const POD_READY_TIMEOUT_S = 240;

export interface DeployInput {
  readonly name: string;
  readonly namespace: string;
  readonly config: Config;
  readonly configYaml: string;
  readonly serviceCidr: string;
  readonly hostContext: string;
  readonly createdNamespace: boolean;
  /** True on the embedded host: images are loaded into its real nodes and the data lives on the real node. */
  readonly embeddedHost: boolean;
  /** Where the PKI is kept on this machine too (connect reads the admin certificate from it). */
  readonly localPkiDir: string;
  readonly progress: (line: string) => void;
}

/** Whether the host has a node that runs our images: the embedded host's real node. */
export async function hasRealNode(host: HostAccess): Promise<boolean> {
  const { items } = await (await host.client()).list<Node>(Kinds.Node, { labelSelector: `${NODE_TYPE_LABEL}=real` });
  return items.length > 0;
}

async function applyObjects(host: HostAccess, objects: readonly HostObject[]): Promise<void> {
  await applyToHost(await host.client(), objects);
}

/** The seed's files: config.yaml, state.json and every file of the PKI dir. */
async function seedFiles(pkiDir: string, configYaml: string, state: VClusterState): Promise<Record<string, Buffer | string>> {
  const files: Record<string, Buffer | string> = { 'config.yaml': configYaml, 'state.json': `${JSON.stringify(state, null, 2)}\n` };
  for (const f of await readdir(pkiDir, { withFileTypes: true })) {
    if (f.isFile()) files[seedKey(`pki/${f.name}`)] = await readFile(join(pkiDir, f.name));
  }
  return files;
}

export async function deployKubernetes(host: HostAccess, d: DeployInput): Promise<VClusterState> {
  const service = controlPlaneService(d.name, d.namespace);
  await applyObjects(host, [service, ...controlPlaneRbac(d.name, d.namespace)]);
  const clusterIp = (await (await host.client()).get<Service>(Kinds.Service, { namespace: d.namespace, name: d.name })).spec?.clusterIP ?? '';
  // The serving certificate must name every way in: port-forward (127.0.0.1), the Service, its ClusterIP.
  const spec = virtualClusterPkiSpec(d.name, d.serviceCidr, d.config);
  await ensurePki(d.localPkiDir, { ...spec, extraSans: [...(spec.extraSans ?? []), ...podServingSans(d.name, d.namespace, clusterIp)] });
  const state = podState({ name: d.name, namespace: d.namespace, hostContext: d.hostContext, createdNamespace: d.createdNamespace, serviceCidr: d.serviceCidr, now: new Date() });
  const objects: HostObject[] = [seedSecret(d.name, d.namespace, await seedFiles(d.localPkiDir, d.configYaml, state))];
  if (d.embeddedHost) objects.push(hostPathDataVolume(d.name, d.namespace, `/var/lib/vcluster-ts/volumes/${d.namespace}/${d.name}`));
  objects.push(
    controlPlaneStatefulSet({
      name: d.name,
      namespace: d.namespace,
      images: controlPlaneImages(d.config, d.embeddedHost),
      storage: d.embeddedHost ? { storageClassName: '' } : {},
      ...(d.embeddedHost ? { nodeSelector: { [NODE_TYPE_LABEL]: 'real' } } : {}),
      configHash: configHash(d.configYaml),
    }),
  );
  await applyObjects(host, objects);
  d.progress(`statefulset ${d.name} created; waiting for pod ${d.name}-0`);
  await waitPodReady(host, d.name, d.namespace);
  return { ...state, phase: 'ready' };
}

/** Waits for pod <name>-0 to be Ready; on failure names what the pod reports. */
export async function waitPodReady(host: HostAccess, name: string, namespace: string, timeoutS = POD_READY_TIMEOUT_S): Promise<void> {
  const pod = `${name}-0`;
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    let crashLooping: string | undefined;
    const p = await ignoreNotFound((await host.client()).get<Pod>(Kinds.Pod, { namespace, name: pod }));
    if (p) {
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
      const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
      const waiting = statuses.map((c) => ({ name: c.name, w: c.state?.waiting })).find((c) => c.w?.reason && !['ContainerCreating', 'PodInitializing'].includes(c.w.reason));
      crashLooping = statuses.find((c) => c.state?.waiting?.reason === 'CrashLoopBackOff')?.name;
      if (waiting && ['ErrImageNeverPull', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError'].includes(waiting.w!.reason!)) {
        throw new VClusterError(`pod ${namespace}/${pod}: container ${waiting.name}: ${waiting.w!.reason}: ${waiting.w!.message ?? ''}`.trim(), {
          code: ErrorCode.PRECONDITION,
          hint: 'the images (controlPlane.statefulSet.image, controlPlane.distro.k8s.image in vcluster.yaml; by default the ones the project builds) must be present on the node or pullable: on the embedded host load a custom image with `vcluster image import FILE`, elsewhere push it to a registry the nodes pull from (README)',
        });
      }
    }
    if (crashLooping) {
      const logs = await host.kubectl(['logs', pod, '-n', namespace, '-c', crashLooping, '--previous', '--tail=15']).then((r) => r.stdout, () => '');
      throw new VClusterError(`pod ${namespace}/${pod}: container ${crashLooping} keeps exiting (CrashLoopBackOff)${logs ? `; its last log lines:\n${logs}` : ''}`, { code: ErrorCode.PRECONDITION });
    }
    if (Date.now() > deadline) {
      const logs = await host.kubectl(['logs', pod, '-n', namespace, '-c', 'syncer', '--tail=15']).then((r) => r.stdout, () => '');
      throw new VClusterError(`pod ${namespace}/${pod} is not Ready after ${timeoutS} s${logs ? `; last syncer log lines:\n${logs}` : ''}`, { code: ErrorCode.TIMEOUT });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Everything deployKubernetes made (the synced objects and the common host objects are removed by the caller). */
export async function undeployKubernetes(host: HostAccess, name: string, namespace: string): Promise<void> {
  const client = await host.client();
  const cluster = `vc-${name}-v-${namespace}`;
  const absentIsFine = { ignoreNotFound: true } as const;
  await deleteObject(client, Kinds.StatefulSet, { namespace, name }, absentIsFine);
  await deleteObject(client, Kinds.Pod, { namespace, name: `${name}-0` }, { ...absentIsFine, gracePeriodSeconds: 5 });
  await deleteAllOf(client, [Kinds.Role, Kinds.RoleBinding, Kinds.Secret], { namespace, labelSelector: `app=vcluster,release=${name}`, ...absentIsFine });
  await deleteObject(client, Kinds.Secret, { namespace, name: seedSecretName(name) }, absentIsFine);
  await deleteObject(client, Kinds.PersistentVolumeClaim, { namespace, name: dataClaimName(name) }, { ...absentIsFine, wait: false });
  await deleteObject(client, Kinds.ClusterRoleBinding, { name: cluster }, absentIsFine);
  await deleteObject(client, Kinds.ClusterRole, { name: cluster }, absentIsFine);
  await deleteObject(client, Kinds.PersistentVolume, { name: `vcluster-ts-${namespace}-${name}-data` }, { ...absentIsFine, wait: false });
}

