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
} from '../../k8s/types.js';
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
  /**
   * With PV sync: the StorageClasses that exist on the host. A dynamically provisioned claim whose
   * class the host lacks gets the translated (synced) class name. Unknown = assume it exists.
   */
  readonly hostStorageClasses?: ReadonlySet<string>;
}

/** The pre-storageClassName way of naming a claim's class, still honoured. */
export const DEPRECATED_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** Annotations the host's PV controller sets that are copied back to the virtual claim. */
export const BIND_ANNOTATIONS = [
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
] as const;

function hostDataSourceName(
  names: NameContext,
  kind: string | undefined,
  name: string,
  namespace: string,
): string {
  return kind === 'PersistentVolumeClaim' ? hostName(names, name, namespace) : name;
}

/** Whether the claim's class must be renamed to the synced host class. */
function translateClass(
  options: PvcTranslateOptions,
  spec: PersistentVolumeClaimSpec,
  className: string,
  skip: boolean,
): boolean {
  if (className === '') return false;
  if (options.storageClassesToHost) return true;
  if (!options.persistentVolumesToHost || skip) return false;
  const dynamic = spec.selector === undefined && !spec.volumeName;
  return !dynamic || (options.hostStorageClasses !== undefined && !options.hostStorageClasses.has(className));
}

export function toHostPersistentVolumeClaim(
  virtual: PersistentVolumeClaim,
  options: PvcTranslateOptions,
): PersistentVolumeClaim {
  const namespace = virtual.metadata?.namespace ?? '';
  const metadata = namespacedHostMeta(options, virtual.metadata, GVK.PersistentVolumeClaim);
  const spec: PersistentVolumeClaimSpec = deepCopy(virtual.spec ?? {});
  const skip = virtual.metadata?.annotations?.[SKIP_TRANSLATE_ANNOTATION] === 'true';
  const className =
    spec.storageClassName || virtual.metadata?.annotations?.[DEPRECATED_STORAGE_CLASS_ANNOTATION] || '';
  // decided on the virtual references, before volumeName/selector are rewritten
  const renameClass = translateClass(options, spec, className, skip);
  if (options.persistentVolumesToHost && !skip) {
    if (spec.selector !== undefined) spec.selector = hostLabelSelector(options.names, spec.selector);
    if (spec.volumeName) spec.volumeName = hostNameCluster(options.names, spec.volumeName);
  }
  if (renameClass) {
    spec.storageClassName = hostNameCluster(options.names, className);
    if (metadata.annotations !== undefined) delete metadata.annotations[DEPRECATED_STORAGE_CLASS_ANNOTATION];
  }
  if (!skip) {
    if (spec.dataSource !== undefined) {
      spec.dataSource = {
        ...spec.dataSource,
        name: hostDataSourceName(options.names, spec.dataSource.kind, spec.dataSource.name, namespace),
      };
    }
    if (spec.dataSourceRef !== undefined) {
      const refNamespace = spec.dataSourceRef.namespace ?? namespace;
      spec.dataSourceRef = {
        ...spec.dataSourceRef,
        name: hostDataSourceName(
          options.names,
          spec.dataSourceRef.kind,
          spec.dataSourceRef.name,
          refNamespace,
        ),
      };
    }
  }
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec };
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
