/** ConfigMaps, virtual → host (data and metadata both ways). Pure. */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { mergeBidirectional } from '../../syncer/patcher/bidirectional.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { compact, namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

export { shouldSyncReferenced as shouldSyncConfigMap } from '../shared/sync-policy.js';

/** The host copy of a virtual ConfigMap: `<name>-x-<ns>-x-<vc>` (kube-root-ca.crt included). */
export function toHostConfigMap(virtual: V1ConfigMap, options: TranslateOptions): V1ConfigMap {
  return compact({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.ConfigMap),
    data: virtual.data === undefined ? undefined : deepCopy(virtual.data),
    binaryData: virtual.binaryData === undefined ? undefined : deepCopy(virtual.binaryData),
    immutable: virtual.immutable,
  });
}

export interface DataSyncInput {
  readonly virtualOld: V1ConfigMap | undefined;
  readonly virtual: V1ConfigMap;
  readonly hostOld: V1ConfigMap | undefined;
  readonly host: V1ConfigMap;
}

/** data and binaryData merged both ways (the changed side's merge patch onto the other). */
export function syncConfigMapData(input: DataSyncInput): { virtual: V1ConfigMap; host: V1ConfigMap } {
  const data = mergeBidirectional({
    virtualOld: input.virtualOld === undefined ? undefined : (input.virtualOld.data ?? {}),
    virtual: input.virtual.data ?? {},
    hostOld: input.hostOld === undefined ? undefined : (input.hostOld.data ?? {}),
    host: input.host.data ?? {},
  });
  const binaryData = mergeBidirectional({
    virtualOld: input.virtualOld === undefined ? undefined : (input.virtualOld.binaryData ?? {}),
    virtual: input.virtual.binaryData ?? {},
    hostOld: input.hostOld === undefined ? undefined : (input.hostOld.binaryData ?? {}),
    host: input.host.binaryData ?? {},
  });
  return {
    virtual: withData(input.virtual, data.virtual, binaryData.virtual),
    host: withData(input.host, data.host, binaryData.host),
  };
}

function withData(
  object: V1ConfigMap,
  data: Record<string, string>,
  binaryData: Record<string, string>,
): V1ConfigMap {
  const out = deepCopy(object);
  if (Object.keys(data).length > 0) out.data = data;
  else delete out.data;
  if (Object.keys(binaryData).length > 0) out.binaryData = binaryData;
  else delete out.binaryData;
  return out;
}
