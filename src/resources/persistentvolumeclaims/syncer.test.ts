import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kinds, type PersistentVolumeClaim, type TypedObject } from '../../k8s/types.js';
import { itCases, startSyncHarness, toHostCases } from '../shared/sync-harness.js';
import { createPersistentVolumeClaimSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };

const claim: PersistentVolumeClaim & TypedObject = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'default', uid: 'pvc-uid' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } },
};

describe('persistentvolumeclaims syncer', () => {
  itCases(
    toHostCases<PersistentVolumeClaim>({
      syncer: createPersistentVolumeClaimSyncer(),
      names,
      virtual: claim,
      hostKey: { namespace: 'team-a', name: 'data-x-default-x-vc1' },
      checkHost: (host) => {
        assert.equal(host.spec?.storageClassName, 'standard');
        assert.deepEqual(host.spec?.accessModes, ['ReadWriteOnce']);
      },
      // a resize goes to the host
      editVirtual: (v) => ({ ...v, spec: { ...v.spec, resources: { requests: { storage: '2Gi' } } } }),
      checkEdited: (host) => assert.equal(host.spec?.resources?.requests?.storage, '2Gi'),
      fromHost: [
        {
          name: 'the host binds the claim: the virtual claim takes its volume name and status',
          write: async (host, copy) => {
            const bound = await host.update({ ...copy, spec: { ...copy.spec, volumeName: 'pvc-0123' } });
            return host.updateStatus({ ...bound, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } });
          },
          check: (v) => {
            assert.equal(v.spec?.volumeName, 'pvc-0123');
            assert.equal(v.status?.phase, 'Bound');
          },
        },
      ],
      warnsOnNameTaken: false,
    }),
  );
});

describe('persistentvolumeclaims syncer: a resize', () => {
  it('reaches the host claim (the part of the update that flows)', async () => {
    const h = await startSyncHarness(createPersistentVolumeClaimSyncer(), { names, virtualObjects: [claim] });
    const hostKey = { namespace: 'team-a', name: 'data-x-default-x-vc1' };
    try {
      await h.until('the host claim', () => assert.ok(h.host.peek(Kinds.PersistentVolumeClaim, hostKey)));
      await h.settled();
      const current = h.virtual.peek<PersistentVolumeClaim & TypedObject>(Kinds.PersistentVolumeClaim, { namespace: 'default', name: 'data' })!;
      await h.virtual.update({ ...current, spec: { ...current.spec, resources: { requests: { storage: '5Gi' } } } });
      await h.until('the resize on the host', () =>
        assert.equal(h.host.peek<PersistentVolumeClaim>(Kinds.PersistentVolumeClaim, hostKey)?.spec?.resources?.requests?.storage, '5Gi'),
      );
    } finally {
      await h.stop();
    }
  });
});
