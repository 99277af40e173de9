import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolumeClaim } from '../../k8s/types.js';
import {
  fakePersistentVolume,
  fakePersistentVolumeNeeded,
  persistentVolumeHostName,
  syncPersistentVolumeClaim,
  toHostPersistentVolumeClaim,
} from './translate.js';
import { options } from '../shared/testing.js';

function claim(
  spec: PersistentVolumeClaim['spec'],
  annotations: Record<string, string> = {},
): PersistentVolumeClaim {
  return { metadata: { name: 'data', namespace: 'default', uid: 'pvc-uid', annotations }, spec };
}

describe('toHostPersistentVolumeClaim', () => {
  const cases: {
    name: string;
    virtual: PersistentVolumeClaim;
    opts?: object;
    wantSpec: PersistentVolumeClaim['spec'];
  }[] = [
    {
      name: 'storage class kept by default',
      virtual: claim({
        storageClassName: 'fast',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      }),
      wantSpec: {
        storageClassName: 'fast',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    },
    {
      name: 'storage class translated with toHost.storageClasses',
      virtual: claim({ storageClassName: 'fast' }),
      opts: { storageClassesToHost: true },
      wantSpec: { storageClassName: 'vcluster-fast-x-test-namespace-x-my-vcluster' },
    },
    {
      name: 'volumeName and selector translated with toHost.persistentVolumes',
      virtual: claim({ volumeName: 'pv1', selector: { matchLabels: { release: 'r' } } }),
      opts: { persistentVolumesToHost: true },
      wantSpec: {
        volumeName: 'vcluster-pv1-x-test-namespace-x-my-vcluster',
        selector: { matchLabels: { 'vcluster.loft.sh/label-my-vcluster-x-a4d451ec23': 'r' } },
      },
    },
    {
      name: 'volumeName untouched without PV sync',
      virtual: claim({ volumeName: 'pv1' }),
      wantSpec: { volumeName: 'pv1' },
    },
    {
      name: 'PVC data sources translated, snapshots not',
      virtual: claim({
        dataSource: { kind: 'PersistentVolumeClaim', name: 'src' },
        dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' },
      }),
      wantSpec: {
        dataSource: { kind: 'PersistentVolumeClaim', name: 'src-x-default-x-my-vcluster' },
        dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' },
      },
    },
    {
      name: 'deprecated class annotation honoured and removed when translated',
      virtual: claim({}, { 'volume.beta.kubernetes.io/storage-class': 'fast' }),
      opts: { storageClassesToHost: true },
      wantSpec: { storageClassName: 'vcluster-fast-x-test-namespace-x-my-vcluster' },
    },
    {
      name: 'PV sync, static binding: class translated',
      virtual: claim({ storageClassName: 'manual', volumeName: 'pv1' }),
      opts: { persistentVolumesToHost: true },
      wantSpec: {
        storageClassName: 'vcluster-manual-x-test-namespace-x-my-vcluster',
        volumeName: 'vcluster-pv1-x-test-namespace-x-my-vcluster',
      },
    },
    {
      name: 'PV sync, dynamic, class exists on the host: kept',
      virtual: claim({ storageClassName: 'standard' }),
      opts: { persistentVolumesToHost: true, hostStorageClasses: new Set(['standard']) },
      wantSpec: { storageClassName: 'standard' },
    },
    {
      name: 'PV sync, dynamic, class missing on the host: translated',
      virtual: claim({ storageClassName: 'tenant-class' }),
      opts: { persistentVolumesToHost: true, hostStorageClasses: new Set(['standard']) },
      wantSpec: { storageClassName: 'vcluster-tenant-class-x-test-namespace-x-my-vcluster' },
    },
    {
      name: 'cross-namespace data source ref translated in its own namespace',
      virtual: claim({ dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'src', namespace: 'other' } }),
      wantSpec: {
        dataSourceRef: {
          kind: 'PersistentVolumeClaim',
          name: 'src-x-other-x-my-vcluster',
          namespace: 'other',
        },
      },
    },
    {
      name: 'skip-translate leaves references alone',
      virtual: claim(
        { volumeName: 'pv1', dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } },
        { 'vcluster.loft.sh/skip-translate': 'true' },
      ),
      opts: { persistentVolumesToHost: true },
      wantSpec: { volumeName: 'pv1', dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = toHostPersistentVolumeClaim(c.virtual, { ...options, ...(c.opts ?? {}) });
      assert.deepEqual(got.spec, c.wantSpec);
      assert.equal(got.metadata?.name, 'data-x-default-x-my-vcluster');
      assert.equal(got.status, undefined);
    });
  }
});

describe('syncPersistentVolumeClaim', () => {
  const host: PersistentVolumeClaim = {
    metadata: {
      name: 'data-x-default-x-my-vcluster',
      annotations: { 'pv.kubernetes.io/bind-completed': 'yes', other: 'x' },
    },
    spec: { volumeName: 'pvc-123', resources: { requests: { storage: '1Gi' } } },
    status: { phase: 'Bound', capacity: { storage: '1Gi' } },
  };
  it('binds the virtual claim, copies status and bind annotations, pushes resize', () => {
    const virtual = claim({ resources: { requests: { storage: '2Gi' } } });
    const got = syncPersistentVolumeClaim(virtual, host);
    assert.equal(got.virtual.spec?.volumeName, 'pvc-123');
    assert.deepEqual(got.virtual.status, { phase: 'Bound', capacity: { storage: '1Gi' } });
    assert.deepEqual(got.virtual.metadata?.annotations, { 'pv.kubernetes.io/bind-completed': 'yes' });
    assert.deepEqual(got.host.spec?.resources?.requests, { storage: '2Gi' });
    assert.equal(got.recreateVirtual, false);
  });
  it('asks for a recreate when the volumes differ', () => {
    assert.equal(syncPersistentVolumeClaim(claim({ volumeName: 'other' }), host).recreateVirtual, true);
  });
});

describe('fakePersistentVolume', () => {
  const bound: PersistentVolumeClaim = {
    metadata: { name: 'data', namespace: 'default', uid: 'pvc-uid', resourceVersion: '7' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      storageClassName: 'standard',
      volumeName: 'pvc-123',
      resources: { requests: { storage: '1Gi' } },
    },
    status: { phase: 'Bound', capacity: { storage: '1Gi' } },
  };
  it('builds a bound fake PV named like the host PV', () => {
    assert.deepEqual(fakePersistentVolume('pvc-123', bound), {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: 'pvc-123',
        labels: { 'vcluster.loft.sh/fake-pv': 'true' },
        annotations: {
          'kubernetes.io/createdby': 'fake-pv-provisioner',
          'pv.kubernetes.io/bound-by-controller': 'true',
          'pv.kubernetes.io/provisioned-by': 'fake-pv-provisioner',
        },
      },
      spec: {
        flexVolume: { driver: 'fake' },
        accessModes: ['ReadWriteOnce'],
        claimRef: {
          kind: 'PersistentVolumeClaim',
          namespace: 'default',
          name: 'data',
          apiVersion: 'v1',
          uid: 'pvc-uid',
          resourceVersion: '7',
        },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'standard',
        capacity: { storage: '1Gi' },
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    });
  });
  it('storage class is "" when the claim has none', () => {
    assert.equal(
      fakePersistentVolume('pv', { metadata: { name: 'c', namespace: 'n' }, spec: {} }).spec
        ?.storageClassName,
      '',
    );
  });
  const cases = [
    { name: 'needed while a claim names it', pv: 'pvc-123', want: true },
    { name: 'not needed otherwise', pv: 'pvc-999', want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(fakePersistentVolumeNeeded(c.pv, [bound]), c.want));
});

describe('persistentVolumeHostName', () => {
  const cases: { name: string; annotations: Record<string, string>; toHost: boolean; want: string }[] = [
    { name: 'mirror without PV sync', annotations: {}, toHost: false, want: 'pv-1' },
    {
      name: 'cluster name with PV sync',
      annotations: {},
      toHost: true,
      want: 'vcluster-pv-1-x-test-namespace-x-my-vcluster',
    },
    {
      name: 'host-provisioned PV keeps its host name',
      annotations: { 'vcluster.loft.sh/host-pv': 'pvc-abc' },
      toHost: true,
      want: 'pvc-abc',
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      assert.equal(
        persistentVolumeHostName(
          options.names,
          { metadata: { name: 'pv-1', annotations: c.annotations } },
          c.toHost,
        ),
        c.want,
      ),
    );
});
