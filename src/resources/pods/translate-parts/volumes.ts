/**
 * Pod volumes on the host: names of ConfigMaps, Secrets, PVCs and secret refs translated, the
 * kube-api-access projection rewritten, generic ephemeral volumes pointed at the claim the
 * virtual ephemeral controller creates, and log/kubelet hostPaths moved to a per-tenant tree.
 */
import type {
  DownwardAPIVolumeFile,
  LocalObjectReference,
  Volume,
} from '../../../k8s/types.js';
import { hostName, type NameContext } from '../../../syncer/translate/names.js';
import { deepCopy } from '../../../syncer/translate/object.js';
import { hostFieldRef } from './env.js';
import type { PodReference } from './references.js';
import { replaceTokenSources, type TokenProjectionOptions } from './token.js';

export interface VolumeContext {
  readonly names: NameContext;
  readonly podName: string;
  readonly namespace: string;
  readonly token: TokenProjectionOptions;
  readonly refs: PodReference[];
  /** Virtual pod UID → host pod UID, for hostPaths under /var/lib/kubelet/pods/<uid>/. */
  readonly podUids?: Readonly<Record<string, string>>;
}

function secretName(ctx: VolumeContext, name: string | undefined): string | undefined {
  if (!name) return name;
  ctx.refs.push({ kind: 'Secret', name, namespace: ctx.namespace });
  return hostName(ctx.names, name, ctx.namespace);
}

function configMapName(ctx: VolumeContext, name: string | undefined): string | undefined {
  if (!name) return name;
  ctx.refs.push({ kind: 'ConfigMap', name, namespace: ctx.namespace });
  return hostName(ctx.names, name, ctx.namespace);
}

function secretRef<T extends LocalObjectReference>(ctx: VolumeContext, ref: T | undefined): void {
  if (ref?.name) ref.name = secretName(ctx, ref.name) ?? ref.name;
}

function downwardItems(
  names: NameContext,
  items: DownwardAPIVolumeFile[] | undefined,
): DownwardAPIVolumeFile[] | undefined {
  return items?.map((item) =>
    item.fieldRef === undefined ? item : { ...item, fieldRef: hostFieldRef(names, item.fieldRef) },
  );
}

export const POD_LOGS_HOST_PATH = '/var/log/pods';
export const LOGS_HOST_PATH = '/var/log';
export const KUBELET_PODS_HOST_PATH = '/var/lib/kubelet/pods';

/** Paths a container mount gets HostToContainer propagation for (as vCluster: by mount path). */
export const PROPAGATED_MOUNT_PATHS: readonly string[] = [
  POD_LOGS_HOST_PATH,
  KUBELET_PODS_HOST_PATH,
  LOGS_HOST_PATH,
];

/** The per-tenant tree the vcluster-hostpath-mapper fills with the tenant's own pods. */
export function hostPathRewrites(names: NameContext): Record<string, string> {
  const base = `/tmp/vcluster/${names.hostNamespace}/${names.vclusterName}`;
  return {
    [POD_LOGS_HOST_PATH]: `${base}/log/pods`,
    [LOGS_HOST_PATH]: `${base}/log`,
    [KUBELET_PODS_HOST_PATH]: `${base}/kubelet/pods`,
  };
}

function trimOneSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * The host path a hostPath volume maps to, or undefined when it is left alone: exactly
 * /var/log/pods, /var/log and /var/lib/kubelet/pods move to the per-tenant tree; below
 * /var/lib/kubelet/pods/<uid>/ a known virtual pod UID is replaced by its host pod's UID.
 */
export function rewriteHostPath(
  names: NameContext,
  path: string,
  podUids: Readonly<Record<string, string>> = {},
): string | undefined {
  const exact = hostPathRewrites(names)[trimOneSlash(path)];
  if (exact !== undefined) return exact;
  const prefix = `${KUBELET_PODS_HOST_PATH}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  const slash = rest.indexOf('/');
  const virtualUid = slash < 0 ? rest : rest.slice(0, slash);
  const hostUid = virtualUid === '' ? undefined : podUids[virtualUid];
  return hostUid === undefined || hostUid === '' ? undefined : path.replace(virtualUid, hostUid);
}

export function translateVolume(ctx: VolumeContext, volume: Volume): Volume {
  const out = deepCopy(volume);
  if (out.configMap?.name) out.configMap.name = configMapName(ctx, out.configMap.name) ?? out.configMap.name;
  if (out.secret?.secretName)
    out.secret.secretName = secretName(ctx, out.secret.secretName) ?? out.secret.secretName;
  if (out.persistentVolumeClaim) {
    ctx.refs.push({
      kind: 'PersistentVolumeClaim',
      name: out.persistentVolumeClaim.claimName,
      namespace: ctx.namespace,
    });
    out.persistentVolumeClaim.claimName = hostName(
      ctx.names,
      out.persistentVolumeClaim.claimName,
      ctx.namespace,
    );
  }
  if (out.ephemeral !== undefined) {
    const claim = `${ctx.podName}-${volume.name}`;
    ctx.refs.push({ kind: 'PersistentVolumeClaim', name: claim, namespace: ctx.namespace });
    delete out.ephemeral;
    out.persistentVolumeClaim = { claimName: hostName(ctx.names, claim, ctx.namespace) };
  }
  if (out.projected !== undefined) {
    const sources = replaceTokenSources(volume.name, out.projected, ctx.token).map((source) => {
      const s = deepCopy(source);
      if (s.configMap?.name) s.configMap.name = configMapName(ctx, s.configMap.name) ?? s.configMap.name;
      if (s.secret?.name && s.secret.name !== ctx.token.secretName)
        s.secret.name = secretName(ctx, s.secret.name) ?? s.secret.name;
      if (s.downwardAPI?.items) s.downwardAPI.items = downwardItems(ctx.names, s.downwardAPI.items) ?? [];
      return s;
    });
    out.projected.sources = sources;
  }
  if (out.downwardAPI?.items) out.downwardAPI.items = downwardItems(ctx.names, out.downwardAPI.items) ?? [];
  secretRef(ctx, out.csi?.nodePublishSecretRef);
  secretRef(ctx, out.cephfs?.secretRef);
  secretRef(ctx, out.rbd?.secretRef);
  secretRef(ctx, out.iscsi?.secretRef);
  secretRef(ctx, out.flexVolume?.secretRef);
  secretRef(ctx, out.cinder?.secretRef);
  secretRef(ctx, out.scaleIO?.secretRef);
  secretRef(ctx, out.storageos?.secretRef);
  if (out.azureFile?.secretName)
    out.azureFile.secretName = secretName(ctx, out.azureFile.secretName) ?? out.azureFile.secretName;
  if (out.glusterfs?.endpoints)
    out.glusterfs.endpoints = hostName(ctx.names, out.glusterfs.endpoints, ctx.namespace);
  if (out.hostPath !== undefined) {
    const rewritten = rewriteHostPath(ctx.names, out.hostPath.path, ctx.podUids);
    if (rewritten !== undefined) out.hostPath.path = rewritten;
  }
  return out;
}
