/** Lease bookkeeping in memory (persisted by the backend through the log's kine_lease table). */

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
}
