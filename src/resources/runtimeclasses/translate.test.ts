import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RuntimeClass } from '../../k8s/types.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import { decideRuntimeClass, hostRuntimeClassFor, isImported, virtualRuntimeClassFromHost, type RuntimeClassAction } from './translate.js';

const VC = 'my-vcluster';

function rc(name: string, handler: string, extra: Partial<RuntimeClass> = {}, labels?: Record<string, string>): RuntimeClass {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name, ...(labels === undefined ? {} : { labels }) },
    handler,
    ...extra,
  };
}

const imported = (name: string, handler: string, extra: Partial<RuntimeClass> = {}): RuntimeClass =>
  virtualRuntimeClassFromHost(rc(name, handler, extra), VC);

describe('virtualRuntimeClassFromHost', () => {
  const cases: { name: string; host: RuntimeClass; want: RuntimeClass }[] = [
    {
      name: 'handler only',
      host: { ...rc('gvisor', 'runsc'), metadata: { name: 'gvisor', uid: 'host-uid', resourceVersion: '7' } },
      want: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor', labels: { [MARKER_LABEL]: VC } }, handler: 'runsc' },
    },
    {
      name: 'labels, annotations, overhead and scheduling copied',
      host: {
        ...rc('kata', 'kata', {
          overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
          scheduling: { nodeSelector: { sandbox: 'kata' }, tolerations: [{ key: 'kata', operator: 'Exists' }] },
        }),
        metadata: { name: 'kata', labels: { tier: 'sandbox' }, annotations: { note: 'x' } },
      },
      want: {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'kata', labels: { tier: 'sandbox', [MARKER_LABEL]: VC }, annotations: { note: 'x' } },
        handler: 'kata',
        overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
        scheduling: { nodeSelector: { sandbox: 'kata' }, tolerations: [{ key: 'kata', operator: 'Exists' }] },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.host);
      assert.deepEqual(virtualRuntimeClassFromHost(c.host, VC), c.want);
      assert.deepEqual(c.host, before, 'input not mutated');
    });
  }
  it('marks the copy as imported by this vcluster only', () => {
    assert.equal(isImported(imported('a', 'h'), VC), true);
    assert.equal(isImported(imported('a', 'h'), 'other'), false);
    assert.equal(isImported(rc('a', 'h'), VC), false);
  });
});

describe('decideRuntimeClass', () => {
  const cases: { name: string; host?: RuntimeClass; virtual?: RuntimeClass; want: RuntimeClassAction['type'] }[] = [
    { name: 'neither side', want: 'none' },
    { name: 'host only → import', host: rc('gvisor', 'runsc'), want: 'create' },
    { name: 'imported and equal → nothing', host: rc('gvisor', 'runsc'), virtual: imported('gvisor', 'runsc'), want: 'none' },
    {
      name: 'imported, host overhead changed → update',
      host: rc('gvisor', 'runsc', { overhead: { podFixed: { cpu: '1' } } }),
      virtual: imported('gvisor', 'runsc'),
      want: 'update',
    },
    {
      name: 'imported, host labels changed → update',
      host: rc('gvisor', 'runsc', {}, { tier: 'x' }),
      virtual: imported('gvisor', 'runsc'),
      want: 'update',
    },
    { name: 'imported, host handler changed (immutable) → delete', host: rc('gvisor', 'runsc2'), virtual: imported('gvisor', 'runsc'), want: 'delete' },
    { name: 'imported, host class gone → delete', virtual: imported('gvisor', 'runsc'), want: 'delete' },
    {
      name: 'imported, host class deleting → delete',
      host: { ...rc('gvisor', 'runsc'), metadata: { name: 'gvisor', deletionTimestamp: '2026-01-01T00:00:00Z' } },
      virtual: imported('gvisor', 'runsc'),
      want: 'delete',
    },
    { name: "the tenant's own class, no host class → left alone", virtual: rc('mine', 'runc'), want: 'none' },
    { name: "the tenant's own class, same name on the host → left alone", host: rc('mine', 'kata'), virtual: rc('mine', 'runc'), want: 'none' },
    {
      name: "another vcluster's label → left alone",
      virtual: rc('x', 'runc', {}, { [MARKER_LABEL]: 'other' }),
      want: 'none',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(decideRuntimeClass(c.host, c.virtual, VC).type, c.want));
  it('an update carries the host copy', () => {
    const host = rc('gvisor', 'runsc', { overhead: { podFixed: { cpu: '1' } } });
    assert.deepEqual(decideRuntimeClass(host, imported('gvisor', 'runsc'), VC), { type: 'update', desired: virtualRuntimeClassFromHost(host, VC) });
  });
});

describe('hostRuntimeClassFor', () => {
  const host = [rc('gvisor', 'runsc'), rc('kata-b', 'kata'), rc('kata-a', 'kata'), { ...rc('old', 'old'), metadata: { name: 'old', deletionTimestamp: '2026-01-01T00:00:00Z' } }];
  const cases: { name: string; virtualName: string; virtualClass?: RuntimeClass; hostClasses?: RuntimeClass[]; want: string | undefined }[] = [
    { name: 'same name on the host', virtualName: 'gvisor', virtualClass: rc('gvisor', 'other'), want: 'gvisor' },
    { name: 'same name, virtual class gone meanwhile', virtualName: 'gvisor', want: 'gvisor' },
    { name: 'same handler: first host class by name', virtualName: 'my-kata', virtualClass: rc('my-kata', 'kata'), want: 'kata-a' },
    { name: 'no host class of that name or handler → none', virtualName: 'test-rc', virtualClass: rc('test-rc', 'test-handler'), want: undefined },
    { name: 'a deleting host class does not count', virtualName: 'old', virtualClass: rc('old', 'old'), want: undefined },
    { name: 'no host classes at all → none', virtualName: 'x', virtualClass: rc('x', 'runc'), hostClasses: [], want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(hostRuntimeClassFor(c.virtualName, c.virtualClass, c.hostClasses ?? host), c.want));
});
