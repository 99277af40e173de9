/**
 * The in-memory side of the mappings store: every mapping by virtual name, lookups both ways,
 * and the reference graph (which synced objects reference a ConfigMap, Secret or PVC). Pure and
 * synchronous; the store that persists it in kine wraps it.
 */
import { SyncError } from '../errors.js';
import {
  mappingKey,
  sameNameMapping,
  type Mapping,
  type NameMapping,
  type NamespacedName,
} from './mapping.js';
import type { GroupVersionKind } from '../translate/gvk.js';
import { ErrorCode } from '../../lib/errors.js';

function hostKey(gvk: GroupVersionKind, host: NamespacedName): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}|${host.namespace}/${host.name}`;
}

export class MappingIndex {
  readonly #sender: string;
  /** mapping key (virtual) → mapping */
  readonly #byVirtual = new Map<string, Mapping>();
  /** host key → virtual mapping key */
  readonly #byHost = new Map<string, string>();

  constructor(sender: string) {
    this.#sender = sender;
  }

  get size(): number {
    return this.#byVirtual.size;
  }

  all(): Mapping[] {
    return [...this.#byVirtual.values()];
  }

  get(gvk: GroupVersionKind, virtual: NamespacedName): Mapping | undefined {
    return this.#byVirtual.get(mappingKey(gvk, virtual));
  }

  virtualToHost(gvk: GroupVersionKind, virtual: NamespacedName): NamespacedName | undefined {
    return this.get(gvk, virtual)?.host;
  }

  hostToVirtual(gvk: GroupVersionKind, host: NamespacedName): NamespacedName | undefined {
    const key = this.#byHost.get(hostKey(gvk, host));
    return key === undefined ? undefined : this.#byVirtual.get(key)?.virtual;
  }

  /** Refuses a mapping whose host name already belongs to another virtual object (or vice versa). */
  #checkConflict(m: NameMapping): void {
    const byHost = this.#byHost.get(hostKey(m.gvk, m.host));
    const key = mappingKey(m.gvk, m.virtual);
    if (byHost !== undefined && byHost !== key) {
      throw new SyncError('mapping conflict: host name already mapped to another virtual object', {
        code: ErrorCode.ALREADY_EXISTS,
      });
    }
    const existing = this.#byVirtual.get(key);
    if (
      existing !== undefined &&
      (existing.host.name !== m.host.name || existing.host.namespace !== m.host.namespace)
    ) {
      throw new SyncError('mapping conflict: virtual object already mapped to another host name', {
        code: ErrorCode.ALREADY_EXISTS,
      });
    }
  }

  /** Adds or replaces a mapping (e.g. from a store watch). Returns the stored mapping. */
  put(m: Mapping): Mapping {
    this.#checkConflict(m);
    const key = mappingKey(m.gvk, m.virtual);
    this.#byVirtual.set(key, m);
    this.#byHost.set(hostKey(m.gvk, m.host), key);
    return m;
  }

  /** Ensures a mapping exists; returns it and whether it was created (so it needs saving). */
  ensure(m: NameMapping): { mapping: Mapping; changed: boolean } {
    const existing = this.get(m.gvk, m.virtual);
    this.#checkConflict(m);
    if (existing !== undefined) return { mapping: existing, changed: false };
    return { mapping: this.put({ ...m, sender: this.#sender, references: [] }), changed: true };
  }

  /**
   * Records that `owner` references `reference` (creating the owner mapping if needed). Returns
   * the owner mapping and whether it changed (so the store must save it).
   */
  addReference(owner: NameMapping, reference: NameMapping): { mapping: Mapping; changed: boolean } {
    const ensured = this.ensure(owner);
    if (ensured.mapping.references.some((r) => sameNameMapping(r, reference))) return ensured;
    const mapping = this.put({
      ...ensured.mapping,
      sender: this.#sender,
      references: [...ensured.mapping.references, reference],
    });
    return { mapping, changed: true };
  }

  /** Replaces the owner's references (a pod re-translated); returns whether they changed. */
  setReferences(
    owner: NameMapping,
    references: readonly NameMapping[],
  ): { mapping: Mapping; changed: boolean } {
    const ensured = this.ensure(owner);
    const same =
      ensured.mapping.references.length === references.length &&
      references.every((r) => ensured.mapping.references.some((e) => sameNameMapping(e, r)));
    if (same) return ensured;
    return {
      mapping: this.put({ ...ensured.mapping, sender: this.#sender, references: [...references] }),
      changed: true,
    };
  }

  /** Removes a mapping (and with it the references it held). */
  remove(gvk: GroupVersionKind, virtual: NamespacedName): Mapping | undefined {
    const key = mappingKey(gvk, virtual);
    const m = this.#byVirtual.get(key);
    if (m === undefined) return undefined;
    this.#byVirtual.delete(key);
    if (this.#byHost.get(hostKey(m.gvk, m.host)) === key) this.#byHost.delete(hostKey(m.gvk, m.host));
    return m;
  }

  /** The mappings (other than its own) that reference the object: ConfigMaps/Secrets sync while non-empty. */
  referencesTo(gvk: GroupVersionKind, virtual: NamespacedName): Mapping[] {
    const own = mappingKey(gvk, virtual);
    return this.all().filter(
      (m) =>
        mappingKey(m.gvk, m.virtual) !== own &&
        m.references.some(
          (r) =>
            r.gvk.group === gvk.group &&
            r.gvk.version === gvk.version &&
            r.gvk.kind === gvk.kind &&
            r.virtual.namespace === virtual.namespace &&
            r.virtual.name === virtual.name,
        ),
    );
  }
}
