import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.js';
import { FakeKubeClient } from '../../k8s/fake.js';
import type { Informer } from '../../k8s/informer.js';
import type { Pod, Service, TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import { Controller } from '../../runtime/controller.js';
import type { KubeletProxyWiring } from '../kubelet-proxy/endpoints.js';
import { namespacedMapper } from '../mapper.js';
import { GVK } from '../translate/gvk.js';
import { resourceKind, type Syncer } from '../types.js';
import { startSyncerManager } from './manager.js';
import type { SyncerDeps, SyncerEntry } from './registry.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };

const serviceSyncer = (): Syncer<Service & TypedObject> => ({
  name: 'services',
  kind: resourceKind<Service & TypedObject>(GVK.Service, true),
  mapper: namespacedMapper(GVK.Service),
  syncToHost: () => Promise.resolve({}),
  sync: () => Promise.resolve({}),
  syncToVirtual: () => Promise.resolve({}),
});

describe('syncer manager', () => {
  it('builds the enabled entries of the registry it is given, in order, and hands later ones the synced kinds', async () => {
    const built: string[] = [];
    let seen: SyncerDeps | undefined;
    let hostPods: Informer<Pod> | undefined;
    const registry: SyncerEntry[] = [
      { name: 'off', enabled: () => false, create: () => assert.fail('a disabled entry is never built') },
      {
        name: 'services',
        enabled: (config) => config.sync.toHost.services.enabled,
        create: () => {
          built.push('services');
          return { syncer: serviceSyncer() };
        },
      },
      {
        name: 'follower',
        enabled: () => true,
        create: (deps) => {
          built.push('follower');
          seen = deps;
          const ctx = deps.contextFor('follower');
          return { controller: new Controller({ name: 'follower', reconciler: { reconcile: () => Promise.resolve({}) }, log: ctx.log }) };
        },
      },
    ];
    const kubeletProxy: KubeletProxyWiring = {
      port: 10250,
      addressOf: () => Promise.resolve('127.0.0.1'),
      release: () => undefined,
      useHostPods: (informer) => (hostPods = informer),
    };
    const parent = new AbortController();
    const stop = await startSyncerManager(
      {
        registry,
        virtual: new FakeKubeClient(),
        host: new FakeKubeClient(),
        names,
        config: defaultConfig(),
        log: silentLogger(),
        kubeIP: '10.96.0.1',
        kubeletVersion: 'v1.36.0',
        kubeletProxy,
        clusterDns: true,
      },
      parent.signal,
    );
    try {
      assert.deepEqual(built, ['services', 'follower']);
      assert.ok(seen);
      assert.deepEqual(Object.keys(seen.synced), ['Service']);
      assert.equal(seen.synced.Service?.mapper.gvk, GVK.Service);
      assert.deepEqual(seen.hostScope, { namespace: 'team-a', labelSelector: 'vcluster.loft.sh/managed-by=vc1' });
      assert.equal(seen.kubeIP, '10.96.0.1');
      assert.equal(seen.kubeletVersion, 'v1.36.0');
      assert.equal(seen.kubeletProxy, kubeletProxy);
      assert.equal(seen.clusterDns, true);
      assert.equal(seen.mappings, undefined);
      // the host Service cache of the synced kind is the one entries get for the same scope
      assert.equal(seen.hostInformers.informerFor(serviceSyncer().kind, seen.hostScope), seen.synced.Service?.host);
      assert.ok(hostPods, 'the kubelet proxy gets the host pod cache');
    } finally {
      await stop();
    }
  });
});
