import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssue, formatPath } from './errors.js';
import { backingStoreOf, fromHostEnabled, policiesOf } from './resolve.js';
import { defaultConfig, type Config } from './schema.js';
import { checkConfig, describeValue, isCidrList, isDnsSubdomain, isQuantity, validateConfig } from './validate.js';

describe('formatPath', () => {
  const cases: { path: (string | number)[]; want: string }[] = [
    { path: [], want: '(root)' },
    { path: ['sync', 'toHost', 'pods', 'enabled'], want: 'sync.toHost.pods.enabled' },
    { path: ['a', 'extraArgs', 0], want: 'a.extraArgs[0]' },
    { path: ['labels', 'kubernetes.io/os'], want: 'labels["kubernetes.io/os"]' },
    { path: ['quota', 'count/pods'], want: 'quota["count/pods"]' },
  ];
  for (const c of cases) it(c.want, () => assert.equal(formatPath(c.path), c.want));

  it('formatIssue adds source and line', () => {
    assert.equal(
      formatIssue({ path: ['a'], message: 'unknown key', source: 'v.yaml', line: 3 }),
      'v.yaml:3: a: unknown key',
    );
    assert.equal(
      formatIssue({ path: ['a'], message: 'unknown key', source: '--set' }),
      '--set: a: unknown key',
    );
    assert.equal(formatIssue({ path: ['a'], message: 'unknown key' }), 'a: unknown key');
  });
});

describe('describeValue', () => {
  const cases: { value: unknown; want: string }[] = [
    { value: 'yes', want: '"yes"' },
    { value: 3, want: '3' },
    { value: true, want: 'true' },
    { value: null, want: 'null' },
    { value: [1], want: 'a list' },
    { value: { a: 1 }, want: 'a mapping' },
  ];
  for (const c of cases) it(c.want, () => assert.equal(describeValue(c.value), c.want));
});

describe('isCidrList', () => {
  const cases: { value: string; want: boolean }[] = [
    { value: '10.96.0.0/12', want: true },
    { value: 'fd00::/108', want: true },
    { value: '10.96.0.0/12,fd00::/108', want: true },
    { value: '10.96.0.0', want: false },
    { value: '10.96.0.0/33', want: false },
    { value: '300.1.1.1/8', want: false },
    { value: 'a,b,c', want: false },
    { value: '', want: false },
  ];
  for (const c of cases)
    it(`${c.value || '(empty)'} → ${c.want}`, () => assert.equal(isCidrList(c.value), c.want));
});

describe('isQuantity', () => {
  const cases: { value: string | number; want: boolean }[] = [
    { value: 10, want: true },
    { value: 0.5, want: true },
    { value: '100m', want: true },
    { value: '20Gi', want: true },
    { value: '1e3', want: true },
    { value: '.5', want: true },
    { value: '1.5G', want: true },
    { value: '', want: false },
    { value: '-1', want: false },
    { value: '10 Gi', want: false },
    { value: '1GB', want: false },
    { value: 'ten', want: false },
  ];
  for (const c of cases)
    it(`${JSON.stringify(c.value)} → ${c.want}`, () => assert.equal(isQuantity(c.value), c.want));
});

describe('isDnsSubdomain', () => {
  const cases: { value: string; want: boolean }[] = [
    { value: 'cluster.local', want: true },
    { value: 'a-b.c', want: true },
    { value: 'Cluster.local', want: false },
    { value: '-a.local', want: false },
    { value: 'a..b', want: false },
  ];
  for (const c of cases) it(`${c.value} → ${c.want}`, () => assert.equal(isDnsSubdomain(c.value), c.want));
});

function withConfig(edit: (c: Config) => void): Config {
  const c = defaultConfig();
  edit(c);
  return c;
}

describe('checkConfig', () => {
  it('accepts the defaults', () => assert.deepEqual(checkConfig(defaultConfig()), []));
  const cases: { name: string; config: Config; want: string[] }[] = [
    {
      name: 'three stores',
      config: withConfig((c) => {
        c.controlPlane.backingStore.database.embedded.enabled = true;
        c.controlPlane.backingStore.database.external = { enabled: true, dataSource: 'postgres://x' };
        c.controlPlane.backingStore.etcd.external.enabled = true;
        c.controlPlane.backingStore.etcd.external.endpoint = 'https://127.0.0.1:2379';
      }),
      want: [
        'controlPlane.backingStore: only one of database.embedded, database.external, etcd.external may be enabled',
        "controlPlane.backingStore.database.external.dataSource: expected a PostgreSQL URL like postgres://vcluster@db.example:5432/vcluster (the one external database kine supports), got \"postgres://x\"",
      ],
    },
    {
      name: 'external database without a data source',
      config: withConfig((c) => {
        c.controlPlane.backingStore.database.external.enabled = true;
      }),
      want: [
        'controlPlane.backingStore.database.external.dataSource: required when database.external is enabled (postgres://user[:password]@host[:port]/database)',
      ],
    },
    {
      name: 'external database other than PostgreSQL',
      config: withConfig((c) => {
        c.controlPlane.backingStore.database.external = { enabled: true, dataSource: 'mysql://root:secret@tcp(127.0.0.1:3306)/vcluster' };
      }),
      want: [
        "controlPlane.backingStore.database.external.dataSource: expected a PostgreSQL URL like postgres://vcluster@db.example:5432/vcluster (the one external database kine supports), got \"mysql://root:***@tcp(127.0.0.1:3306)/vcluster\"",
      ],
    },
    {
      name: 'SQLite durability with an external store',
      config: withConfig((c) => {
        c.controlPlane.backingStore.database.embedded.durability = 'FULL';
        c.controlPlane.backingStore.database.external = { enabled: true, dataSource: 'postgres://vcluster@/vcluster?host=/run/postgresql' };
      }),
      want: ['controlPlane.backingStore.database.embedded.durability: applies to the embedded SQLite database only, not to database.external or etcd.external'],
    },
    {
      name: 'external PostgreSQL database',
      config: withConfig((c) => {
        c.controlPlane.backingStore.database.external = { enabled: true, dataSource: 'postgres://vcluster@/vcluster?host=/run/postgresql' };
      }),
      want: [],
    },
    {
      name: 'keys accepted for vCluster compatibility but not implemented: only their defaults',
      config: withConfig((c) => {
        c.sync.fromHost.nodes.syncBackChanges = true;
        c.controlPlane.proxy.bindAddress = '127.0.0.1';
        c.controlPlane.proxy.port = 9443;
        c.networking.podCIDR = '10.100.0.0/16';
        c.exportKubeConfig = { context: 'mine', server: 'https://vc.example.com', insecure: true };
        c.experimental.syncSettings.setOwner = true;
      }),
      want: [
        'sync.fromHost.nodes.syncBackChanges: not supported yet',
        'controlPlane.proxy.bindAddress: not supported yet',
        'controlPlane.proxy.port: not supported yet',
        'networking.podCIDR: not supported yet',
        'exportKubeConfig.server: not supported yet',
        'exportKubeConfig.context: not supported yet',
        'exportKubeConfig.insecure: not supported yet',
        'experimental.syncSettings.setOwner: not supported yet',
      ],
    },
    {
      name: 'deployed etcd',
      config: withConfig((c) => {
        c.controlPlane.backingStore.etcd.deploy.enabled = true;
      }),
      want: [
        'controlPlane.backingStore.etcd.deploy.enabled: not supported by vcluster-ts (use etcd.external)',
      ],
    },
    {
      name: 'etcd endpoint not a URL',
      config: withConfig((c) => {
        c.controlPlane.backingStore.etcd.external = {
          enabled: true,
          endpoint: '127.0.0.1:2379',
          tls: { caFile: '', certFile: '', keyFile: '' },
        };
      }),
      want: [
        'controlPlane.backingStore.etcd.external.endpoint: expected http(s) URLs like https://127.0.0.1:2379, got "127.0.0.1:2379"',
      ],
    },
    {
      name: 'unsupported fromHost switch',
      config: withConfig((c) => {
        c.sync.fromHost.csiDrivers.enabled = true;
        c.sync.fromHost.csiNodes.enabled = true;
      }),
      want: [
        'sync.fromHost.csiDrivers.enabled: not supported by vcluster-ts',
        'sync.fromHost.csiNodes.enabled: not supported by vcluster-ts',
      ],
    },
    {
      name: 'priority classes both to and from the host',
      config: withConfig((c) => {
        c.sync.toHost.priorityClasses.enabled = true;
        c.sync.fromHost.priorityClasses.enabled = true;
      }),
      want: [
        'sync.fromHost.priorityClasses.enabled: cannot sync priority classes to and from the host at the same time (sync.toHost.priorityClasses.enabled is true)',
      ],
    },
    {
      name: 'quantities that are not quantities',
      config: withConfig((c) => {
        c.policies.resourceQuota.quota['requests.cpu'] = 'ten';
        c.policies.limitRange.max = { memory: '-1Gi' };
        c.policies.limitRange.min = { cpu: 0.5 };
      }),
      want: [
        'policies.resourceQuota.quota["requests.cpu"]: expected a quantity like 100m, 1 or 20Gi, got "ten"',
        'policies.limitRange.max.memory: expected a quantity like 100m, 1 or 20Gi, got "-1Gi"',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        checkConfig(c.config).map((i) => `${formatPath(i.path)}: ${i.message}`),
        c.want,
      );
    });
  }
});

describe('validateConfig', () => {
  it('accepts null and undefined as empty', () => {
    assert.deepEqual(validateConfig(null), defaultConfig());
    assert.deepEqual(validateConfig(undefined), defaultConfig());
  });
  it('collects every structural issue', () => {
    assert.throws(() => validateConfig({ a: 1, sync: { toHost: { pods: { enabled: 1 } } } }), {
      message: 'sync.toHost.pods.enabled: expected boolean, got 1; a: unknown key',
    });
  });
});

describe('resolve', () => {
  it('backing store defaults to embedded SQLite with NORMAL durability', () => {
    assert.deepEqual(backingStoreOf(defaultConfig()), { type: 'embedded-database', durability: 'NORMAL' });
  });
  it('external database and etcd', () => {
    const db = withConfig((c) => {
      c.controlPlane.backingStore.database.external = { enabled: true, dataSource: 'postgres://x' };
    });
    assert.deepEqual(backingStoreOf(db), { type: 'external-database', dataSource: 'postgres://x' });
    const etcd = withConfig((c) => {
      c.controlPlane.backingStore.etcd.external.enabled = true;
      c.controlPlane.backingStore.etcd.external.endpoint = 'https://e:2379';
    });
    assert.equal(backingStoreOf(etcd).type, 'external-etcd');
  });
  const policyCases: {
    rq: boolean | 'auto';
    lr: boolean | 'auto';
    want: { resourceQuota: boolean; limitRange: boolean };
  }[] = [
    // vcluster-ts isolates by default: auto means on, and each switch is independent
    { rq: 'auto', lr: 'auto', want: { resourceQuota: true, limitRange: true } },
    { rq: true, lr: 'auto', want: { resourceQuota: true, limitRange: true } },
    { rq: 'auto', lr: true, want: { resourceQuota: true, limitRange: true } },
    { rq: true, lr: false, want: { resourceQuota: true, limitRange: false } },
    { rq: false, lr: 'auto', want: { resourceQuota: false, limitRange: true } },
    { rq: false, lr: false, want: { resourceQuota: false, limitRange: false } },
  ];
  for (const c of policyCases) {
    it(`policies rq=${String(c.rq)} lr=${String(c.lr)}`, () => {
      const config = withConfig((x) => {
        x.policies.resourceQuota.enabled = c.rq;
        x.policies.limitRange.enabled = c.lr;
      });
      const { resourceQuota, limitRange } = policiesOf(config);
      assert.deepEqual({ resourceQuota, limitRange }, c.want);
    });
  }
  it('policies default to baseline with every host object on', () => {
    assert.deepEqual(policiesOf(defaultConfig()), {
      podSecurityStandard: 'baseline',
      resourceQuota: true,
      limitRange: true,
      networkPolicy: true,
    });
  });
  it('fromHost auto resolves to false', () =>
    assert.equal(fromHostEnabled(defaultConfig(), 'storageClasses'), false));
});
