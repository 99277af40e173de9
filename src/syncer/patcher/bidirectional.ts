/**
 * Whole-field bidirectional sync (vCluster's CopyBidirectional / MergeBidirectional, §2.4): if the
 * virtual value changed since last seen it goes to the host, else if the host value changed it comes
 * back; virtual wins a tie. Pure.
 */
import { applyMergePatch, computePatch } from '../../lib/merge-patch.js';
import { jsonEqual, toJson } from '../../lib/json.js';

export interface BidirectionalInput<T> {
  readonly virtualOld: T | undefined;
  readonly virtual: T;
  readonly hostOld: T | undefined;
  readonly host: T;
}

export interface BidirectionalResult<T> {
  readonly virtual: T;
  readonly host: T;
}

function changed<T>(old: T | undefined, current: T): boolean {
  return old !== undefined && !jsonEqual(toJson(old), toJson(current));
}

/** Copies the whole value from the side that changed. Without history, virtual wins. */
export function copyBidirectional<T>(input: BidirectionalInput<T>): BidirectionalResult<T> {
  const virtualChanged = input.virtualOld === undefined || changed(input.virtualOld, input.virtual);
  if (virtualChanged) return { virtual: input.virtual, host: structuredClone(input.virtual) };
  if (changed(input.hostOld, input.host)) return { virtual: structuredClone(input.host), host: input.host };
  return { virtual: input.virtual, host: input.host };
}

/**
 * Applies the changed side's merge patch (old → new) onto the other side, so keys only the other
 * side has survive. Used for ConfigMap/Secret data.
 */
export function mergeBidirectional<T>(input: BidirectionalInput<T>): BidirectionalResult<T> {
  if (input.virtualOld === undefined) {
    // no history: every virtual key counts as changed and is merged onto the host (host-only keys survive)
    const patch = computePatch(null, input.virtual);
    return {
      virtual: input.virtual,
      host: patch === undefined ? input.host : (applyMergePatch(input.host, patch) as T),
    };
  }
  if (changed(input.virtualOld, input.virtual)) {
    const patch = computePatch(input.virtualOld, input.virtual);
    const host = patch === undefined ? input.host : (applyMergePatch(input.host, patch) as T);
    return { virtual: input.virtual, host };
  }
  if (changed(input.hostOld, input.host)) {
    const patch = computePatch(input.hostOld, input.host);
    const virtual = patch === undefined ? input.virtual : (applyMergePatch(input.virtual, patch) as T);
    return { virtual, host: input.host };
  }
  return { virtual: input.virtual, host: input.host };
}
