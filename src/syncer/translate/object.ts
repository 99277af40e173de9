/** The minimal shape of a Kubernetes object the pure translate code works on. */
export type { KubeObject } from '../../k8s/types.js';

/** A deep copy of a JSON-like value, so translations never mutate their input. */
export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}
