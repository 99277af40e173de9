/**
 * Name mappings as vCluster persists them (vcluster-behavior.md §1.7): the etcd key under
 * /vcluster/mappings/ keyed by the virtual name, and the value in the exact JSON shape Go's
 * encoding/json gives vCluster's Mapping struct. Pure: no store access here.
 */
import { SyncError } from '../errors.js';
import { apiVersionOf, type GroupVersionKind } from '../translate/gvk.js';

export const MAPPINGS_PREFIX = '/vcluster/mappings/';

export interface NamespacedName {
  readonly namespace: string;
  readonly name: string;
}

/** One virtual ↔ host name pair of one kind. */
export interface NameMapping {
  readonly gvk: GroupVersionKind;
  readonly virtual: NamespacedName;
  readonly host: NamespacedName;
}

export interface Mapping extends NameMapping {
  /** The syncer process that wrote it (watch events from ourselves are ignored). */
  readonly sender: string;
  /** What this object references (a pod's ConfigMaps, Secrets, PVCs …). */
  readonly references: readonly NameMapping[];
}

/** `/vcluster/mappings/<group/version|v1>/<lowercase kind>/[<vns>/]<vname>` */
export function mappingKey(gvk: GroupVersionKind, virtual: NamespacedName): string {
  const parts = [
    apiVersionOf(gvk),
    gvk.kind.toLowerCase(),
    ...(virtual.namespace ? [virtual.namespace] : []),
    virtual.name,
  ];
  return MAPPINGS_PREFIX + parts.join('/');
}

export interface ParsedMappingKey {
  readonly group: string;
  readonly version: string;
  /** Lower case: the key does not keep the kind's spelling. */
  readonly kindLower: string;
  readonly virtual: NamespacedName;
}

/** Parses a mappings key (used to reconstruct DELETE events whose value is gone). */
export function parseMappingKey(key: string): ParsedMappingKey | undefined {
  if (!key.startsWith(MAPPINGS_PREFIX)) return undefined;
  const parts = key.slice(MAPPINGS_PREFIX.length).split('/');
  // core: v1/kind/[ns/]name ; grouped: group/version/kind/[ns/]name
  const grouped = parts[0]?.includes('.') === true || (parts.length >= 4 && !/^v\d/.test(parts[0] ?? ''));
  const [group, version, rest] = grouped
    ? [parts[0] ?? '', parts[1] ?? '', parts.slice(2)]
    : ['', parts[0] ?? '', parts.slice(1)];
  const [kindLower, ...names] = rest;
  if (!version || !kindLower || names.length < 1 || names.length > 2 || names.some((n) => n === ''))
    return undefined;
  const virtual =
    names.length === 2
      ? { namespace: names[0] ?? '', name: names[1] ?? '' }
      : { namespace: '', name: names[0] ?? '' };
  return { group, version, kindLower, virtual };
}

interface GoNameMapping {
  Group: string;
  Version: string;
  Kind: string;
  VirtualName: { Namespace: string; Name: string };
  HostName: { Namespace: string; Name: string };
}

function toGo(m: NameMapping): GoNameMapping {
  return {
    Group: m.gvk.group,
    Version: m.gvk.version,
    Kind: m.gvk.kind,
    VirtualName: { Namespace: m.virtual.namespace, Name: m.virtual.name },
    HostName: { Namespace: m.host.namespace, Name: m.host.name },
  };
}

/** The stored value: Go field names and order; `sender` and `references` omitted when empty (omitempty). */
export function encodeMapping(m: Mapping): string {
  const value: GoNameMapping & { sender?: string; references?: GoNameMapping[] } = toGo(m);
  if (m.sender !== '') value.sender = m.sender;
  if (m.references.length > 0) value.references = m.references.map(toGo);
  return JSON.stringify(value);
}

function str(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new SyncError(`decode mapping: ${field} is not a string`);
  return value;
}

function nn(value: unknown, field: string): NamespacedName {
  if (typeof value !== 'object' || value === null)
    throw new SyncError(`decode mapping: ${field} is not an object`);
  const o = value as Record<string, unknown>;
  return { namespace: str(o.Namespace, `${field}.Namespace`), name: str(o.Name, `${field}.Name`) };
}

function fromGo(value: unknown, field: string): NameMapping {
  if (typeof value !== 'object' || value === null)
    throw new SyncError(`decode mapping: ${field} is not an object`);
  const o = value as Record<string, unknown>;
  const kind = str(o.Kind, `${field}.Kind`);
  if (kind === '') throw new SyncError(`decode mapping: ${field}.Kind is empty`);
  return {
    gvk: { group: str(o.Group, `${field}.Group`), version: str(o.Version, `${field}.Version`), kind },
    virtual: nn(o.VirtualName, `${field}.VirtualName`),
    host: nn(o.HostName, `${field}.HostName`),
  };
}

/** Parses a stored value; throws SyncError on anything that is not a mapping. */
export function decodeMapping(text: string): Mapping {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err: unknown) {
    throw new SyncError('decode mapping', { cause: err });
  }
  const base = fromGo(value, 'mapping');
  const o = value as Record<string, unknown>;
  const refs = o.references;
  if (refs !== undefined && refs !== null && !Array.isArray(refs))
    throw new SyncError('decode mapping: references is not a list');
  return {
    ...base,
    sender: str(o.sender, 'sender'),
    references: (refs ?? []).map((r: unknown, i: number) => fromGo(r, `references[${i}]`)),
  };
}

export function sameNameMapping(a: NameMapping, b: NameMapping): boolean {
  return (
    a.gvk.group === b.gvk.group &&
    a.gvk.version === b.gvk.version &&
    a.gvk.kind === b.gvk.kind &&
    a.virtual.namespace === b.virtual.namespace &&
    a.virtual.name === b.virtual.name &&
    a.host.namespace === b.host.namespace &&
    a.host.name === b.host.name
  );
}
