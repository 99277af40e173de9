/** Secrets, virtual → host (data, type and metadata both ways). Pure. */
import type { Secret } from '../../k8s/types.js';
import { copyBidirectional, mergeBidirectional } from '../../syncer/patcher/bidirectional.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { compact, namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

export { shouldSyncReferenced as shouldSyncSecret } from '../shared/sync-policy.js';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';

/** The host copy of a virtual Secret; service-account-token secrets become Opaque on the host. */
export function toHostSecret(virtual: Secret, options: TranslateOptions): Secret {
  return compact({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.Secret),
    type: hostSecretType(virtual.type),
    data: virtual.data === undefined ? undefined : deepCopy(virtual.data),
    stringData: virtual.stringData === undefined ? undefined : deepCopy(virtual.stringData),
    immutable: virtual.immutable,
  });
}

export function hostSecretType(type: string | undefined): string | undefined {
  return type === SERVICE_ACCOUNT_TOKEN_TYPE ? 'Opaque' : type;
}

export interface SecretSyncInput {
  readonly virtualOld: Secret | undefined;
  readonly virtual: Secret;
  readonly hostOld: Secret | undefined;
  readonly host: Secret;
}

/** data merged both ways; a differing type copied both ways unless either side is a service-account token. */
export function syncSecretData(input: SecretSyncInput): { virtual: Secret; host: Secret } {
  const data = mergeBidirectional({
    virtualOld: input.virtualOld === undefined ? undefined : (input.virtualOld.data ?? {}),
    virtual: input.virtual.data ?? {},
    hostOld: input.hostOld === undefined ? undefined : (input.hostOld.data ?? {}),
    host: input.host.data ?? {},
  });
  const virtual = deepCopy(input.virtual);
  const host = deepCopy(input.host);
  setData(virtual, data.virtual);
  setData(host, data.host);
  const vType = input.virtual.type;
  const hType = input.host.type;
  if (vType !== hType && vType !== SERVICE_ACCOUNT_TOKEN_TYPE && hType !== SERVICE_ACCOUNT_TOKEN_TYPE) {
    const type = copyBidirectional({
      virtualOld: input.virtualOld === undefined ? undefined : (input.virtualOld.type ?? ''),
      virtual: input.virtual.type ?? '',
      hostOld: input.hostOld === undefined ? undefined : (input.hostOld.type ?? ''),
      host: input.host.type ?? '',
    });
    if (type.virtual !== '') virtual.type = type.virtual;
    if (type.host !== '') host.type = type.host;
  }
  return { virtual, host };
}

function setData(secret: Secret, data: Record<string, string>): void {
  if (Object.keys(data).length > 0) secret.data = data;
  else delete secret.data;
}
