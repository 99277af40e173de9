/**
 * No vcluster.yaml key is accepted and ignored (issue 16). The test walks the zod schema to every leaf
 * key and requires each to be in KEYS, either
 *   - read: named by code outside src/config (the file must contain the text), possibly `through` a
 *     resolver in src/config (resolve.ts, validate.ts) whose result that code uses; or
 *   - refused: any value but the default is a validation error "not supported ..." at that path.
 * A key added to the schema without a reader, or a reader that disappears, fails here.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { ConfigValidationError, formatPath } from './errors.js';
import { setIn } from './load.js';
import { ConfigSchema } from './schema.js';
import { validateConfig } from './validate.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Read {
  /** A file, relative to the repository root. */
  readonly in: string;
  /** Text that file holds where it reads the key. */
  readonly text: string;
}

type KeyUse =
  | { readonly read: readonly Read[]; readonly through?: Read }
  | { readonly refused: unknown };

const REGISTRY = 'src/resources/registry.ts';
const ENTRY = (kind: string): string => `src/resources/${kind}/entry.ts`;
const PLAN = 'src/controlplane/plan.ts';
const RESOLVE = 'src/config/resolve.ts';
const POLICY_OBJECTS = 'src/vclusters/policy-objects.ts';
const START_SYNCER = 'src/controlplane/start-syncer.ts';

const IMAGE_REFS = 'src/drivers/kubernetes/image-refs.ts';
const image = (key: string, part: string): KeyUse => ({ read: [{ in: IMAGE_REFS, text: key }, { in: IMAGE_REFS, text: part }] });
/** Read by the registry entry of the syncer (src/resources/registry.ts, or the kind's own entry.ts). */
const entry = (text: string, kind?: string): KeyUse => ({ read: [{ in: kind ? ENTRY(kind) : REGISTRY, text }] });
const store = (planText: string, resolveText: string): KeyUse => ({
  read: [{ in: PLAN, text: planText }],
  through: { in: RESOLVE, text: resolveText },
});
const policy = (text: string, resolveText?: string): KeyUse => ({
  read: [{ in: POLICY_OBJECTS, text }],
  ...(resolveText ? { through: { in: RESOLVE, text: resolveText } } : {}),
});

/** Every leaf key of vcluster.yaml and where it takes effect. */
const KEYS: Readonly<Record<string, KeyUse>> = {
  'sync.toHost.pods.enabled': entry('toHost.pods.enabled', 'pods'),
  'sync.toHost.pods.useSecretsForSATokens': entry('toHost.pods.useSecretsForSATokens', 'pods'),
  'sync.toHost.pods.enforceTolerations': entry('toHost.pods.enforceTolerations', 'pods'),
  'sync.toHost.services.enabled': entry('toHost.services.enabled'),
  'sync.toHost.endpoints.enabled': entry('toHost.endpoints.enabled'),
  'sync.toHost.endpointSlices.enabled': entry('toHost.endpointSlices.enabled'),
  'sync.toHost.persistentVolumeClaims.enabled': entry('toHost.persistentVolumeClaims.enabled'),
  'sync.toHost.configMaps.enabled': entry('toHost.configMaps.enabled'),
  'sync.toHost.configMaps.all': entry('toHost.configMaps.all'),
  'sync.toHost.secrets.enabled': entry('toHost.secrets.enabled'),
  'sync.toHost.secrets.all': entry('toHost.secrets.all'),
  'sync.toHost.serviceAccounts.enabled': entry('toHost.serviceAccounts.enabled'),
  'sync.toHost.ingresses.enabled': entry('toHost.ingresses.enabled'),
  'sync.toHost.priorityClasses.enabled': entry('toHost.priorityClasses.enabled'),
  'sync.toHost.networkPolicies.enabled': entry('toHost.networkPolicies.enabled'),
  'sync.toHost.podDisruptionBudgets.enabled': entry('toHost.podDisruptionBudgets.enabled'),
  'sync.toHost.storageClasses.enabled': { refused: true },
  'sync.toHost.persistentVolumes.enabled': { refused: true },
  'sync.fromHost.events.enabled': entry('fromHost.events.enabled', 'events'),
  'sync.fromHost.nodes.enabled': entry('nodes.enabled', 'nodes'),
  'sync.fromHost.nodes.syncBackChanges': { refused: true },
  'sync.fromHost.nodes.clearImageStatus': entry('nodes.clearImageStatus', 'nodes'),
  'sync.fromHost.nodes.selector.all': entry('nodes.selector.all', 'nodes'),
  'sync.fromHost.nodes.selector.labels': entry('nodes.selector.labels', 'nodes'),
  'sync.fromHost.storageClasses.enabled': {
    read: [{ in: ENTRY('hostclasses'), text: "fromHostEnabled(config, 'storageClasses')" }],
    through: { in: RESOLVE, text: 'config.sync.fromHost[kind].enabled' },
  },
  'sync.fromHost.csiDrivers.enabled': { refused: true },
  'sync.fromHost.csiNodes.enabled': { refused: true },
  'sync.fromHost.csiStorageCapacities.enabled': { refused: true },
  'sync.fromHost.ingressClasses.enabled': entry('fromHost.ingressClasses.enabled', 'hostclasses'),
  'sync.fromHost.runtimeClasses.enabled': entry('fromHost.runtimeClasses.enabled', 'runtimeclasses'),
  'sync.fromHost.priorityClasses.enabled': entry('fromHost.priorityClasses.enabled', 'hostclasses'),
  'controlPlane.distro.k8s.apiServer.extraArgs': { read: [{ in: PLAN, text: 'k8s.apiServer.extraArgs' }] },
  'controlPlane.distro.k8s.controllerManager.extraArgs': { read: [{ in: PLAN, text: 'k8s.controllerManager.extraArgs' }] },
  'controlPlane.statefulSet.image.registry': image('statefulSet.image', 'custom.registry'),
  'controlPlane.statefulSet.image.repository': image('statefulSet.image', 'custom.repository'),
  'controlPlane.statefulSet.image.tag': image('statefulSet.image', 'custom.tag'),
  'controlPlane.distro.k8s.image.registry': image('distro.k8s.image', 'custom.registry'),
  'controlPlane.distro.k8s.image.repository': image('distro.k8s.image', 'custom.repository'),
  'controlPlane.distro.k8s.image.tag': image('distro.k8s.image', 'custom.tag'),
  'controlPlane.backingStore.database.embedded.enabled': store("case 'embedded-database'", 'store.database.embedded.enabled'),
  'controlPlane.backingStore.database.embedded.durability': store('store.durability', 'store.database.embedded.durability'),
  'controlPlane.backingStore.database.external.enabled': store("case 'external-database'", 'store.database.external.enabled'),
  'controlPlane.backingStore.database.external.dataSource': store('store.dataSource', 'store.database.external.dataSource'),
  'controlPlane.backingStore.etcd.embedded.enabled': { refused: true },
  'controlPlane.backingStore.etcd.deploy.enabled': { refused: true },
  'controlPlane.backingStore.etcd.external.enabled': store("case 'external-etcd'", 'store.etcd.external.enabled'),
  'controlPlane.backingStore.etcd.external.endpoint': store('store.endpoint', 'store.etcd.external.endpoint'),
  'controlPlane.backingStore.etcd.external.tls.caFile': store('store.tls.caFile', 'store.etcd.external.tls'),
  'controlPlane.backingStore.etcd.external.tls.certFile': store('store.tls.certFile', 'store.etcd.external.tls'),
  'controlPlane.backingStore.etcd.external.tls.keyFile': store('store.tls.keyFile', 'store.etcd.external.tls'),
  'controlPlane.proxy.bindAddress': { refused: '127.0.0.1' },
  'controlPlane.proxy.port': { refused: 9443 },
  'controlPlane.proxy.extraSANs': { read: [{ in: PLAN, text: 'controlPlane.proxy.extraSANs' }] },
  'controlPlane.coredns.enabled': {
    read: [{ in: 'src/coredns/start.ts', text: 'corednsEnabled(o.config, realNode)' }],
    through: { in: RESOLVE, text: 'config.controlPlane.coredns.enabled' },
  },
  'networking.podCIDR': { refused: '10.100.0.0/16' },
  'networking.serviceCIDR': { read: [{ in: 'src/vclusters/create.ts', text: 'config.networking.serviceCIDR' }] },
  'networking.advanced.clusterDomain': {
    read: [
      { in: ENTRY('pods'), text: 'networking.advanced.clusterDomain' },
      { in: PLAN, text: 'networking.advanced.clusterDomain' },
    ],
  },
  'policies.podSecurityStandard': {
    read: [
      { in: ENTRY('pods'), text: 'policiesOf(config).podSecurityStandard' },
      { in: PLAN, text: 'policiesOf(config).podSecurityStandard' },
    ],
    through: { in: RESOLVE, text: 'p.podSecurityStandard' },
  },
  'policies.resourceQuota.enabled': policy('enabled.resourceQuota', 'p.resourceQuota.enabled'),
  'policies.resourceQuota.quota': policy('p.resourceQuota.quota'),
  'policies.limitRange.enabled': policy('enabled.limitRange', 'p.limitRange.enabled'),
  'policies.limitRange.default': policy('values.default'),
  'policies.limitRange.defaultRequest': policy('values.defaultRequest'),
  'policies.limitRange.min': policy("optional('min')"),
  'policies.limitRange.max': policy("optional('max')"),
  'policies.networkPolicy.enabled': policy('enabled.networkPolicy', 'p.networkPolicy.enabled'),
  'exportKubeConfig.context': { refused: 'my-context' },
  'exportKubeConfig.server': { refused: 'https://vc.example.com' },
  'exportKubeConfig.insecure': { refused: true },
  'experimental.syncSettings.setOwner': { refused: true },
  'experimental.syncSettings.hostQPS': { read: [{ in: START_SYNCER, text: 'sync.hostQPS' }] },
  'experimental.syncSettings.hostBurst': { read: [{ in: START_SYNCER, text: 'sync.hostBurst' }] },
  'experimental.syncSettings.virtualQPS': { read: [{ in: START_SYNCER, text: 'sync.virtualQPS' }] },
  'experimental.syncSettings.virtualBurst': { read: [{ in: START_SYNCER, text: 'sync.virtualBurst' }] },
  serviceCIDR: {
    read: [{ in: 'src/vclusters/create.ts', text: 'config.networking.serviceCIDR' }],
    through: { in: 'src/config/validate.ts', text: 'rest.networking.serviceCIDR || serviceCIDR' },
  },
};

/** The zod node kinds the walk looks through to reach an object's fields. */
type WalkDef =
  | { readonly type: 'object'; readonly shape: Readonly<Record<string, z.core.$ZodType>> }
  | { readonly type: 'default' | 'prefault' | 'optional'; readonly innerType: z.core.$ZodType }
  | { readonly type: string };

function leafPaths(schema: z.core.$ZodType, path: readonly string[] = []): string[] {
  const def = schema._zod.def as WalkDef;
  if ('innerType' in def) return leafPaths(def.innerType, path);
  if ('shape' in def) return Object.entries(def.shape).flatMap(([key, child]) => leafPaths(child, [...path, key]));
  return [path.join('.')]; // a scalar, list, map (record) or union: one key of vcluster.yaml
}

const cache = new Map<string, Promise<string>>();
const source = (file: string): Promise<string> => {
  const found = cache.get(file) ?? readFile(new URL(file, `file://${REPO}`), 'utf8');
  cache.set(file, found);
  return found;
};

describe('every vcluster.yaml key is read or refused', () => {
  const leaves = leafPaths(ConfigSchema);

  it('walks the whole schema', () => assert.ok(leaves.length > 60, `only ${leaves.length} keys found`));

  it('KEYS lists exactly the schema\'s keys', () => {
    const listed = Object.keys(KEYS);
    assert.deepEqual(
      leaves.filter((k) => !listed.includes(k)),
      [],
      'keys the schema accepts that nothing reads or refuses: add a reader, or refuse them in validate.ts',
    );
    assert.deepEqual(listed.filter((k) => !leaves.includes(k)), [], 'KEYS names keys the schema no longer has');
  });

  for (const key of leaves) {
    const use = KEYS[key];
    if (use === undefined) continue; // reported above
    if ('read' in use) {
      it(`${key}: read by ${use.read.map((r) => r.in).join(', ')}`, async () => {
        for (const r of use.read) {
          assert.ok(!r.in.startsWith('src/config/'), `${r.in}: a reader outside src/config`);
          assert.ok((await source(r.in)).includes(r.text), `${r.in} no longer holds "${r.text}"`);
        }
        if (use.through) {
          assert.ok(use.through.in.startsWith('src/config/'), `${use.through.in}: a resolver inside src/config`);
          assert.ok((await source(use.through.in)).includes(use.through.text), `${use.through.in} no longer holds "${use.through.text}"`);
        }
      });
    } else {
      it(`${key}: refused unless left at its default`, () => {
        const path = key.split('.');
        assert.throws(
          () => validateConfig(setIn({}, path, use.refused)),
          (err: unknown) => {
            assert.ok(err instanceof ConfigValidationError);
            const issue = err.issues.find((i) => formatPath(i.path) === key);
            assert.ok(issue, `no issue at ${key}: ${err.message}`);
            assert.match(issue.message, /^not supported/);
            return true;
          },
        );
      });
    }
  }
});
