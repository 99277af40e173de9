/**
 * JSON merge patches (RFC 7386): computePatch(old, desired) gives the patch that turns `old` into
 * `desired`; applyMergePatch applies one. Pure: inputs are never mutated.
 */
import { isJsonObject, jsonEqual, toJson, type JsonObject, type JsonValue } from './json.js';

function diff(old: JsonValue, desired: JsonValue): JsonValue | undefined {
  if (jsonEqual(old, desired)) return undefined;
  if (!isJsonObject(old) || !isJsonObject(desired)) return desired;
  const patch: JsonObject = {};
  for (const key of Object.keys(old)) {
    if (!Object.hasOwn(desired, key)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(desired)) {
    const before = old[key];
    if (before === undefined) {
      patch[key] = value;
      continue;
    }
    const sub = diff(before, value);
    if (sub !== undefined) patch[key] = sub;
  }
  return patch;
}

/**
 * The JSON merge patch from `old` to `desired`, or undefined when they are equal. Arrays are
 * replaced whole (RFC 7386 has no array operations). A `null` value inside `desired` cannot be
 * expressed by a merge patch and is treated as "remove".
 */
export function computePatch(old: unknown, desired: unknown): JsonValue | undefined {
  return diff(toJson(old), toJson(desired));
}

/** Applies an RFC 7386 merge patch to `target` and returns the result. */
export function applyMergePatch(target: unknown, patch: JsonValue): JsonValue {
  return apply(toJson(target), patch);
}

function apply(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    out[key] = apply(current === undefined ? null : current, value);
  }
  return out;
}

/** True when applying `patch` to `target` changes nothing. */
export function isNoopPatch(target: unknown, patch: JsonValue | undefined): boolean {
  if (patch === undefined) return true;
  const before = toJson(target);
  return jsonEqual(before, apply(before, patch));
}
