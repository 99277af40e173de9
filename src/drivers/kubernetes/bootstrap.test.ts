import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapDataDir,
  bootstrapIdentity,
  IN_CLUSTER_CONTEXT,
  needsBootstrap,
} from './bootstrap.js';
import { configHash, goCanonicalJson } from './config-hash.js';
import { podServingSans, podState } from './render.js';
import { dataDir } from '../../controlplane/datadir.js';
import { VClusterStateSchema } from '../../controlplane/state.js';
import { VClusterError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';

describe('needsBootstrap', () => {
  const cases = [
    { name: 'seeded or earlier start: state.json present', dataHasState: true, inCluster: true, want: false },
    { name: 'Helm install, first start', dataHasState: false, inCluster: true, want: true },
    { name: 'not in a pod: never', dataHasState: false, inCluster: false, want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(needsBootstrap(c.dataHasState, c.inCluster), c.want));
});

describe('bootstrapIdentity', () => {
  const cases = [
    {
      name: 'release name and SA namespace',
      env: 'my-vc',
      ns: 'helm-ns\n',
      want: { name: 'my-vc', namespace: 'helm-ns' },
    },
    {
      name: 'whitespace around the name',
      env: ' my-vc ',
      ns: 'helm-ns',
      want: { name: 'my-vc', namespace: 'helm-ns' },
    },
    { name: 'no VCLUSTER_NAME', env: undefined, ns: 'helm-ns', err: /VCLUSTER_NAME/ },
    { name: 'empty VCLUSTER_NAME', env: '', ns: 'helm-ns', err: /VCLUSTER_NAME/ },
    { name: 'invalid name', env: 'My_VC', ns: 'helm-ns', err: /invalid vcluster name/ },
    { name: 'invalid namespace', env: 'my-vc', ns: '', err: /invalid namespace/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.err) {
        assert.throws(
          () => bootstrapIdentity(c.env, c.ns),
          (e: unknown) => e instanceof VClusterError && c.err.test(e.message),
        );
      } else {
        assert.deepEqual(bootstrapIdentity(c.env, c.ns), c.want);
      }
    });
  }
});

describe('podServingSans', () => {
  const cases = [
    { name: 'with the ClusterIP', ip: '10.96.4.5', want: ['v', 'v.ns', 'v.ns.svc', '10.96.4.5'] },
    { name: 'headless or unknown ClusterIP', ip: '', want: ['v', 'v.ns', 'v.ns.svc'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(podServingSans('v', 'ns', c.ip), c.want));
});

describe('podState of a bootstrap', () => {
  it('is a valid state.json of the kubernetes driver on the pod port', () => {
    const s = podState({ name: 'v', namespace: 'ns', hostContext: IN_CLUSTER_CONTEXT, createdNamespace: false, serviceCidr: '10.96.0.0/12', now: new Date(0) });
    assert.deepEqual(VClusterStateSchema.parse(s), s);
    assert.equal(s.driver, 'kubernetes');
    assert.equal(s.hostContext, IN_CLUSTER_CONTEXT);
    assert.equal(s.ports.apiServer, 8443);
    assert.equal(s.bindAddress, '0.0.0.0');
    assert.equal(s.createdAt, '1970-01-01T00:00:00.000Z');
  });
});

describe('goCanonicalJson (what Helm toJson writes)', () => {
  const cases = [
    {
      name: 'keys sorted, compact',
      v: { b: 1, a: [true, 'x'], c: {} },
      want: '{"a":[true,"x"],"b":1,"c":{}}',
    },
    {
      name: 'HTML characters escaped as Go does',
      v: { s: '<a&b>' },
      want: '{"s":"\\u003ca\\u0026b\\u003e"}',
    },
    {
      name: 'dotted keys sort bytewise',
      v: { 'requests.memory': '1', 'requests.cpu': 2, limits: 3 },
      want: '{"limits":3,"requests.cpu":2,"requests.memory":"1"}',
    },
    { name: 'null and undefined', v: { a: null, b: undefined }, want: '{"a":null}' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(goCanonicalJson(c.v), c.want));
});

describe('configHash', () => {
  it('ignores YAML layout and key order, sees values', () => {
    assert.equal(configHash('a: 1\nb: {c: x}\n'), configHash('# comment\nb:\n  c: x\na: 1\n'));
    assert.notEqual(configHash('a: 1\n'), configHash('a: 2\n'));
    assert.match(configHash('a: 1\n'), /^[0-9a-f]{16}$/);
  });
});

describe('bootstrapDataDir prerequisites', () => {
  it('fails clearly without the service account namespace file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bootstrap-'));
    try {
      await writeFile(join(root, 'config.yaml'), '');
      await assert.rejects(
        bootstrapDataDir({
          dir: dataDir(root),
          vclusterName: 'v',
          log: silentLogger(),
          namespaceFile: join(root, 'missing'),
        }),
        /read the pod's namespace/,
      );
      assert.equal(await readFile(join(root, 'state.json')).catch(() => undefined), undefined);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
