import { describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, TypedObject } from '../../k8s/types.js';
import { itCases, toHostCases } from '../shared/sync-harness.js';
import { createConfigMapSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };

const config: ConfigMap & TypedObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config', namespace: 'default', uid: 'cm-uid' },
  data: { 'log.level': 'info' },
};

// sync.toHost.configMaps.all: every ConfigMap goes to the host (not only those a synced pod references).
describe('configmaps syncer (all)', () => {
  itCases(
    toHostCases<ConfigMap>({
      syncer: createConfigMapSyncer({ all: true, references: undefined }),
      names,
      virtual: config,
      hostKey: { namespace: 'team-a', name: 'app-config-x-default-x-vc1' },
      checkHost: (host, virtual) => assert.deepEqual(host.data, virtual.data),
      editVirtual: (v) => ({ ...v, data: { 'log.level': 'debug' } }),
      checkEdited: (host) => assert.deepEqual(host.data, { 'log.level': 'debug' }),
      // data is merged both ways (3-way): a key the host adds comes back
      fromHost: [
        {
          name: 'a data key added on the host copy comes back',
          write: (host, copy) => host.update({ ...copy, data: { ...copy.data, extra: 'from-host' } }),
          check: (v) => assert.deepEqual(v.data, { 'log.level': 'info', extra: 'from-host' }),
        },
      ],
      // the ConfigMap/Secret syncer leaves a foreign host object alone without telling the tenant
      warnsOnNameTaken: false,
    }),
  );
});
