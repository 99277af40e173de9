import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { controllerMetrics } from './controller-metrics.js';
import { MetricsRegistry } from './metrics.js';
import { WorkQueue } from './workqueue.js';

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in the text format', () => {
    const r = new MetricsRegistry();
    const c = r.counter('a_total', 'A counter.');
    c.inc({ kind: 'pods' });
    c.inc({ kind: 'pods' }, 2);
    const g = r.gauge('b_depth', 'A gauge.');
    g.set({}, 4);
    const h = r.histogram('c_seconds', 'A histogram.', [0.1, 1]);
    h.observe({ d: 'x' }, 0.05);
    h.observe({ d: 'x' }, 0.5);
    h.observe({ d: 'x' }, 5);
    assert.equal(
      r.render(),
      [
        '# HELP a_total A counter.',
        '# TYPE a_total counter',
        'a_total{kind="pods"} 3',
        '# HELP b_depth A gauge.',
        '# TYPE b_depth gauge',
        'b_depth 4',
        '# HELP c_seconds A histogram.',
        '# TYPE c_seconds histogram',
        'c_seconds_bucket{d="x",le="0.1"} 1',
        'c_seconds_bucket{d="x",le="1"} 2',
        'c_seconds_bucket{d="x",le="+Inf"} 3',
        'c_seconds_sum{d="x"} 5.55',
        'c_seconds_count{d="x"} 3',
        '',
      ].join('\n'),
    );
  });

  const escapes: { name: string; value: string; want: string }[] = [
    { name: 'quotes', value: 'a"b', want: 'x{v="a\\"b"} 1' },
    { name: 'backslash', value: 'a\\b', want: 'x{v="a\\\\b"} 1' },
    { name: 'newline', value: 'a\nb', want: 'x{v="a\\nb"} 1' },
    { name: 'unicode kept', value: 'ñ', want: 'x{v="ñ"} 1' },
  ];
  for (const c of escapes) {
    it(`escapes label values: ${c.name}`, () => {
      const r = new MetricsRegistry();
      r.counter('x', 'h').inc({ v: c.value });
      assert.equal(r.render().split('\n')[2], c.want);
    });
  }

  it('refuses invalid and duplicate names', () => {
    const r = new MetricsRegistry();
    assert.throws(() => r.counter('bad-name', 'h'), RangeError);
    r.counter('ok', 'h');
    assert.throws(() => r.gauge('ok', 'h'), RangeError);
  });

  it('counters never go down', () =>
    assert.throws(() => new MetricsRegistry().counter('c', 'h').inc({}, -1), RangeError));
});

describe('controllerMetrics', () => {
  it('feeds reconcile outcomes, sync latency and live queue depth', () => {
    const r = new MetricsRegistry();
    const m = controllerMetrics(r);
    m.onReconcile({ controller: 'pods', key: 'default/a', outcome: 'error', durationMs: 20 });
    m.observeSync('pods', 'to-host', 0.01);
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    m.watchQueue('pods', q);
    q.add('a');
    q.addAfter('b', 1000);
    const text = r.render();
    assert.match(text, /^vcluster_reconcile_total\{controller="pods",outcome="error"\} 1$/m);
    assert.match(text, /^vcluster_workqueue_depth\{controller="pods"\} 2$/m);
    assert.match(text, /^vcluster_sync_duration_seconds_count\{direction="to-host",kind="pods"\} 1$/m);
    assert.match(
      text,
      /^vcluster_reconcile_duration_seconds_sum\{controller="pods",outcome="error"\} 0.02$/m,
    );
  });
});
