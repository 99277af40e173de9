import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, type Config } from '../config/index.js';
import { FakeKubeClient } from '../k8s/fake.js';
import { InformerFactory } from '../k8s/informer.js';
import { silentLogger } from '../lib/logger.js';
import type { SyncerDeps, SyncerProduct } from '../syncer/engine/registry.js';
import type { SyncContext } from '../syncer/types.js';
import { podSyncerDeps } from './pods/entry.js';
import { RESOURCES } from './registry.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const hostScope = { namespace: 'team-a', labelSelector: 'vcluster.loft.sh/managed-by=vc1' };

function depsFor(config: Config, extra: Partial<SyncerDeps> = {}): SyncerDeps {
  const virtual = new FakeKubeClient();
  const host = new FakeKubeClient();
  const log = silentLogger();
  const ctx: SyncContext = { names, virtual, host, log, signal: new AbortController().signal };
  return {
    config,
    names,
    ctx,
    contextFor: (name) => ({ ...ctx, log: log.child({ controller: name }) }),
    virtualInformers: new InformerFactory(virtual),
    hostInformers: new InformerFactory(host),
    hostScope,
    kubeIP: '10.96.0.1',
    kubeletVersion: 'v1.36.0',
    synced: {},
    ...extra,
  };
}

type Switches = Record<string, { enabled: boolean | 'auto' } | undefined>;

function setSwitch(config: Config, direction: 'toHost' | 'fromHost', kind: string, enabled: boolean): void {
  const side = config.sync[direction] as unknown as Switches;
  const entry = side[kind];
  assert.ok(entry, `sync.${direction}.${kind}`);
  side[kind] = { ...entry, enabled };
}

/** The default config with sync.<direction>.<kind>.enabled set. */
function withSwitch(direction: 'toHost' | 'fromHost', kind: string, enabled: boolean): Config {
  const config = defaultConfig();
  setSwitch(config, direction, kind, enabled);
  return config;
}

const enabledNames = (config: Config): string[] => RESOURCES.filter((e) => e.enabled(config)).map((e) => e.name);

/** Each switch of vcluster.yaml and the entries it turns on (as the syncer manager wired them by hand). */
const SWITCHES: readonly { direction: 'toHost' | 'fromHost'; kind: string; entries: string[] }[] = [
  { direction: 'toHost', kind: 'pods', entries: ['pods', 'nodes'] },
  { direction: 'toHost', kind: 'configMaps', entries: ['configmaps'] },
  { direction: 'toHost', kind: 'secrets', entries: ['secrets'] },
  { direction: 'toHost', kind: 'services', entries: ['services'] },
  { direction: 'toHost', kind: 'persistentVolumeClaims', entries: ['persistentvolumeclaims'] },
  { direction: 'toHost', kind: 'serviceAccounts', entries: ['serviceaccounts'] },
  { direction: 'toHost', kind: 'endpointSlices', entries: ['endpointslices'] },
  { direction: 'toHost', kind: 'endpoints', entries: ['endpoints'] },
  { direction: 'toHost', kind: 'ingresses', entries: ['ingresses'] },
  { direction: 'toHost', kind: 'networkPolicies', entries: ['networkpolicies'] },
  { direction: 'toHost', kind: 'podDisruptionBudgets', entries: ['poddisruptionbudgets'] },
  { direction: 'toHost', kind: 'priorityClasses', entries: ['priorityclasses'] },
  { direction: 'fromHost', kind: 'runtimeClasses', entries: ['runtimeclasses'] },
  { direction: 'fromHost', kind: 'storageClasses', entries: ['storageclasses (from host)'] },
  { direction: 'fromHost', kind: 'ingressClasses', entries: ['ingressclasses (from host)'] },
  { direction: 'fromHost', kind: 'priorityClasses', entries: ['priorityclasses (from host)'] },
  { direction: 'fromHost', kind: 'events', entries: ['events'] },
];

const productName = (p: SyncerProduct): string => ('syncer' in p ? p.syncer.name : p.controller.name);

function everythingOn(): Config {
  const config = defaultConfig();
  for (const s of SWITCHES) setSwitch(config, s.direction, s.kind, true);
  return config;
}

describe('resources registry', () => {
  for (const s of SWITCHES) {
    it(`sync.${s.direction}.${s.kind}.enabled turns on ${s.entries.join(', ')}`, () => {
      const on = enabledNames(withSwitch(s.direction, s.kind, true));
      const off = enabledNames(withSwitch(s.direction, s.kind, false));
      assert.deepEqual(on.filter((n) => !off.includes(n)), s.entries);
      assert.deepEqual(off.filter((n) => !on.includes(n)), []);
    });
  }

  it('storageClasses "auto" is off (no virtual scheduler)', () => {
    const config = defaultConfig();
    config.sync.fromHost.storageClasses = { ...config.sync.fromHost.storageClasses, enabled: 'auto' };
    assert.ok(!enabledNames(config).includes('storageclasses (from host)'));
  });

  it('builds every controller in the order the syncer starts them; events last, following the synced kinds', () => {
    const config = everythingOn();
    const deps = depsFor(config);
    const products = RESOURCES.filter((e) => e.enabled(config)).map((e) => e.create(deps));
    assert.deepEqual(products.map(productName), [
      'pods', 'configmaps', 'secrets', 'services', 'persistentvolumeclaims', 'serviceaccounts', 'endpointslices',
      'endpoints', 'ingresses', 'networkpolicies', 'poddisruptionbudgets', 'priorityclasses',
      'nodes', 'runtimeclasses', 'storageclasses', 'ingressclasses', 'priorityclasses', 'events',
    ]);
    assert.deepEqual(
      products.map((p) => ('syncer' in p ? 'syncer' : 'controller')),
      [...Array<string>(12).fill('syncer'), ...Array<string>(6).fill('controller')],
    );
    const hostScopes = products.flatMap((p) => ('syncer' in p && p.hostScope ? [[p.syncer.name, p.hostScope]] : []));
    assert.deepEqual(hostScopes, [['priorityclasses', { labelSelector: 'vcluster.loft.sh/managed-by=team-a-x-vc1' }]]);
  });
});

describe('pod syncer options from the config', () => {
  it('the defaults', () => {
    const deps = podSyncerDeps(depsFor(defaultConfig()));
    assert.equal(deps.kubeIP, '10.96.0.1');
    assert.equal(deps.kubeletVersion, 'v1.36.0');
    assert.equal(deps.clusterDomain, 'cluster.local');
    assert.equal(deps.tokenMode, 'secret');
    assert.equal(deps.podSecurityStandard, 'baseline');
    assert.deepEqual(deps.enforceTolerations, []);
    assert.equal(deps.priorityClasses, undefined);
    assert.equal(deps.dnsIP, undefined, 'no cluster DNS');
    assert.equal(deps.kubelet, undefined);
    assert.equal(deps.mappings, undefined);
    assert.ok(deps.hostRuntimeClass && deps.servicesOf && deps.hostCopyExists);
  });

  it('tokens in annotations, tolerations parsed, host priority classes kept', () => {
    const config = withSwitch('fromHost', 'priorityClasses', true);
    config.sync.toHost.pods = { ...config.sync.toHost.pods, useSecretsForSATokens: false, enforceTolerations: ['key1=value1:NoSchedule', '  '] };
    const deps = podSyncerDeps(depsFor(config));
    assert.equal(deps.tokenMode, 'annotation');
    assert.equal(deps.priorityClasses, 'fromHost');
    assert.deepEqual(deps.enforceTolerations, [{ key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoSchedule' }]);
  });

  it('translated priority classes', () => {
    assert.equal(podSyncerDeps(depsFor(withSwitch('toHost', 'priorityClasses', true))).priorityClasses, 'toHost');
  });

  it('cluster DNS: the kube-dns twin only while Services are synced', () => {
    assert.equal(typeof podSyncerDeps(depsFor(defaultConfig(), { clusterDns: true })).dnsIP, 'function');
    assert.equal(podSyncerDeps(depsFor(withSwitch('toHost', 'services', false), { clusterDns: true })).dnsIP, undefined);
  });
});
