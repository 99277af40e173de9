import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  hostName,
  hostNameCluster,
  hostNameShort,
  hostRef,
  kubeletServiceName,
  markerLabelCluster,
  safeConcatName,
  SHORT_NAME_PATTERN,
  type NameContext,
} from './names.js';

// Golden values computed independently (Python hashlib) from the rule in vcluster-behavior.md §1.1.
const vc1: NameContext = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const myVc: NameContext = { vclusterName: 'my-vcluster', hostNamespace: 'test-namespace' };

describe('hostName', () => {
  const cases: { name: string; ctx: NameContext; vName: string; vNs: string; want: string }[] = [
    { name: 'short name', ctx: vc1, vName: 'nginx', vNs: 'default', want: 'nginx-x-default-x-vc1' },
    {
      name: 'exactly 62 chars, untouched',
      ctx: vc1,
      vName: 'a'.repeat(46),
      vNs: 'default',
      want: `${'a'.repeat(46)}-x-default-x-vc1`,
    },
    {
      name: 'exactly 63 chars, untouched',
      ctx: vc1,
      vName: 'a'.repeat(47),
      vNs: 'default',
      want: `${'a'.repeat(47)}-x-default-x-vc1`,
    },
    {
      name: '64 chars: 52 + "-" + 10 hex',
      ctx: vc1,
      vName: 'a'.repeat(48),
      vNs: 'default',
      want: `${'a'.repeat(48)}-x-d-4e2e1f6029`,
    },
    {
      name: '64 chars with a long vcluster name',
      ctx: myVc,
      vName: 'a'.repeat(40),
      vNs: 'default',
      want: `${'a'.repeat(40)}-x-default-x-7799225210`,
    },
    {
      name: 'deployment pod name',
      ctx: myVc,
      vName: 'my-deployment-with-a-quite-long-name-7d9f8b6c5d-x2vqz',
      vNs: 'default',
      want: 'my-deployment-with-a-quite-long-name-7d9f8b6c5d-x2vq-fa33544075',
    },
    {
      name: 'a "." before the cut becomes "-" (62 chars)',
      ctx: vc1,
      vName: `${'a'.repeat(51)}.bcd`,
      vNs: 'default',
      want: `${'a'.repeat(51)}-984e69e0f3`,
    },
    {
      name: 'dots elsewhere are kept',
      ctx: { vclusterName: 'vc', hostNamespace: 'h' },
      vName: 'abc.def.ghi.jklmnopqrst.uvwxyz01234567890123456789012',
      vNs: 'default',
      want: 'abc.def.ghi.jklmnopqrst.uvwxyz0123456789012345678901-1cbf5fbfc3',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = hostName(c.ctx, c.vName, c.vNs);
      assert.equal(got, c.want);
      assert.ok(got.length <= 63);
    });
  }
});

describe('cluster-scoped names and markers', () => {
  const cases: { name: string; got: () => string; want: string }[] = [
    { name: 'storage class', got: () => hostNameCluster(vc1, 'fast'), want: 'vcluster-fast-x-team-a-x-vc1' },
    {
      name: 'priority class (vCluster e2e value)',
      got: () => hostNameCluster({ vclusterName: 'vcluster', hostNamespace: 'test' }, 'high-priority'),
      want: 'vcluster-high-priority-x-test-x-vcluster',
    },
    { name: 'cluster marker', got: () => markerLabelCluster(vc1), want: 'team-a-x-vc1' },
    {
      name: 'kubelet service',
      got: () => kubeletServiceName(myVc, 'node-1.example.com'),
      want: 'my-vcluster-node-node-1-example-com',
    },
    { name: 'short name', got: () => hostNameShort(vc1, 'nginx', 'default'), want: 'v4beno7kpi5awd' },
    {
      name: 'short name of a digest with a leading zero byte (000410e1…)',
      got: () => hostNameShort(vc1, 'pod358', 'default'),
      want: 'v0igvvfcnmwbo3',
    },
    { name: 'short name of an empty name is empty', got: () => hostNameShort(vc1, '', 'default'), want: '' },
    { name: 'concat without overflow', got: () => safeConcatName('a', 'b', 'c'), want: 'a-b-c' },
    {
      // Not a valid Kubernetes name, but pins the byte semantics of Go's len() and slicing:
      // 71 UTF-8 bytes; the cut at 52 bytes splits a "ü", which decodes to U+FFFD.
      name: 'lengths and the cut count UTF-8 bytes',
      got: () => safeConcatName(`a${'ü'.repeat(30)}`, 'x', 'ns', 'x', 'vc'),
      want: `a${'ü'.repeat(25)}\uFFFD-ae1f97e466`,
    },
    {
      name: 'multi-byte names under 64 bytes are kept',
      got: () => safeConcatName('ü'.repeat(20), 'x'),
      want: `${'ü'.repeat(20)}-x`,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(c.got(), c.want));
});

describe('hostRef', () => {
  it('namespaced objects land in the host namespace', () => {
    assert.deepEqual(hostRef(vc1, { name: 'cfg', namespace: 'default' }), {
      name: 'cfg-x-default-x-vc1',
      namespace: 'team-a',
    });
  });
  it('cluster-scoped objects get the cluster name and no namespace', () => {
    assert.deepEqual(hostRef(vc1, { name: 'fast' }), { name: 'vcluster-fast-x-team-a-x-vc1', namespace: '' });
  });
});

const dnsLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/);
const nsName = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);

describe('name properties', () => {
  it('host names are at most 63 characters', () => {
    fc.assert(
      fc.property(dnsLabel, nsName, nsName, (name, ns, vc) => {
        assert.ok(hostName({ vclusterName: vc, hostNamespace: 'h' }, name, ns).length <= 63);
      }),
    );
  });
  it('names that fit are kept verbatim', () => {
    fc.assert(
      fc.property(nsName, nsName, nsName, (name, ns, vc) => {
        const full = `${name}-x-${ns}-x-${vc}`;
        fc.pre(full.length <= 63);
        assert.equal(hostName({ vclusterName: vc, hostNamespace: 'h' }, name, ns), full);
      }),
    );
  });
  it('different long names give different host names (no accidental collisions)', () => {
    fc.assert(
      fc.property(dnsLabel, dnsLabel, (a, b) => {
        fc.pre(a !== b);
        const ctx = { vclusterName: 'vc', hostNamespace: 'h' };
        assert.notEqual(hostName(ctx, a, 'default'), hostName(ctx, b, 'default'));
      }),
    );
  });
  it('short names always match the back-translation pattern', () => {
    fc.assert(
      fc.property(dnsLabel, nsName, (name, ns) => {
        const short = hostNameShort(vc1, name, ns);
        assert.equal(short.length, 14);
        assert.match(short, new RegExp(`^${SHORT_NAME_PATTERN.source}$`));
      }),
    );
  });
});
