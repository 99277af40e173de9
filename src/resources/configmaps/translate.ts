/** ConfigMaps, virtual → host (data and metadata both ways). Pure. */
import type { ConfigMap } from '../../k8s/types.js';
import { mergeBidirectional } from '../../syncer/patcher/bidirectional.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { compact, namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

export { shouldSyncReferenced as shouldSyncConfigMap } from '../shared/sync-policy.js';

/** The host copy of a virtual ConfigMap: `<name>-x-<ns>-x-<vc>` (kube-root-ca.crt included). */
export function toHostConfigMap(virtual: ConfigMap, options: TranslateOptions): ConfigMap {
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
  readonly virtualOld: ConfigMap | undefined;
  readonly virtual: ConfigMap;
  readonly hostOld: ConfigMap | undefined;
  readonly host: ConfigMap;
}

/** data and binaryData merged both ways (the changed side's merge patch onto the other). */
export function syncConfigMapData(input: DataSyncInput): { virtual: ConfigMap; host: ConfigMap } {
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
  object: ConfigMap,
  data: Record<string, string>,
  binaryData: Record<string, string>,
): ConfigMap {
  const out = deepCopy(object);
  if (Object.keys(data).length > 0) out.data = data;
  else delete out.data;
  if (Object.keys(binaryData).length > 0) out.binaryData = binaryData;
  else delete out.binaryData;
  return out;
}
