import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry } from './metrics.js';

describe('metrics registry', () => {
  it('renders counters with labels in the text format', () => {
    const r = new Registry();
    const c = r.register(new Counter('x_total', 'things'));
    c.inc({ kind: 'pods' });
    c.inc({ kind: 'pods' }, 2);
    c.inc({ kind: 'a"b' });
    assert.equal(r.render(), '# HELP x_total things\n# TYPE x_total counter\nx_total{kind="pods"} 3\nx_total{kind="a\\"b"} 1\n');
  });
  it('collects gauges on scrape', () => {
    let depth = 4;
    const g = new Gauge('q', 'depth', () => [[{ c: 'pods' }, depth]]);
    assert.deepEqual(g.render().slice(2), ['q{c="pods"} 4']);
    depth = 7;
    assert.deepEqual(g.render().slice(2), ['q{c="pods"} 7']);
  });
  it('counts histogram observations into cumulative buckets', () => {
    const h = new Histogram('d', 'latency', [0.01, 0.1]);
    h.observe({ k: 'p' }, 0.005);
    h.observe({ k: 'p' }, 0.05);
    h.observe({ k: 'p' }, 5);
    assert.deepEqual(h.render().slice(2), [
      'd_bucket{k="p",le="0.01"} 1',
      'd_bucket{k="p",le="0.1"} 2',
      'd_bucket{k="p",le="+Inf"} 3',
      'd_sum{k="p"} 5.055',
      'd_count{k="p"} 3',
    ]);
  });
});
