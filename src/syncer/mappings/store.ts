/**
 * The mappings store: the in-memory MappingIndex persisted in the vcluster's own database through kine
 * (keys under /vcluster/mappings/, vCluster's format). ConfigMaps and Secrets are on the host only
 * while some mapping references them; `release` says which references lost their last owner.
 */
import type { Logger } from '../../lib/logger.js';
import type { EtcdKv } from './etcd-kv.js';
import { MappingIndex } from './mapping-index.js';
import { MAPPINGS_PREFIX, decodeMapping, encodeMapping, mappingKey, type NameMapping } from './mapping.js';

export class MappingsStore {
  readonly index: MappingIndex;

  constructor(
    private readonly kv: EtcdKv,
    sender: string,
    private readonly log: Logger,
  ) {
    this.index = new MappingIndex(sender);
  }

  /** Loads every stored mapping; returns how many. */
  async load(): Promise<number> {
    for (const { key, value } of await this.kv.rangePrefix(MAPPINGS_PREFIX)) {
      try {
        this.index.put(decodeMapping(value.toString('utf8')));
      } catch (err) {
        this.log.warn(
          { key, err: err instanceof Error ? err.message : String(err) },
          'ignoring an unreadable mapping',
        );
      }
    }
    return this.index.size;
  }

  /** Records an object's mapping and the references it makes; writes only on change. */
  async record(owner: NameMapping, references: readonly NameMapping[]): Promise<void> {
    const { mapping, changed } = this.index.setReferences(owner, references);
    if (changed) await this.kv.put(mappingKey(mapping.gvk, mapping.virtual), encodeMapping(mapping));
  }

  /** Removes an object's mapping; returns its references that no other mapping holds any more. */
  async release(owner: NameMapping): Promise<NameMapping[]> {
    const removed = this.index.remove(owner.gvk, owner.virtual);
    if (!removed) return [];
    await this.kv.delete(mappingKey(owner.gvk, owner.virtual));
    return removed.references.filter((r) => this.index.referencesTo(r.gvk, r.virtual).length === 0);
  }
}
