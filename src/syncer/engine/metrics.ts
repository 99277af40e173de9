/**
 * The syncer's metrics: sync latency per kind and direction, reconciles and errors per controller,
 * queue depth, and the writes the syncer makes on each side (a wrapped client counts them).
 */
import type { KubeClient } from '../../k8s/client.js';
import { Counter, Gauge, Histogram, type Registry } from '../../lib/metrics.js';
import type { Controller, ReconcileReport } from '../../runtime/controller.js';

export type SyncDirection = 'to_host' | 'both' | 'to_virtual';

const WRITE_VERBS = ['create', 'update', 'updateStatus', 'patch', 'delete', 'createSubresource'] as const;

export class SyncerMetrics {
  readonly #syncDuration: Histogram;
  readonly #reconciles: Counter;
  readonly #errors: Counter;
  readonly #writes: Counter;
  readonly #controllers: Controller[] = [];

  constructor(registry: Registry) {
    this.#syncDuration = registry.register(new Histogram('vcluster_syncer_sync_duration_seconds', 'Time of one sync function call, by kind and direction.'));
    this.#reconciles = registry.register(new Counter('vcluster_syncer_reconciles_total', 'Reconciles by controller and outcome.'));
    this.#errors = registry.register(new Counter('vcluster_syncer_reconcile_errors_total', 'Failed reconciles by controller.'));
    this.#writes = registry.register(new Counter('vcluster_syncer_writes_total', 'API writes the syncer made, by side and verb.'));
    registry.register(
      new Gauge('vcluster_syncer_queue_depth', 'Keys waiting in each controller queue.', () =>
        this.#controllers.map((c) => [{ controller: c.name }, c.queue.len()] as [Record<string, string>, number]),
      ),
    );
  }

  watch(controller: Controller): void {
    this.#controllers.push(controller);
  }

  observeSync(kind: string, direction: SyncDirection, ms: number): void {
    this.#syncDuration.observe({ kind, direction }, ms / 1000);
  }

  onReconcile = (r: ReconcileReport): void => {
    this.#reconciles.inc({ controller: r.controller, outcome: r.outcome });
    if (r.outcome === 'error' || r.outcome === 'terminal-error') this.#errors.inc({ controller: r.controller });
  };

  /** The client, counting its writes under `side`. */
  counting(client: KubeClient, side: 'host' | 'virtual'): KubeClient {
    const writes = this.#writes;
    return new Proxy(client, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        // Methods run on the real client (it keeps private state); writes are counted on the way.
        const method = value as (...a: unknown[]) => unknown;
        const counted = (WRITE_VERBS as readonly (string | symbol)[]).includes(prop);
        return (...args: unknown[]): unknown => {
          if (counted) writes.inc({ side, verb: String(prop) });
          return method.apply(target, args);
        };
      },
    });
  }
}
