/**
 * Secrets that a synced object other than a pod references (an Ingress's TLS and auth Secrets): the
 * reference is recorded in the mappings store, so the Secret syncer keeps the host copy while it is
 * referenced, and the host copy is made right away, so the host object finds it; when the owner goes,
 * host copies no other object references are deleted.
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import { Kinds, type Secret, type TypedObject } from '../../k8s/types.js';
import type { NameMapping } from '../../syncer/mappings/mapping.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName } from '../../syncer/translate/names.js';
import type { SyncContext } from '../../syncer/types.js';
import { toHostSecret } from '../secrets/translate.js';

/** The part of the mappings store references need (MappingsStore implements it). */
export interface ReferenceStore {
  record(owner: NameMapping, references: readonly NameMapping[]): Promise<void>;
  release(owner: NameMapping): Promise<NameMapping[]>;
}

export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

function secretMapping(ctx: SyncContext, ref: SecretRef): NameMapping {
  return {
    gvk: GVK.Secret,
    virtual: ref,
    host: { namespace: ctx.names.hostNamespace, name: hostName(ctx.names, ref.name, ref.namespace) },
  };
}

/** Records `owner → refs` and copies each referenced virtual Secret to the host (an existing copy is kept). */
export async function copyReferencedSecrets(
  ctx: SyncContext,
  store: ReferenceStore | undefined,
  owner: NameMapping,
  refs: readonly SecretRef[],
): Promise<void> {
  const mappings = refs.map((r) => secretMapping(ctx, r));
  await store?.record(owner, mappings);
  for (const m of mappings) {
    const secret = await ignoreNotFound(ctx.virtual.get<Secret>(Kinds.Secret, m.virtual));
    if (secret === undefined) continue; // made later: the Secret syncer copies it then
    try {
      await ctx.host.create(toHostSecret(secret, { names: ctx.names }) as Secret & TypedObject);
      ctx.log.info({ secret: m.virtual, owner: owner.virtual, kind: owner.gvk.kind }, 'copied referenced secret to the host');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}

/** Drops `owner`'s references and deletes the host copies no other object references any more. */
export async function releaseReferencedSecrets(ctx: SyncContext, store: ReferenceStore | undefined, owner: NameMapping): Promise<void> {
  if (store === undefined) return;
  for (const orphan of await store.release(owner)) {
    if (orphan.gvk.kind !== 'Secret') continue;
    await ignoreNotFound(ctx.host.delete(Kinds.Secret, orphan.host));
    ctx.log.info({ host: orphan.host.name }, 'deleted host copy no object references any more');
  }
}
