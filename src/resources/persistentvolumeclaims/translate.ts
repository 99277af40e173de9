/**
 * PersistentVolumeClaims (vcluster-behavior.md §2.8 PVCs / PVs): spec to the host with class,
 * volume, selector and data-source names translated as configured; status, binding and the bind
 * annotations back; and the fake PersistentVolume the virtual cluster sees for a bound claim.
 */
import type {
  ObjectReference,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  TypedLocalObjectReference,
  TypedObjectReference,
} from '../../syncer/translate/kube-types.js';
import { HOST_PV_ANNOTATION, SKIP_TRANSLATE_ANNOTATION } from '../../syncer/translate/constants.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostLabelSelector } from '../../syncer/translate/selectors.js';
import { hostName, hostNameCluster, type NameContext } from '../../syncer/translate/names.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

export interface PvcTranslateOptions extends TranslateOptions {
  /** sync.toHost.storageClasses: storageClassName becomes the cluster-scoped host name. */
  readonly storageClassesToHost?: boolean;
  /** sync.toHost.persistentVolumes: volumeName and selector are translated. */
  readonly persistentVolumesToHost?: boolean;
}

/** Annotations the host's PV controller sets that are copied back to the virtual claim. */
export const BIND_ANNOTATIONS = [
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
] as const;

function hostDataSource<T extends TypedLocalObjectReference | TypedObjectReference>(
  names: NameContext,
  ref: T | undefined,
  namespace: string,
): T | undefined {
  if (ref === undefined) return undefined;
  const out = deepCopy(ref);
  const coreGroup = ref.apiGroup === undefined || ref.apiGroup === '';
  if (coreGroup && ref.kind === 'PersistentVolumeClaim') out.name = hostName(names, ref.name, namespace);
  return out;
}

export function toHostPersistentVolumeClaim(
  virtual: PersistentVolumeClaim,
  options: PvcTranslateOptions,
): PersistentVolumeClaim {
  const namespace = virtual.metadata?.namespace ?? '';
  const spec: PersistentVolumeClaimSpec = deepCopy(virtual.spec ?? {});
  const skip = virtual.metadata?.annotations?.[SKIP_TRANSLATE_ANNOTATION] === 'true';
  if (options.storageClassesToHost && spec.storageClassName)
    spec.storageClassName = hostNameCluster(options.names, spec.storageClassName);
  if (options.persistentVolumesToHost && !skip) {
    if (spec.volumeName) spec.volumeName = hostNameCluster(options.names, spec.volumeName);
    if (spec.selector !== undefined) spec.selector = hostLabelSelector(options.names, spec.selector);
  }
  if (!skip) {
    const dataSource = hostDataSource(options.names, spec.dataSource, namespace);
    if (dataSource !== undefined) spec.dataSource = dataSource;
    const dataSourceRef = hostDataSource(options.names, spec.dataSourceRef, namespace);
    if (dataSourceRef !== undefined) spec.dataSourceRef = dataSourceRef;
  }
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.PersistentVolumeClaim),
    spec,
  };
}

export interface PvcSyncResult {
  readonly virtual: PersistentVolumeClaim;
  readonly host: PersistentVolumeClaim;
  /** The host bound to another volume than the virtual claim names: recreate the virtual claim. */
  readonly recreateVirtual: boolean;
}

/** Status, volumeName and bind annotations host → virtual; requested resources virtual → host. */
export function syncPersistentVolumeClaim(
  virtual: PersistentVolumeClaim,
  host: PersistentVolumeClaim,
): PvcSyncResult {
  const v = deepCopy(virtual);
  const h = deepCopy(host);
  if (host.status === undefined) delete v.status;
  else v.status = deepCopy(host.status);
  const requests = virtual.spec?.resources?.requests;
  if (requests !== undefined)
    h.spec = { ...(h.spec ?? {}), resources: { ...(h.spec?.resources ?? {}), requests: deepCopy(requests) } };
  const hostAnnotations = host.metadata?.annotations ?? {};
  const virtualAnnotations: Record<string, string> = { ...(v.metadata?.annotations ?? {}) };
  for (const key of BIND_ANNOTATIONS) {
    const value = hostAnnotations[key];
    if (value !== undefined) virtualAnnotations[key] = value;
  }
  if (Object.keys(virtualAnnotations).length > 0)
    v.metadata = { ...(v.metadata ?? {}), annotations: virtualAnnotations };
  let recreateVirtual = false;
  const hostVolume = host.spec?.volumeName;
  if (hostVolume) {
    const virtualVolume = virtual.spec?.volumeName;
    if (!virtualVolume) v.spec = { ...(v.spec ?? {}), volumeName: hostVolume };
    else if (virtualVolume !== hostVolume) recreateVirtual = true;
  }
  return { virtual: v, host: h, recreateVirtual };
}

export const FAKE_PV_LABEL = 'vcluster.loft.sh/fake-pv';
export const FAKE_PV_PROVISIONER = 'fake-pv-provisioner';

/**
 * The fake PV shown in the virtual cluster for a bound claim, named like the host PV, as vCluster
 * builds it: capacity = the claim's requests, storageClassName always set ("" when none), phase
 * Bound (the status is written separately, after the create).
 */
export function fakePersistentVolume(pvName: string, virtualClaim: PersistentVolumeClaim): PersistentVolume {
  const spec = virtualClaim.spec ?? {};
  const meta = virtualClaim.metadata ?? {};
  const claimRef: ObjectReference = {
    kind: 'PersistentVolumeClaim',
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    apiVersion: 'v1',
  };
  if (meta.uid !== undefined) claimRef.uid = meta.uid;
  if (meta.resourceVersion !== undefined) claimRef.resourceVersion = meta.resourceVersion;
  const pv: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: pvName,
      labels: { [FAKE_PV_LABEL]: 'true' },
      annotations: {
        'kubernetes.io/createdby': FAKE_PV_PROVISIONER,
        'pv.kubernetes.io/bound-by-controller': 'true',
        'pv.kubernetes.io/provisioned-by': FAKE_PV_PROVISIONER,
      },
    },
    spec: {
      flexVolume: { driver: 'fake' },
      accessModes: [...(spec.accessModes ?? [])],
      claimRef,
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: spec.storageClassName ?? '',
    },
    status: { phase: 'Bound' },
  };
  const requests = spec.resources?.requests;
  if (requests !== undefined && pv.spec !== undefined) pv.spec.capacity = { ...requests };
  if (spec.volumeMode !== undefined && pv.spec !== undefined) pv.spec.volumeMode = spec.volumeMode;
  return pv;
}

/** A fake PV is kept while some virtual claim names it as its volume. */
export function fakePersistentVolumeNeeded(
  pvName: string,
  claims: readonly PersistentVolumeClaim[],
): boolean {
  return claims.some((c) => c.spec?.volumeName === pvName);
}

/**
 * The host name of a virtual PersistentVolume: the same name when PVs are not synced to the host
 * (fake PVs mirror host PVs); with toHost.persistentVolumes the `vcluster.loft.sh/host-pv`
 * annotation (host-provisioned PVs keep their name) or `vcluster-<pv>-x-<hostns>-x-<vc>`.
 */
export function persistentVolumeHostName(
  names: NameContext,
  pv: PersistentVolume,
  persistentVolumesToHost: boolean,
): string {
  const name = pv.metadata?.name ?? '';
  if (!persistentVolumesToHost) return name;
  return pv.metadata?.annotations?.[HOST_PV_ANNOTATION] || hostNameCluster(names, name);
}
