/**
 * A small Prometheus registry: counters, gauges (set or collected on scrape) and histograms with labels,
 * rendered in the text exposition format. No domain code; one registry per process, passed down.
 */
type Labels = Readonly<Record<string, string>>;

const labelKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

const fmt = (name: string, labels: string, value: number): string => `${name}${labels ? `{${labels}}` : ''} ${Number.isFinite(value) ? value : value > 0 ? '+Inf' : '-Inf'}`;

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  readonly #values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.#values.get(labelKey(labels)) ?? 0;
  }
  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...[...this.#values].map(([k, v]) => fmt(this.name, k, v))];
  }
}

export class Gauge implements Metric {
  readonly #values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, private readonly collect?: () => Iterable<[Labels, number]>) {}
  set(labels: Labels, value: number): void {
    this.#values.set(labelKey(labels), value);
  }
  render(): string[] {
    if (this.collect) for (const [labels, value] of this.collect()) this.set(labels, value);
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, ...[...this.#values].map(([k, v]) => fmt(this.name, k, v))];
  }
}

/** Default buckets for latencies in seconds: 1 ms … 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class Histogram implements Metric {
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[] = LATENCY_BUCKETS) {}
  observe(labels: Labels, value: number): void {
    const k = labelKey(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i] = (s.counts[i] ?? 0) + 1;
    });
    s.sum += value;
    s.count += 1;
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.#series) {
      const sep = k ? `${k},` : '';
      this.buckets.forEach((b, i) => out.push(fmt(`${this.name}_bucket`, `${sep}le="${b}"`, s.counts[i] ?? 0)));
      out.push(fmt(`${this.name}_bucket`, `${sep}le="+Inf"`, s.count), fmt(`${this.name}_sum`, k, s.sum), fmt(`${this.name}_count`, k, s.count));
    }
    return out;
  }
}

export class Registry {
  readonly #metrics: Metric[] = [];
  register<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }
  render(): string {
    return `${this.#metrics.flatMap((m) => m.render()).join('\n')}\n`;
  }
}
