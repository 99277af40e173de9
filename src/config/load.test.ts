import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigError, ErrorCode } from '../lib/errors.js';
import { ConfigValidationError } from './errors.js';
import { MAX_CONFIG_BYTES, loadConfig, mergeValues, parseConfig, parseSetFlags, setIn } from './load.js';
import { defaultConfig, type Config } from './schema.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/config/', import.meta.url));
const NO_ENV = {};

async function fixture(dir: string, name: string): Promise<string> {
  return readFile(join(FIXTURES, dir, name), 'utf8');
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.CONFIG);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('config fixtures: invalid', async () => {
  const names = (await readdir(join(FIXTURES, 'invalid'))).filter((n) => n.endsWith('.yaml')).sort();
  it('has fixtures', () => assert.ok(names.length >= 20));
  for (const name of names) {
    it(name, async () => {
      const text = await fixture('invalid', name);
      const expected = /^# error: (.*)$/m.exec(text)?.[1];
      assert.ok(expected, `${name} must start with "# error: <message>"`);
      assert.equal(
        messageOf(() => parseConfig(text, name, { env: NO_ENV })),
        expected,
      );
    });
  }
});

const valid: { file: string; check: (c: Config) => void }[] = [
  { file: 'empty.yaml', check: (c) => assert.deepEqual(c, defaultConfig()) },
  {
    file: 'seed-tutorial.yaml',
    check: (c) => {
      assert.equal(c.sync.toHost.serviceAccounts.enabled, true);
      assert.deepEqual(c.sync.toHost.configMaps, { enabled: true, all: true });
      assert.deepEqual(c.sync.toHost.secrets, { enabled: true, all: false });
      assert.deepEqual(c.sync.fromHost.nodes.selector, {
        all: false,
        labels: { 'kubernetes.io/os': 'linux' },
      });
      assert.deepEqual(c.controlPlane.distro.k8s.apiServer.extraArgs, [
        '--v=2',
        '--max-requests-inflight=800',
      ]);
      assert.equal(c.controlPlane.backingStore.database.embedded.durability, 'FULL');
      assert.equal(c.networking.advanced.clusterDomain, 'tenant.local');
      assert.equal(c.policies.resourceQuota.enabled, true);
      assert.equal(c.policies.resourceQuota.quota['count/pods'], 20);
      assert.equal(c.experimental.syncSettings.hostQPS, 400);
    },
  },
  {
    file: 'external-etcd.yaml',
    check: (c) => assert.equal(c.controlPlane.backingStore.etcd.external.tls.caFile, '/etc/etcd/ca.crt'),
  },
  {
    file: 'external-postgres.yaml',
    check: (c) =>
      assert.deepEqual(c.controlPlane.backingStore.database.external, {
        enabled: true,
        dataSource: 'postgres://vcluster:secret@127.0.0.1:5432/vcluster?sslmode=disable',
      }),
  },
  {
    file: 'vcluster-defaults-explicit.yaml',
    check: (c) => {
      assert.equal(c.networking.serviceCIDR, '10.96.0.0/16', 'legacy serviceCIDR folded into networking');
      assert.equal(c.serviceCIDR, undefined);
    },
  },
  {
    file: 'nulls-and-anchors.yaml',
    check: (c) => {
      assert.deepEqual(c.sync.toHost.pods, defaultConfig().sync.toHost.pods);
      assert.deepEqual(c.sync.toHost.configMaps, { enabled: true, all: false });
      assert.equal(c.networking.serviceCIDR, '10.96.0.0/12,fd00:10:96::/108');
    },
  },
];

describe('config fixtures: valid', () => {
  for (const c of valid) {
    it(c.file, async () => c.check(parseConfig(await fixture('valid', c.file), c.file, { env: NO_ENV })));
  }
});

describe('--set', () => {
  const cases: { name: string; flags: string[]; want: { path: (string | number)[]; value: unknown }[] }[] = [
    {
      name: 'boolean',
      flags: ['sync.toHost.pods.enabled=false'],
      want: [{ path: ['sync', 'toHost', 'pods', 'enabled'], value: false }],
    },
    {
      name: 'integer',
      flags: ['controlPlane.proxy.port=9443'],
      want: [{ path: ['controlPlane', 'proxy', 'port'], value: 9443 }],
    },
    {
      name: 'string',
      flags: ['networking.serviceCIDR=10.96.0.0/12'],
      want: [{ path: ['networking', 'serviceCIDR'], value: '10.96.0.0/12' }],
    },
    {
      name: 'comma-separated pairs',
      flags: ['a=1,b.c=x'],
      want: [
        { path: ['a'], value: 1 },
        { path: ['b', 'c'], value: 'x' },
      ],
    },
    {
      name: 'escaped dot',
      flags: ['labels.kubernetes\\.io/os=linux'],
      want: [{ path: ['labels', 'kubernetes.io/os'], value: 'linux' }],
    },
    {
      name: 'list',
      flags: ['x.extraArgs={--v=4,--a=b}'],
      want: [{ path: ['x', 'extraArgs'], value: ['--v=4', '--a=b'] }],
    },
    {
      name: 'index',
      flags: ['x.extraArgs[1]=--v=4'],
      want: [{ path: ['x', 'extraArgs', 1], value: '--v=4' }],
    },
    { name: 'value with "="', flags: ['a=b=c'], want: [{ path: ['a'], value: 'b=c' }] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseSetFlags(c.flags), c.want));

  it('rejects a flag without "="', () => {
    assert.equal(
      messageOf(() => parseSetFlags(['sync.toHost'])),
      '--set sync.toHost: expected key=value',
    );
  });

  it('overrides the file and names --set in errors', () => {
    const text = 'sync:\n  toHost:\n    pods:\n      enabled: true\n';
    const c = parseConfig(text, 'v.yaml', { env: NO_ENV, set: ['sync.toHost.pods.enabled=false'] });
    assert.equal(c.sync.toHost.pods.enabled, false);
    assert.equal(
      messageOf(() => parseConfig(text, 'v.yaml', { env: NO_ENV, set: ['sync.toHost.pods.enabld=false'] })),
      '--set: sync.toHost.pods.enabld: unknown key',
    );
  });

  it('setIn fills lists and mappings without mutating', () => {
    const root = { a: { b: 1 } };
    assert.deepEqual(setIn(root, ['a', 'c', 1], 'x'), { a: { b: 1, c: [null, 'x'] } });
    assert.deepEqual(root, { a: { b: 1 } });
  });
});

describe('environment', () => {
  it('VCLUSTER_PHYSICAL_CLIENT_QPS/_BURST set the host rate limit', () => {
    const c = parseConfig('', 'v.yaml', {
      env: { VCLUSTER_PHYSICAL_CLIENT_QPS: '400', VCLUSTER_PHYSICAL_CLIENT_BURST: '800' },
    });
    assert.equal(c.experimental.syncSettings.hostQPS, 400);
    assert.equal(c.experimental.syncSettings.hostBurst, 800);
  });
  it('--set wins over the environment', () => {
    const c = parseConfig('', 'v.yaml', {
      env: { VCLUSTER_PHYSICAL_CLIENT_QPS: '400' },
      set: ['experimental.syncSettings.hostQPS=50'],
    });
    assert.equal(c.experimental.syncSettings.hostQPS, 50);
  });
  it('a bad value names the variable', () => {
    assert.equal(
      messageOf(() => parseConfig('', 'v.yaml', { env: { VCLUSTER_PHYSICAL_CLIENT_QPS: 'fast' } })),
      'VCLUSTER_PHYSICAL_CLIENT_QPS: experimental.syncSettings.hostQPS: expected number, got "fast"',
    );
  });
});

describe('mergeValues (Helm semantics)', () => {
  const cases: { name: string; base: unknown; override: unknown; want: unknown }[] = [
    {
      name: 'deep merge',
      base: { a: { b: 1, c: 2 } },
      override: { a: { c: 3 } },
      want: { a: { b: 1, c: 3 } },
    },
    { name: 'lists replace', base: { a: [1, 2] }, override: { a: [3] }, want: { a: [3] } },
    { name: 'null deletes', base: { a: { b: 1 }, d: 1 }, override: { a: null }, want: { d: 1 } },
    { name: 'scalar replaces mapping', base: { a: { b: 1 } }, override: { a: 'x' }, want: { a: 'x' } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(mergeValues(c.base, c.override), c.want));
});

describe('loadConfig (files)', () => {
  it('merges files in order and locates merged errors in the right file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vcluster-config-'));
    try {
      const a = join(dir, 'a.yaml');
      const b = join(dir, 'b.yaml');
      await writeFile(
        a,
        'controlPlane:\n  backingStore:\n    database:\n      embedded:\n        enabled: true\n',
      );
      await writeFile(b, 'sync:\n  toHost:\n    serviceAccounts: {enabled: true}\n');
      const c = await loadConfig({ files: [a, b], env: NO_ENV });
      assert.equal(c.controlPlane.backingStore.database.embedded.enabled, true);
      assert.equal(c.sync.toHost.serviceAccounts.enabled, true);

      await writeFile(
        b,
        'controlPlane:\n  backingStore:\n    etcd:\n      external: {enabled: true, endpoint: "https://127.0.0.1:2379"}\n',
      );
      await assert.rejects(loadConfig({ files: [a, b], env: NO_ENV }), (err: unknown) => {
        assert.ok(err instanceof ConfigValidationError);
        assert.equal(
          err.message,
          `${b}:2: controlPlane.backingStore: only one of database.embedded, database.external, etcd.external may be enabled`,
        );
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing file is a ConfigError naming it', async () => {
    await assert.rejects(loadConfig({ files: ['/nonexistent/vcluster.yaml'], env: NO_ENV }), {
      message: '/nonexistent/vcluster.yaml: no such file',
    });
  });

  it('no files: the defaults', async () => {
    assert.deepEqual(await loadConfig({ env: NO_ENV }), defaultConfig());
  });
});

describe('config size limit (1 MiB)', () => {
  /** A valid vcluster.yaml of at most `bytes` bytes (the most whole lines that fit): a long list of extraArgs. */
  const bigYaml = (bytes: number): string => {
    const line = '        - --v=2\n';
    const head = 'controlPlane:\n  distro:\n    k8s:\n      apiServer:\n        extraArgs:\n';
    return head + line.repeat(Math.floor((bytes - head.length) / line.length));
  };
  const cases: { name: string; bytes: number; accepted: boolean }[] = [
    { name: 'just under 1 MiB is parsed', bytes: MAX_CONFIG_BYTES - 64, accepted: true },
    { name: 'over 1 MiB is refused', bytes: MAX_CONFIG_BYTES + 64, accepted: false },
    { name: '10 MB is refused at once', bytes: 10_000_000, accepted: false },
  ];
  for (const c of cases) {
    it(`file: ${c.name}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vcluster-config-'));
      try {
        const file = join(dir, 'vcluster.yaml');
        await writeFile(file, bigYaml(c.bytes));
        const started = Date.now();
        const loading = loadConfig({ files: [file], env: NO_ENV });
        if (c.accepted) {
          await loading;
        } else {
          await assert.rejects(loading, (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            assert.equal(err.code, ErrorCode.CONFIG);
            assert.equal(err.message, `${file}: larger than 1 MiB (1048576 bytes), the limit for a vcluster.yaml`);
            return true;
          });
          assert.ok(Date.now() - started < 2_000, 'refused before parsing');
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
  it('an in-memory text over 1 MiB is refused too', () => {
    assert.equal(
      messageOf(() => parseConfig(bigYaml(MAX_CONFIG_BYTES + 64), 'big.yaml', { env: NO_ENV })),
      'big.yaml: larger than 1 MiB (1048576 bytes), the limit for a vcluster.yaml',
    );
  });
  it('counts bytes, not characters', () => {
    const text = `# ${'é'.repeat(MAX_CONFIG_BYTES / 2)}\n`; // fewer characters than the limit, more bytes
    assert.ok(text.length < MAX_CONFIG_BYTES);
    assert.match(messageOf(() => parseConfig(text, 'utf8.yaml', { env: NO_ENV })), /larger than 1 MiB/);
  });
});
