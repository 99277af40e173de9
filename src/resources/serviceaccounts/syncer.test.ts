import { describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceAccount, TypedObject } from '../../k8s/types.js';
import { itCases, toHostCases } from '../shared/sync-harness.js';
import { createServiceAccountSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };

const account: ServiceAccount & TypedObject = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'builder', namespace: 'default', uid: 'sa-uid' },
  secrets: [{ name: 'builder-token' }],
  imagePullSecrets: [{ name: 'registry' }],
};

describe('serviceaccounts syncer', () => {
  itCases(
    toHostCases<ServiceAccount>({
      syncer: createServiceAccountSyncer(),
      names,
      virtual: account,
      hostKey: { namespace: 'team-a', name: 'builder-x-default-x-vc1' },
      // the host copy carries no secrets, no pull secrets, no token automount
      checkHost: (host) => {
        assert.equal(host.automountServiceAccountToken, false);
        assert.equal(host.secrets, undefined);
        assert.equal(host.imagePullSecrets, undefined);
      },
      // nothing of a ServiceAccount's body reaches the host: a tenant's change leaves it as it was
      editVirtual: (v) => ({ ...v, automountServiceAccountToken: true, imagePullSecrets: [{ name: 'other' }] }),
      checkEdited: (host) => {
        assert.equal(host.automountServiceAccountToken, false);
        assert.equal(host.imagePullSecrets, undefined);
      },
      warnsOnNameTaken: false,
    }),
  );
});
