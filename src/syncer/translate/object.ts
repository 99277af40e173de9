/** The minimal shape of a Kubernetes object the pure translate code works on. */
import type { V1ObjectMeta } from '@kubernetes/client-node';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
}

/** A deep copy of a JSON-like value (Dates survive as Dates), so translations never mutate input. */
export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}
