import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeKubeClient } from '../../k8s/fake.js';
import { Kinds, type IngressClass, type PriorityClass, type StorageClass, type TypedObject } from '../../k8s/types.js';
import type { KubeObject } from '../../syncer/types.js';
import { withControllerHarness, type ControllerBuilder } from '../shared/controller-harness.js';
import { hostClassesController } from './syncer.js';
import { INGRESS_CLASSES, PRIORITY_CLASSES, STORAGE_CLASSES, type HostClassKind } from './translate.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const MB = 'vcluster.loft.sh/managed-by';

function run<T extends KubeObject>(k: HostClassKind<T>, hostObjects: TypedObject[], virtualObjects: TypedObject[], body: (virtual: FakeKubeClient, host: FakeKubeClient, until: (what: string, check: () => void) => Promise<void>) => Promise<void>): Promise<void> {
  const type = { apiVersion: k.apiVersion, kind: k.kind };
  const build: ControllerBuilder = (ctx, f) => hostClassesController<T>(ctx, k, { virtualClasses: f.virtual.informerFor<T>(type), hostClasses: f.host.informerFor<T>(type) });
  return withControllerHarness(build, { names, hostObjects, virtualObjects }, (h) => body(h.virtual, h.host, (what, check) => h.until(what, check)));
}

const fast: StorageClass & TypedObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast', labels: { tier: 'ssd' } },
  provisioner: 'rancher.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};
const mine: StorageClass & TypedObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'mine' }, provisioner: 'example.com/mine' };

describe('host classes import controller (StorageClasses)', () => {
  it('imports a host class, reverts a tenant edit and delete, removes the copy with the host class, leaves the tenant’s own class alone', () =>
    run(STORAGE_CLASSES, [fast], [mine], async (virtual, host, until) => {
      const copy = (): StorageClass | undefined => virtual.peek<StorageClass>(Kinds.StorageClass, { name: 'fast' });
      await until('the import', () => {
        assert.equal(copy()?.provisioner, 'rancher.io/local-path');
        assert.deepEqual(copy()?.metadata?.labels, { tier: 'ssd', [MB]: 'vc1' });
      });
      // a tenant edit is reverted
      const current = copy() as StorageClass & TypedObject;
      await virtual.update({ ...current, allowVolumeExpansion: true, metadata: { ...current.metadata, labels: { tier: 'hdd' } } });
      await until('the edit reverted', () => {
        assert.equal(copy()?.allowVolumeExpansion, undefined);
        assert.deepEqual(copy()?.metadata?.labels, { tier: 'ssd', [MB]: 'vc1' });
      });
      // a tenant delete is reverted
      const uid = copy()?.metadata?.uid;
      await virtual.delete(Kinds.StorageClass, { name: 'fast' });
      await until('the copy re-created', () => assert.notEqual(copy()?.metadata?.uid ?? uid, uid));
      // the host changes a mutable field
      const hostFast = host.peek<StorageClass & TypedObject>(Kinds.StorageClass, { name: 'fast' })!;
      await host.update({ ...hostFast, allowVolumeExpansion: true });
      await until('the host change', () => assert.equal(copy()?.allowVolumeExpansion, true));
      // the host class goes
      await host.delete(Kinds.StorageClass, { name: 'fast' });
      await until('the copy removed', () => assert.equal(copy(), undefined));
      assert.ok(virtual.peek(Kinds.StorageClass, { name: 'mine' }), 'the tenant’s class is left alone');
      assert.ok(!virtual.writes().some((w) => w.name === 'mine'), JSON.stringify(virtual.writes()));
    }));
});

describe('host classes import controller (IngressClasses, PriorityClasses)', () => {
  it('imports an IngressClass', () => {
    const nginx: IngressClass & TypedObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };
    return run(INGRESS_CLASSES, [nginx], [], async (virtual, _host, until) =>
      until('the import', () => assert.equal(virtual.peek<IngressClass>(Kinds.IngressClass, { name: 'nginx' })?.spec?.controller, 'k8s.io/ingress-nginx')),
    );
  });
  it('imports a PriorityClass, not the system ones', () => {
    const pc = (name: string, value: number): PriorityClass & TypedObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
    const systemVirtual = { ...pc('system-node-critical', 2000001000), metadata: { name: 'system-node-critical', labels: {} } };
    return run(PRIORITY_CLASSES, [pc('batch', 100), pc('system-node-critical', 2000001000)], [systemVirtual], async (virtual, _host, until) => {
      await until('the import', () => assert.equal(virtual.peek<PriorityClass>(Kinds.PriorityClass, { name: 'batch' })?.value, 100));
      assert.ok(!virtual.writes().some((w) => w.name === 'system-node-critical'));
    });
  });
});
