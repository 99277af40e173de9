/**
 * A small metrics registry rendered in the Prometheus text format (0.0.4): counters, gauges
 * (set directly or read at scrape time) and histograms with fixed buckets. Pure and synchronous;
 * serving it on a loopback endpoint is the caller's business.
 */

export type Labels = Readonly<Record<string, string>>;

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k] ?? '')}"`);
  if (extra !== undefined) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function seriesKey(labels: Labels): string {
  return formatLabels(labels);
}

export class Counter implements Metric {
  readonly type = 'counter';
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new RangeError('counter: cannot decrease');
    const key = seriesKey(labels);
    const entry = this.#values.get(key) ?? { labels: { ...labels }, value: 0 };
    entry.value += by;
    this.#values.set(key, entry);
  }

  get(labels: Labels = {}): number {
    return this.#values.get(seriesKey(labels))?.value ?? 0;
  }

  render(): string[] {
    return [...this.#values.values()].map(
      (e) => `${this.name}${formatLabels(e.labels)} ${formatValue(e.value)}`,
    );
  }
}

export class Gauge implements Metric {
  readonly type = 'gauge';
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  readonly #collectors: (() => readonly [Labels, number][])[] = [];
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(labels: Labels, value: number): void {
    this.#values.set(seriesKey(labels), { labels: { ...labels }, value });
  }

  /** Adds a callback read at every render (e.g. a queue's current depth). */
  collect(fn: () => readonly [Labels, number][]): void {
    this.#collectors.push(fn);
  }

  render(): string[] {
    const all = new Map(this.#values);
    for (const fn of this.#collectors) {
      for (const [labels, value] of fn()) all.set(seriesKey(labels), { labels, value });
    }
    return [...all.values()].map((e) => `${this.name}${formatLabels(e.labels)} ${formatValue(e.value)}`);
  }
}

/** client_golang's default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram implements Metric {
  readonly type = 'histogram';
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {
    this.#buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const key = seriesKey(labels);
    const s = this.#series.get(key) ?? {
      labels: { ...labels },
      counts: this.#buckets.map(() => 0),
      sum: 0,
      count: 0,
    };
    this.#buckets.forEach((bound, i) => {
      if (value <= bound) s.counts[i] = (s.counts[i] ?? 0) + 1;
    });
    s.sum += value;
    s.count += 1;
    this.#series.set(key, s);
  }

  render(): string[] {
    const lines: string[] = [];
    for (const s of this.#series.values()) {
      this.#buckets.forEach((bound, i) => {
        lines.push(
          `${this.name}_bucket${formatLabels(s.labels, ['le', formatValue(bound)])} ${s.counts[i] ?? 0}`,
        );
      });
      lines.push(`${this.name}_bucket${formatLabels(s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${this.name}_count${formatLabels(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  #register<M extends Metric>(metric: M): M {
    if (!NAME.test(metric.name)) throw new RangeError(`metrics: invalid name ${JSON.stringify(metric.name)}`);
    if (this.#metrics.has(metric.name)) throw new RangeError(`metrics: ${metric.name} registered twice`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  counter(name: string, help: string): Counter {
    return this.#register(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.#register(new Gauge(name, help));
  }

  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.#register(new Histogram(name, help, buckets));
  }

  /** The text exposition of every metric, sorted by name. */
  render(): string {
    const out: string[] = [];
    for (const name of [...this.#metrics.keys()].sort()) {
      const m = this.#metrics.get(name);
      if (m === undefined) continue;
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...m.render());
    }
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }
}
