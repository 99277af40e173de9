/** The syncer's standard metrics and the hooks that feed them (issue 5: latency, depth, errors). */
import type { ReconcileReport } from './controller.js';
import type { Gauge, Histogram, Counter, MetricsRegistry } from './metrics.js';
import type { WorkQueue } from './workqueue.js';

export type SyncDirection = 'to-host' | 'both' | 'to-virtual';

export interface ControllerMetrics {
  readonly reconcileDuration: Histogram;
  readonly reconcileTotal: Counter;
  readonly queueDepth: Gauge;
  readonly syncDuration: Histogram;
  /** Pass as ControllerOptions.onReconcile. */
  onReconcile(report: ReconcileReport): void;
  /** Reports a controller's queue depth at every scrape. */
  watchQueue(controller: string, queue: WorkQueue<string>): void;
  /** Records one sync function's latency (kind: "pods", direction: which of the three ran). */
  observeSync(kind: string, direction: SyncDirection, seconds: number): void;
}

export function controllerMetrics(registry: MetricsRegistry): ControllerMetrics {
  const reconcileDuration = registry.histogram(
    'vcluster_reconcile_duration_seconds',
    'Time per reconcile, by controller and outcome.',
  );
  const reconcileTotal = registry.counter(
    'vcluster_reconcile_total',
    'Reconciles, by controller and outcome (success, requeue-after, error, terminal-error).',
  );
  const queueDepth = registry.gauge(
    'vcluster_workqueue_depth',
    'Keys waiting in each controller queue (ready plus delayed).',
  );
  const syncDuration = registry.histogram(
    'vcluster_sync_duration_seconds',
    'Time per sync function, by kind and direction.',
  );
  const queues = new Map<string, WorkQueue<string>>();
  queueDepth.collect(() => [...queues].map(([controller, q]) => [{ controller }, q.len() + q.waitingLen()]));
  return {
    reconcileDuration,
    reconcileTotal,
    queueDepth,
    syncDuration,
    onReconcile: (r) => {
      const labels = { controller: r.controller, outcome: r.outcome };
      reconcileDuration.observe(labels, r.durationMs / 1000);
      reconcileTotal.inc(labels);
    },
    watchQueue: (controller, queue) => {
      queues.set(controller, queue);
    },
    observeSync: (kind, direction, seconds) => syncDuration.observe({ kind, direction }, seconds),
  };
}
