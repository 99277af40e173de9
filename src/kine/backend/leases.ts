/** Lease bookkeeping in memory (persisted by the backend through the log's kine_lease table). */
import { Errors } from '../errors.js';
import type { Row } from '../sql/row.js';
import type { LeaseTimeToLive } from './backend.js';

/** etcd's largest lease TTL (seconds). */
export const MAX_LEASE_TTL = 9_000_000_000;
/** Go kine reads a leased key it wrote with no lease row as a lease whose TTL is its id, capped at this. */
const MAX_RESTORED_TTL = 3600;

/** A key moving from lease `from` to lease `to` (0 = none). */
export interface LeaseMove {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

export interface LeaseState {
  readonly id: number;
  readonly ttl: number;
  expiresAt: number;
  readonly keys: Set<string>;
}

export class LeaseTable {
  private readonly leases = new Map<number, LeaseState>();

  get(id: number): LeaseState | undefined {
    return this.leases.get(id);
  }

  has(id: number): boolean {
    return this.leases.has(id);
  }

  add(id: number, ttl: number, now: number): LeaseState {
    const l: LeaseState = { id, ttl, expiresAt: now + ttl * 1000, keys: new Set() };
    this.leases.set(id, l);
    return l;
  }

  delete(id: number): void {
    this.leases.delete(id);
  }

  all(): LeaseState[] {
    return [...this.leases.values()];
  }

  expired(now: number): LeaseState[] {
    const out: LeaseState[] = [];
    for (const l of this.leases.values()) if (l.expiresAt <= now) out.push(l);
    return out;
  }

  /** Moves `name` from lease `from` to lease `to` (0 = none). */
  attach(name: string, from: number, to: number): void {
    if (from === to) return;
    if (from !== 0) this.leases.get(from)?.keys.delete(name);
    if (to !== 0) this.leases.get(to)?.keys.add(name);
  }

  /** Applies the lease moves of committed writes. */
  move(moves: readonly LeaseMove[]): void {
    for (const m of moves) this.attach(m.name, m.from, m.to);
  }

  /**
   * Loads the stored leases, renewed to a full TTL (as etcd does after a restart), and the keys
   * attached to them; a key whose lease has no row (written by Go kine, whose lease id is its TTL in
   * seconds) gets a lease of that TTL, at least `minTtl`.
   */
  restore(leases: readonly { id: number; ttl: number }[], keys: readonly { name: string; lease: number }[], minTtl: number, now: number): void {
    for (const l of leases) this.add(l.id, l.ttl, now);
    for (const k of keys) {
      if (!this.has(k.lease)) this.add(k.lease, Math.min(Math.max(k.lease, minTtl), MAX_RESTORED_TTL), now);
      this.attach(k.name, 0, k.lease);
    }
  }

  /** Renews a lease; returns its TTL, or 0 when it does not exist (etcd's KeepAlive answer). */
  keepAlive(id: number, now: number): number {
    const l = this.leases.get(id);
    if (l === undefined) return 0;
    l.expiresAt = now + l.ttl * 1000;
    return l.ttl;
  }

  timeToLive(id: number, now: number): LeaseTimeToLive | undefined {
    const l = this.leases.get(id);
    if (l === undefined) return undefined;
    const remaining = Math.max(Math.ceil((l.expiresAt - now) / 1000), 0);
    const keys = [...l.keys].sort().map((n) => Buffer.from(n === 'compact_rev_key_apiserver' ? 'compact_rev_key' : n, 'utf8'));
    return { ttl: remaining, grantedTtl: l.ttl, keys };
  }

  ids(): number[] {
    return this.all().map((l) => l.id);
  }
}

/**
 * etcd's LeaseGrant rules: the TTL is capped, id 0 picks a free random id in [1, maxId], a taken id
 * is refused, and a TTL below `minTtl` is raised to it. Returns the lease to store.
 */
export function planGrant(
  ttl: number,
  id: number,
  o: { readonly leases: LeaseTable; readonly minTtl: number; readonly maxId: number; readonly random?: () => number },
): { id: number; ttl: number } {
  if (ttl > MAX_LEASE_TTL) throw Errors.leaseTTLTooLarge();
  let leaseId = id;
  if (leaseId === 0) {
    const random = o.random ?? Math.random;
    do leaseId = Math.floor(random() * o.maxId) + 1;
    while (o.leases.has(leaseId));
  } else if (o.leases.has(leaseId)) {
    throw Errors.leaseExist();
  }
  return { id: leaseId, ttl: Math.max(ttl, o.minTtl) };
}

/** The names a revocation of `l` deletes, in order; each only if still held (see heldBy). */
export function revocationOrder(l: LeaseState): string[] {
  return [...l.keys].sort();
}

/** Whether `row` (a key's newest row) is a live key attached to lease `id`. */
export function heldBy(row: Row | undefined, id: number): row is Row {
  return row !== undefined && !row.deleted && row.lease === id;
}
