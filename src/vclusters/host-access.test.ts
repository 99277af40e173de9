import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { FakeKubeClient } from '../k8s/fake.js';
import { parseKubeconfig } from '../k8s/kubeconfig.js';
import { applyToHost, assertReachable, flattenedKubeconfig, type HostAccess } from './host-access.js';

/** A HostAccess on a fake client whose kubectl must not be called. */
const hostOn = (client: FakeKubeClient, kubeconfig = '/nowhere/config'): HostAccess => ({
  kubeconfig,
  context: 'kind-kind',
  contextNamespace: undefined,
  client: () => Promise.resolve(client),
  kubectl: () => Promise.reject(new Error('kubectl must not be called')),
  kubectlBinary: '/bin/false',
});

const secret = (data: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'vc-a', namespace: 'team' },
  stringData: { config: data },
});

describe('applyToHost', () => {
  it('creates what is missing (get, then create)', async () => {
    const client = new FakeKubeClient();
    await applyToHost(client, [secret('one')]);
    assert.deepEqual(
      client.actions.map((a) => `${a.verb} ${a.kind} ${a.namespace}/${a.name}`),
      ['get Secret team/vc-a', 'create Secret team/vc-a'],
    );
    const stored = await client.get<ReturnType<typeof secret>>({ apiVersion: 'v1', kind: 'Secret' }, { namespace: 'team', name: 'vc-a' });
    assert.deepEqual(stored.stringData, { config: 'one' });
  });

  it('brings what exists up to date with a server-side apply', async () => {
    const client = new FakeKubeClient();
    await client.create(secret('one'));
    // the fake client has no server-side apply: the attempt shows the path taken
    await assert.rejects(applyToHost(client, [secret('two')]), /apply patches are not supported/);
    assert.deepEqual(client.actions.slice(1).map((a) => a.verb), ['get', 'patch']);
  });
});

describe('assertReachable', () => {
  it('asks the host API for /readyz', async () => {
    const client = new FakeKubeClient();
    await assertReachable(hostOn(client));
    assert.deepEqual(client.actions, [{ verb: 'getRaw', kind: '', name: '/readyz' }]);
  });

  it('an unanswered /readyz is UNAVAILABLE naming the context', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const client = new FakeKubeClient({ inject: (a) => (a.verb === 'getRaw' ? refused : undefined) });
    await assert.rejects(assertReachable(hostOn(client)), (err: unknown) => {
      assert.ok(err instanceof VClusterError);
      assert.equal(err.code, ErrorCode.UNAVAILABLE);
      assert.match(err.message, /^the host cluster of context "kind-kind" is unreachable: .*ECONNREFUSED/);
      return true;
    });
  });
});

describe('flattenedKubeconfig', () => {
  it('the host context alone, its credential files inlined (paths relative to the kubeconfig)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'host-access-'));
    try {
      await mkdir(join(dir, 'pki'));
      await writeFile(join(dir, 'pki', 'ca.crt'), 'CA');
      await writeFile(join(dir, 'pki', 'user.key'), 'KEY');
      const path = join(dir, 'config');
      await writeFile(
        path,
        `clusters:
- {name: kind-kind, cluster: {server: 'https://127.0.0.1:6443', certificate-authority: pki/ca.crt}}
- {name: other, cluster: {server: 'https://other'}}
users:
- {name: kind-kind, user: {client-certificate-data: Q0VSVA==, client-key: pki/user.key}}
- {name: other, user: {token: secret}}
contexts:
- {name: kind-kind, context: {cluster: kind-kind, user: kind-kind}}
- {name: other, context: {cluster: other, user: other}}
current-context: other
`,
      );
      const flat = parseKubeconfig(await flattenedKubeconfig(hostOn(new FakeKubeClient(), path)));
      assert.equal(flat['current-context'], 'kind-kind');
      assert.deepEqual(flat.contexts.map((c) => c.name), ['kind-kind']);
      assert.deepEqual(flat.clusters, [{ name: 'kind-kind', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } }]);
      assert.deepEqual(flat.users, [{ name: 'kind-kind', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
