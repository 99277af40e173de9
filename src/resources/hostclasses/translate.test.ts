import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IngressClass, PriorityClass, StorageClass } from '../../k8s/types.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import { INGRESS_CLASSES, PRIORITY_CLASSES, STORAGE_CLASSES, decideHostClass, virtualClassFromHost, type HostClassAction } from './translate.js';

const VC = 'my-vcluster';

const sc = (name: string, extra: Partial<StorageClass> = {}, labels?: Record<string, string>): StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name, ...(labels ? { labels } : {}) },
  provisioner: 'rancher.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
  ...extra,
});
const importedSc = (name: string, extra: Partial<StorageClass> = {}): StorageClass => virtualClassFromHost(STORAGE_CLASSES, sc(name, extra), VC);

describe('virtualClassFromHost', () => {
  it('a StorageClass: same name, labels + managed-by, annotations, fields; no server fields', () => {
    const host: StorageClass = {
      ...sc('fast', { allowVolumeExpansion: true, parameters: { type: 'ssd' } }),
      metadata: { name: 'fast', uid: 'u', resourceVersion: '9', labels: { a: 'b' }, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    };
    const before = structuredClone(host);
    assert.deepEqual(virtualClassFromHost(STORAGE_CLASSES, host, VC), {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast', labels: { a: 'b', [MARKER_LABEL]: VC }, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      parameters: { type: 'ssd' },
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    assert.deepEqual(host, before, 'input not mutated');
  });
  it('an IngressClass and a PriorityClass', () => {
    const ic: IngressClass = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };
    assert.deepEqual(virtualClassFromHost(INGRESS_CLASSES, ic, VC), { ...ic, metadata: { name: 'nginx', labels: { [MARKER_LABEL]: VC } } });
    const pc: PriorityClass = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch' }, value: 10, globalDefault: false, description: 'd', preemptionPolicy: 'Never' };
    assert.deepEqual(virtualClassFromHost(PRIORITY_CLASSES, pc, VC), { ...pc, metadata: { name: 'batch', labels: { [MARKER_LABEL]: VC } } });
  });
});

describe('decideHostClass (StorageClass)', () => {
  const cases: { name: string; host?: StorageClass; virtual?: StorageClass; want: HostClassAction<StorageClass>['type'] }[] = [
    { name: 'neither side', want: 'none' },
    { name: 'host only → import', host: sc('fast'), want: 'create' },
    { name: 'imported and equal → nothing', host: sc('fast'), virtual: importedSc('fast'), want: 'none' },
    { name: 'host changed a mutable field → update', host: sc('fast', { allowVolumeExpansion: true }), virtual: importedSc('fast'), want: 'update' },
    { name: 'tenant changed a mutable field → reverted', host: sc('fast'), virtual: importedSc('fast', { allowVolumeExpansion: true }), want: 'update' },
    { name: 'tenant removed the managed-by label → reverted', host: sc('fast'), virtual: { ...importedSc('fast'), metadata: { name: 'fast', labels: {} } }, want: 'update' },
    { name: 'tenant made a class of a host class’s name → the host’s wins (re-created: provisioner is immutable)', host: sc('fast'), virtual: sc('fast', { provisioner: 'mine' }), want: 'delete' },
    { name: 'immutable field changed on the host → delete (re-created next round)', host: sc('fast', { reclaimPolicy: 'Retain' }), virtual: importedSc('fast'), want: 'delete' },
    { name: 'host class gone → delete the copy', virtual: importedSc('fast'), want: 'delete' },
    { name: 'host class deleting → delete the copy', host: { ...sc('fast'), metadata: { name: 'fast', deletionTimestamp: '2026-01-01T00:00:00Z' } }, virtual: importedSc('fast'), want: 'delete' },
    { name: 'the tenant’s own class (no host class of its name) → left alone', virtual: sc('mine'), want: 'none' },
    { name: 'another vcluster’s label, no host class → left alone', virtual: sc('x', {}, { [MARKER_LABEL]: 'other' }), want: 'none' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(decideHostClass(STORAGE_CLASSES, c.host, c.virtual, VC).type, c.want));
});

describe('decideHostClass (PriorityClass)', () => {
  const pc = (name: string, value: number): PriorityClass => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
  it('system classes are never imported', () => assert.equal(decideHostClass(PRIORITY_CLASSES, pc('system-node-critical', 2000001000), undefined, VC).type, 'none'));
  it('a value change (immutable) re-creates', () =>
    assert.equal(decideHostClass(PRIORITY_CLASSES, pc('batch', 2), virtualClassFromHost(PRIORITY_CLASSES, pc('batch', 1), VC), VC).type, 'delete'));
});
