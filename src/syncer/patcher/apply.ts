/**
 * The one apply step (vCluster's patcher): `sync` answers both objects as they should be, and this writes
 * the difference to the current objects as JSON merge patches (computePatch), locked to the resourceVersion
 * the syncer saw: the host object first, then the virtual object, then the virtual status through the
 * status subresource. A write that fails for any reason but a race (409, 404) leaves a Warning event on the
 * virtual object, so the tenant sees why, and goes back to the controller (retried with backoff). The writes
 * are counted where every write is: the clients of the SyncContext (SyncerMetrics.counting).
 */
import type { KubeClient } from '../../k8s/client.js';
import { isConflict, isNotFound } from '../../k8s/errors.js';
import { formatError } from '../../lib/errors.js';
import { warnOnVirtual } from '../events.js';
import type { KubeObject, ResourceKind, Result, SyncContext, SyncResult } from '../types.js';
import { isJsonObject, jsonEqual, toJson, type JsonObject, type JsonValue } from '../../lib/json.js';
import { computePatch } from '../../lib/merge-patch.js';

function withoutStatus(o: KubeObject): JsonValue {
  return toJson(Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'status')));
}

/** The value without what the API server does not keep either: empty maps and lists (omitempty). */
function significant(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = significant(v);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The merge patch between two JSON forms, or undefined when they differ in empty maps and lists only. */
function patchOf(current: JsonValue, desired: JsonValue): JsonObject | undefined {
  if (jsonEqual(significant(current), significant(desired))) return undefined;
  const patch = computePatch(current, desired);
  return isJsonObject(patch) ? patch : undefined;
}

/** The merge patch turning `current` into `desired`, the status aside (it has its own subresource). */
export function objectPatch(current: KubeObject, desired: KubeObject): JsonObject | undefined {
  return patchOf(withoutStatus(current), withoutStatus(desired));
}

/** The merge patch for the status subresource that gives `current` the status `status`. */
export function statusPatch(current: KubeObject, status: unknown): JsonObject | undefined {
  return patchOf(toJson({ status: (current as { status?: unknown }).status }), toJson({ status }));
}

/** The patch, written only if the object is still the version the syncer saw (409 otherwise). */
function locked(patch: JsonObject, current: KubeObject): JsonObject {
  const rv = current.metadata?.resourceVersion;
  if (rv === undefined) return patch;
  const metadata = isJsonObject(patch.metadata) ? patch.metadata : {};
  return { ...patch, metadata: { ...metadata, resourceVersion: rv } };
}

function keyOf(o: KubeObject): { namespace?: string; name: string } {
  const name = o.metadata?.name ?? '';
  return o.metadata?.namespace ? { namespace: o.metadata.namespace, name } : { name };
}

type Side = 'host' | 'virtual' | 'virtual status';

async function write<T extends KubeObject>(
  ctx: SyncContext,
  kind: ResourceKind<T>,
  side: Side,
  current: T,
  patch: JsonObject,
  virtual: KubeObject,
): Promise<T> {
  const client: KubeClient = side === 'host' ? ctx.host : ctx.virtual;
  try {
    const written = await client.patch<T>(kind, keyOf(current), locked(patch, current), {
      type: 'merge',
      ...(side === 'virtual status' ? { subresource: 'status' as const } : {}),
    });
    ctx.log.debug({ kind: kind.kind, object: keyOf(current), side }, 'patched');
    return written;
  } catch (err) {
    // A race with another writer or a delete: the informers bring the news and the key comes again.
    if (!isConflict(err) && !isNotFound(err)) {
      await warnOnVirtual(ctx, virtual, 'SyncError', `Error syncing ${side}: ${formatError(err)}`);
    }
    throw err;
  }
}

/** Both objects as they should be; a side left undefined is not written. */
export type Desired<T> = Pick<SyncResult<T>, 'host' | 'virtual' | 'virtualStatus'>;

/**
 * Writes `desired` over `current`: the host object, then the virtual object, then the virtual status.
 * Answers both objects as they are now (a syncer with more steps to go goes on from these).
 */
export async function applyDesired<T extends KubeObject>(
  ctx: SyncContext,
  kind: ResourceKind<T>,
  current: { readonly host: T; readonly virtual: T },
  desired: Desired<T>,
): Promise<{ host: T; virtual: T }> {
  let { host, virtual } = current;
  if (desired.host !== undefined) {
    const patch = objectPatch(host, desired.host);
    if (patch !== undefined) host = await write(ctx, kind, 'host', host, patch, current.virtual);
  }
  if (desired.virtual !== undefined) {
    const patch = objectPatch(virtual, desired.virtual);
    if (patch !== undefined) virtual = await write(ctx, kind, 'virtual', virtual, patch, current.virtual);
  }
  if (desired.virtualStatus !== undefined) {
    const patch = statusPatch(virtual, desired.virtualStatus);
    if (patch !== undefined) virtual = await write(ctx, kind, 'virtual status', virtual, patch, current.virtual);
  }
  return { host, virtual };
}

/** The controller's apply step: writes what `sync` answered and answers the rest (when to look again). */
export async function applySyncResult<T extends KubeObject>(
  ctx: SyncContext,
  kind: ResourceKind<T>,
  current: { readonly host: T; readonly virtual: T },
  answer: SyncResult<T>,
): Promise<Result> {
  const { host, virtual, virtualStatus, ...result } = answer;
  await applyDesired(ctx, kind, current, {
    ...(host === undefined ? {} : { host }),
    ...(virtual === undefined ? {} : { virtual }),
    ...(virtualStatus === undefined ? {} : { virtualStatus }),
  });
  return result;
}
