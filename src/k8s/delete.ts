/**
 * Deleting as `kubectl delete` does, over a KubeClient: one object by name, or every object of
 * several kinds matching a label selector (listed per kind, then deleted one by one); NotFound
 * ignored on request (`--ignore-not-found`); and, unless told not to (`--wait=false`), waiting until
 * each deleted object is gone: GET is polled until NotFound, or until the name holds another object
 * (another uid: e.g. the pod a StatefulSet made anew), with a deadline.
 */
import { realClock, type Clock } from '../lib/clock.js';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import type { KubeClient } from './client.js';
import { isNotFound } from './errors.js';
import { keyOf, objectKey, type ObjectKey, type ResourceType } from './types.js';

/** How long a delete waits for its objects to be gone (the limit the kubectl subprocess had). */
export const DELETE_WAIT_TIMEOUT_MS = 120_000;
export const DELETE_POLL_INTERVAL_MS = 250;

export interface WaitGoneOptions {
  /** @default DELETE_WAIT_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default DELETE_POLL_INTERVAL_MS */
  readonly intervalMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
}

export interface DeleteWaitOptions extends WaitGoneOptions {
  readonly gracePeriodSeconds?: number;
  /** NotFound is no error (`--ignore-not-found`). @default false */
  readonly ignoreNotFound?: boolean;
  /** Wait until each deleted object is gone (kubectl's default; `--wait=false` is false). @default true */
  readonly wait?: boolean;
}

/** An object a delete was sent for: enough to tell it from a successor of the same name. */
export interface DeletedObject {
  readonly type: ResourceType;
  readonly key: ObjectKey;
  readonly uid: string | undefined;
}

/** `Pod team/web-0`, `ClusterRole admin`: how errors name an object. */
export function describeObject(type: ResourceType, key: ObjectKey): string {
  return `${type.kind} ${keyOf(key)}`;
}

async function sendDelete(
  client: KubeClient,
  type: ResourceType,
  key: ObjectKey,
  options: DeleteWaitOptions,
): Promise<boolean> {
  try {
    await client.delete(type, key, {
      // kubectl's default --cascade=background
      propagationPolicy: 'Background',
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return true;
  } catch (err) {
    if (options.ignoreNotFound && isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Polls until the object is gone (NotFound, or another uid under its name); a VClusterError with
 * code TIMEOUT naming the object when it is still there after `timeoutMs`.
 */
export async function waitUntilGone(client: KubeClient, deleted: DeletedObject, options: WaitGoneOptions = {}): Promise<void> {
  const clock = options.clock ?? realClock;
  await waitGoneBy(client, deleted, options, clock.now() + (options.timeoutMs ?? DELETE_WAIT_TIMEOUT_MS));
}

/** waitUntilGone against a deadline on the options' clock (several objects share one). */
async function waitGoneBy(client: KubeClient, deleted: DeletedObject, options: WaitGoneOptions, deadline: number): Promise<void> {
  const clock = options.clock ?? realClock;
  const timeoutMs = options.timeoutMs ?? DELETE_WAIT_TIMEOUT_MS;
  const request = options.signal ? { signal: options.signal } : {};
  for (;;) {
    let uid: string | undefined;
    try {
      uid = (await client.get(deleted.type, deleted.key, request)).metadata?.uid;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (deleted.uid !== undefined && uid !== undefined && uid !== deleted.uid) return;
    if (clock.now() >= deadline) {
      throw new VClusterError(
        `timed out after ${timeoutMs / 1000} s waiting for ${describeObject(deleted.type, deleted.key)} to be deleted`,
        { code: ErrorCode.TIMEOUT, hint: 'a finalizer may hold it: see its metadata.finalizers' },
      );
    }
    await clock.sleep(options.intervalMs ?? DELETE_POLL_INTERVAL_MS, options.signal);
  }
}

/**
 * `kubectl delete KIND NAME [--ignore-not-found] [--grace-period=N] [--wait=false]`: reads the object
 * (its uid tells it from a successor), deletes it and waits until it is gone. Returns whether there was
 * one to delete.
 */
export async function deleteObject(
  client: KubeClient,
  type: ResourceType,
  key: ObjectKey,
  options: DeleteWaitOptions = {},
): Promise<boolean> {
  let uid: string | undefined;
  try {
    uid = (await client.get(type, key, options.signal ? { signal: options.signal } : {})).metadata?.uid;
  } catch (err) {
    if (options.ignoreNotFound && isNotFound(err)) return false;
    throw err;
  }
  if (!(await sendDelete(client, type, key, options))) return false;
  if (options.wait ?? true) await waitUntilGone(client, { type, key, uid }, options);
  return true;
}

export interface DeleteAllOfOptions extends DeleteWaitOptions {
  /** Omitted for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly labelSelector: string;
}

/**
 * `kubectl delete KIND1,KIND2 -n NS -l SELECTOR [--ignore-not-found] [--wait=false]`: lists each kind
 * by the selector and deletes what it finds, kind after kind, then waits until all of it is gone.
 * Returns what a delete was sent for.
 */
export async function deleteAllOf(
  client: KubeClient,
  types: readonly ResourceType[],
  options: DeleteAllOfOptions,
): Promise<DeletedObject[]> {
  const deleted: DeletedObject[] = [];
  for (const type of types) {
    const { items } = await client.list(type, {
      labelSelector: options.labelSelector,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const item of items) {
      const key = objectKey(item);
      if (await sendDelete(client, type, key, options)) deleted.push({ type, key, uid: item.metadata?.uid });
    }
  }
  if (options.wait ?? true) {
    const deadline = (options.clock ?? realClock).now() + (options.timeoutMs ?? DELETE_WAIT_TIMEOUT_MS);
    for (const d of deleted) await waitGoneBy(client, d, options, deadline);
  }
  return deleted;
}
