/**
 * Host names for virtual objects (vcluster-behavior.md §1.1–§1.3). Pure: the vcluster name and the
 * host namespace come in through a NameContext, never from globals.
 */
import { createHash } from 'node:crypto';
import { MAX_NAME_LENGTH } from './constants.js';

export interface NameContext {
  /** The vcluster's name (vCluster's Helm release name), e.g. "my-vcluster". */
  readonly vclusterName: string;
  /** The one host namespace every namespaced virtual object is synced into. */
  readonly hostNamespace: string;
}

export interface ObjectRef {
  readonly name: string;
  /** Empty or absent for cluster-scoped objects. */
  readonly namespace?: string;
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `value`. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * vCluster's SafeConcatName: join with "-"; when the result is longer than 63 bytes, keep the first
 * 52 bytes, append "-" and the first 10 hex of SHA-256 of the full joined string, then replace every
 * ".-" with "-". Lengths count UTF-8 bytes, as Go's len() does.
 */
export function safeConcatName(...parts: readonly string[]): string {
  const full = parts.join('-');
  const bytes = Buffer.from(full, 'utf8');
  if (bytes.length <= MAX_NAME_LENGTH) return full;
  const head = bytes.subarray(0, 52).toString('utf8');
  return `${head}-${sha256Hex(full).slice(0, 10)}`.replaceAll('.-', '-');
}

/** `<name>-x-<namespace>-x-<vc>` (63-char rule applied). */
export function hostName(ctx: NameContext, name: string, namespace: string): string {
  return safeConcatName(name, 'x', namespace, 'x', ctx.vclusterName);
}

/** Host name and namespace of a namespaced virtual object. */
export function hostRef(ctx: NameContext, ref: ObjectRef): Required<ObjectRef> {
  const namespace = ref.namespace ?? '';
  if (namespace === '') return { name: hostNameCluster(ctx, ref.name), namespace: '' };
  return { name: hostName(ctx, ref.name, namespace), namespace: ctx.hostNamespace };
}

/** Cluster-scoped objects synced to the host: `vcluster-<name>-x-<hostns>-x-<vc>`. */
export function hostNameCluster(ctx: NameContext, name: string): string {
  return safeConcatName('vcluster', name, 'x', ctx.hostNamespace, 'x', ctx.vclusterName);
}

/** The managed-by value on cluster-scoped host objects: `<hostns>-x-<vc>`. */
export function markerLabelCluster(ctx: NameContext): string {
  return safeConcatName(ctx.hostNamespace, 'x', ctx.vclusterName);
}

/** The per-node kubelet Service in the host namespace: `<vc>-node-<node with . → ->`. */
export function kubeletServiceName(ctx: NameContext, nodeName: string): string {
  return safeConcatName(ctx.vclusterName, 'node', nodeName.replaceAll('.', '-'));
}

/**
 * vCluster's short host name: "v" + the first 13 characters of the lowercase base-36 form of the
 * SHA-256 digest (as a big-endian integer, a "0" per leading zero byte) of `<name>-x-<namespace>-x-<vc>`.
 */
export function hostNameShort(ctx: NameContext, name: string, namespace: string): string {
  if (name === '') return '';
  const digest = sha256Hex([name, 'x', namespace, 'x', ctx.vclusterName].join('-'));
  // like vCluster's base36.EncodeBytes: one leading "0" per leading zero byte of the digest
  const zeroBytes = /^(00)*/.exec(digest)?.[0].length ?? 0;
  return `v${'0'.repeat(zeroBytes / 2)}${BigInt(`0x${digest}`).toString(36)}`.slice(0, 14);
}

/** Pattern that recognises short host names inside longer strings. */
export const SHORT_NAME_PATTERN = /v[a-z0-9]{13}/;
