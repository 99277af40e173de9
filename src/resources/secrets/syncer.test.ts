import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kinds, type Secret, type TypedObject } from '../../k8s/types.js';
import { itCases, startSyncHarness, toHostCases } from '../shared/sync-harness.js';
import { createSecretSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };

const secret: Secret & TypedObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db-creds', namespace: 'default', uid: 's-uid' },
  type: 'Opaque',
  data: { password: 'c2VjcmV0' },
};

// sync.toHost.secrets.all: every Secret goes to the host (not only those a synced pod references).
describe('secrets syncer (all)', () => {
  itCases(
    toHostCases<Secret>({
      syncer: createSecretSyncer({ all: true, references: undefined }),
      names,
      virtual: secret,
      hostKey: { namespace: 'team-a', name: 'db-creds-x-default-x-vc1' },
      checkHost: (host, virtual) => {
        assert.deepEqual(host.data, virtual.data);
        assert.equal(host.type, 'Opaque');
      },
      editVirtual: (v) => ({ ...v, data: { password: 'bmV3' } }),
      checkEdited: (host) => assert.deepEqual(host.data, { password: 'bmV3' }),
      // data is merged both ways (3-way): a key the host adds comes back
      fromHost: [
        {
          name: 'a data key added on the host copy comes back',
          write: (host, copy) => host.update({ ...copy, data: { ...copy.data, user: 'YWRtaW4=' } }),
          check: (v) => assert.deepEqual(v.data, { password: 'c2VjcmV0', user: 'YWRtaW4=' }),
        },
      ],
      // the ConfigMap/Secret syncer leaves a foreign host object alone without telling the tenant
      warnsOnNameTaken: false,
    }),
  );

  it('never copies a service-account token Secret (the virtual token controller owns it)', async () => {
    const token: Secret & TypedObject = { ...secret, metadata: { name: 'default-token', namespace: 'default', uid: 't-uid' }, type: 'kubernetes.io/service-account-token' };
    const h = await startSyncHarness(createSecretSyncer({ all: true, references: undefined }), { names, virtualObjects: [secret, token] });
    try {
      // the plain Secret is copied: the token one, reconciled alongside, is not
      await h.until('the plain copy', () => assert.ok(h.host.peek(Kinds.Secret, { namespace: 'team-a', name: 'db-creds-x-default-x-vc1' })));
      assert.equal(h.host.peek(Kinds.Secret, { namespace: 'team-a', name: 'default-token-x-default-x-vc1' }), undefined);
      assert.ok(!h.host.writes().some((w) => w.name === 'default-token-x-default-x-vc1'), JSON.stringify(h.host.writes()));
    } finally {
      await h.stop();
    }
  });
});
