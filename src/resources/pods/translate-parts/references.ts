/** Objects a pod references; the syncer records them in the mappings store so they get synced. */
export interface PodReference {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';
  readonly name: string;
  readonly namespace: string;
}

/** References without duplicates, sorted by kind then name. */
export function uniqueReferences(refs: readonly PodReference[]): PodReference[] {
  const seen = new Map<string, PodReference>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace}/${r.name}`, r);
  return [...seen.values()].sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind.localeCompare(b.kind),
  );
}
