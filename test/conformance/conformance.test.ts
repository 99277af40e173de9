import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeXmlText, outcomeOf, parseJUnit, type JUnitResults, type SpecOutcome } from './junit.js';
import { differential, formatDifferential } from './differential.js';
import { DEFAULT_SPECS, escapeRegexp, focusFor } from './focus.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
  <testsuites tests="4" disabled="3" errors="0" failures="1" time="12.5">
      <testsuite name="Kubernetes e2e suite" package="/tmp" tests="4" disabled="0" skipped="1" errors="0" failures="1" time="12.5">
          <testcase name="[SynchronizedBeforeSuite]" classname="Kubernetes e2e suite" status="passed" time="1.2"></testcase>
          <testcase name="[It] [sig-apps] Job should delete a job [Conformance]" classname="Kubernetes e2e suite" status="passed" time="3.1"></testcase>
          <testcase name="[It] [sig-node] RuntimeClass should reject a Pod requesting a &#34;deleted&#34; RuntimeClass &amp; more" classname="Kubernetes e2e suite" status="failed" time="2">
              <failure type="failed">[FAILED] pod rejected&#xA;In [It] at: job.go:1</failure>
              <system-err>log</system-err>
          </testcase>
          <testcase name="[It] [sig-apps] Job should skip" classname="Kubernetes e2e suite" status="skipped" time="0">
              <skipped message="skipped"></skipped>
          </testcase>
          <testcase name="[SynchronizedAfterSuite]" classname="Kubernetes e2e suite" status="timedout" time="0"/>
      </testsuite>
  </testsuites>`;

describe('decodeXmlText', () => {
  const cases: [string, string][] = [
    ['a &amp; b', 'a & b'],
    ['&lt;x&gt; &quot;q&quot; &apos;s&apos;', `<x> "q" 's'`],
    ['&#34;quoted&#34;', '"quoted"'],
    ['line&#xA;next&#x9;tab', 'line\nnext\ttab'],
    ['&unknown; stays', '&unknown; stays'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(decodeXmlText(input), want));
});

describe('outcomeOf', () => {
  const cases: [string | undefined, boolean, SpecOutcome][] = [
    ['passed', false, 'passed'],
    ['passed', true, 'failed'],
    ['skipped', false, 'skipped'],
    ['pending', false, 'skipped'],
    ['failed', true, 'failed'],
    ['panicked', true, 'failed'],
    ['timedout', false, 'failed'],
    ['interrupted', false, 'failed'],
    [undefined, false, 'passed'],
    [undefined, true, 'failed'],
  ];
  for (const [status, failure, want] of cases)
    it(`${status ?? '(none)'} ${failure ? 'with' : 'without'} a failure element → ${want}`, () => assert.equal(outcomeOf(status, failure), want));
});

describe('parseJUnit', () => {
  it('reads the specs (without the [It] prefix) and the suite nodes that did not pass', () => {
    assert.deepEqual(parseJUnit(XML), {
      specs: [
        { name: '[sig-apps] Job should delete a job [Conformance]', outcome: 'passed' },
        { name: '[sig-node] RuntimeClass should reject a Pod requesting a "deleted" RuntimeClass & more', outcome: 'failed' },
        { name: '[sig-apps] Job should skip', outcome: 'skipped' },
      ],
      failedSuiteNodes: ['[SynchronizedAfterSuite]'],
    });
  });
  it('an empty report has no specs', () => assert.deepEqual(parseJUnit(''), { specs: [], failedSuiteNodes: [] }));
});

const results = (specs: [string, SpecOutcome][]): JUnitResults => ({
  specs: specs.map(([name, outcome]) => ({ name, outcome })),
  failedSuiteNodes: [],
});

describe('differential', () => {
  const cases: { name: string; host: [string, SpecOutcome][]; virtual: [string, SpecOutcome][]; hostOnly: string[]; virtualOnly: string[] }[] = [
    { name: 'both pass', host: [['a', 'passed']], virtual: [['a', 'passed']], hostOnly: [], virtualOnly: [] },
    { name: 'fails in the vcluster', host: [['a', 'passed']], virtual: [['a', 'failed']], hostOnly: ['a'], virtualOnly: [] },
    { name: 'missing from the vcluster report', host: [['a', 'passed']], virtual: [], hostOnly: ['a'], virtualOnly: [] },
    { name: 'skipped in the vcluster is no regression', host: [['a', 'passed']], virtual: [['a', 'skipped']], hostOnly: [], virtualOnly: [] },
    { name: 'fails on both', host: [['a', 'failed']], virtual: [['a', 'failed']], hostOnly: [], virtualOnly: [] },
    { name: 'passes only in the vcluster', host: [['a', 'failed']], virtual: [['a', 'passed']], hostOnly: [], virtualOnly: ['a'] },
    {
      name: 'sorted names',
      host: [['b', 'passed'], ['a', 'passed'], ['c', 'passed']],
      virtual: [['b', 'failed'], ['a', 'failed'], ['c', 'passed']],
      hostOnly: ['a', 'b'],
      virtualOnly: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = differential(results(c.host), results(c.virtual));
      assert.deepEqual(d.hostOnly, c.hostOnly);
      assert.deepEqual(d.virtualOnly, c.virtualOnly);
    });
  }
  it('counts each target and prints the differential', () => {
    const d = differential(results([['a', 'passed'], ['b', 'passed'], ['c', 'skipped']]), results([['a', 'passed'], ['b', 'failed'], ['c', 'skipped']]));
    assert.deepEqual(d.host, { passed: 2, failed: 0, skipped: 1 });
    assert.deepEqual(d.virtual, { passed: 1, failed: 1, skipped: 1 });
    assert.deepEqual(formatDifferential(d), [
      'host:     2 passed, 0 failed (1 skipped or not in the focus)',
      'vcluster: 1 passed, 1 failed (1 skipped or not in the focus)',
      'pass on the host, fail in the vcluster: 1',
      '  - b',
    ]);
  });
});

describe('focus', () => {
  const cases: [string, string][] = [
    ['[sig-apps] Job', '\\[sig-apps\\] Job'],
    ['a.b*c+d?(e)|f{1}^$\\', 'a\\.b\\*c\\+d\\?\\(e\\)\\|f\\{1\\}\\^\\$\\\\'],
    ['plain words', 'plain words'],
  ];
  for (const [input, want] of cases) it(`escapes ${input}`, () => assert.equal(escapeRegexp(input), want));
  it('the default focus matches each default spec, with its tags, and nothing else', () => {
    const re = new RegExp(focusFor(DEFAULT_SPECS));
    for (const s of DEFAULT_SPECS) assert.match(`${s} [Conformance]`, re);
    assert.doesNotMatch('[sig-apps] Job should delete a job [Conformance]', re);
  });
});
