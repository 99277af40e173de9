import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  addContext,
  contextNamespace,
  defaultKubeconfigPath,
  emptyKubeconfig,
  extractContext,
  getCurrentContext,
  mergeKubeconfig,
  parseKubeconfig,
  parseVclusterContextName,
  readKubeconfigFile,
  removeContext,
  setCurrentContext,
  stringifyKubeconfig,
  updateKubeconfigFile,
  vclusterContextName,
  type Kubeconfig,
} from './kubeconfig.js';

const HOST = `apiVersion: v1
kind: Config
clusters:
- name: kind-kind
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0E=
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {x: 1}
users:
- name: kind-kind
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: kind-kind
  context:
    cluster: kind-kind
    user: kind-kind
    namespace: team-a
current-context: kind-kind
preferences: {colors: true}
`;

const VCLUSTER_SECRET = `apiVersion: v1
kind: Config
clusters:
- name: my-vcluster
  cluster: {server: 'https://localhost:8443', certificate-authority-data: VkNB}
users:
- name: my-vcluster
  user: {client-certificate-data: VkNFUlQ=, client-key-data: VktFWQ==}
contexts:
- name: my-vcluster
  context: {cluster: my-vcluster, user: my-vcluster}
current-context: my-vcluster
`;

const names = (kc: Kubeconfig): Record<string, string[]> => ({
  clusters: kc.clusters.map((c) => c.name),
  users: kc.users.map((u) => u.name),
  contexts: kc.contexts.map((c) => c.name),
});

describe('parseKubeconfig', () => {
  it('keeps unknown fields through a round trip', () => {
    const kc = parseKubeconfig(HOST);
    const again = parseKubeconfig(stringifyKubeconfig(kc));
    assert.deepEqual(again, kc);
    assert.deepEqual((again.clusters[0]?.cluster as Record<string, unknown>).extensions, [
      { name: 'client.authentication.k8s.io/exec', extension: { x: 1 } },
    ]);
    assert.deepEqual(again.preferences, { colors: true });
  });
  const cases: { name: string; text: string; want?: Record<string, string[]>; error?: RegExp }[] = [
    { name: 'empty text', text: '', want: { clusters: [], users: [], contexts: [] } },
    {
      name: 'null lists (kubectl writes them)',
      text: 'apiVersion: v1\nclusters: null\nusers: null\ncontexts: null\n',
      want: { clusters: [], users: [], contexts: [] },
    },
    {
      name: 'a context without a name',
      text: 'contexts:\n- context: {cluster: a, user: b}\n',
      error: /^k: invalid kubeconfig: contexts\[0\]\.name: /,
    },
    { name: 'not YAML', text: 'a: [', error: /^k: invalid kubeconfig YAML$/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) assert.throws(() => parseKubeconfig(c.text, 'k'), { message: c.error });
      else assert.deepEqual(names(parseKubeconfig(c.text, 'k')), c.want);
    });
  }
});

describe('contexts', () => {
  const host = parseKubeconfig(HOST);
  const vc = vclusterContextName('my-vcluster', 'test-namespace', 'kind-kind');

  it('connect: extract+rename the Secret kubeconfig, merge, make current', () => {
    const secret = extractContext(parseKubeconfig(VCLUSTER_SECRET), {
      rename: vc,
      server: 'https://127.0.0.1:11000',
    });
    const merged = mergeKubeconfig(host, secret, { makeCurrent: true });
    assert.deepEqual(names(merged), {
      clusters: ['kind-kind', vc],
      users: ['kind-kind', vc],
      contexts: ['kind-kind', vc],
    });
    assert.equal(getCurrentContext(merged), vc);
    assert.equal(merged.clusters[1]?.cluster.server, 'https://127.0.0.1:11000');
    assert.equal(
      (merged.clusters[1]?.cluster as Record<string, unknown>)['certificate-authority-data'],
      'VkNB',
    );
    assert.deepEqual(merged.contexts[1]?.context, { cluster: vc, user: vc });
    assert.deepEqual(merged.preferences, { colors: true });
    // connecting again replaces, never duplicates
    assert.deepEqual(names(mergeKubeconfig(merged, secret)), names(merged));
  });

  it('disconnect: back to the host context', () => {
    const parsed = parseVclusterContextName(vc);
    assert.deepEqual(parsed, { name: 'my-vcluster', namespace: 'test-namespace', hostContext: 'kind-kind' });
    const connected = addContext(
      host,
      { name: vc, cluster: { server: 'https://x' }, user: {} },
      { makeCurrent: true },
    );
    assert.equal(getCurrentContext(setCurrentContext(connected, parsed?.hostContext ?? '')), 'kind-kind');
  });

  it('delete: removes the context, its cluster and user, and falls back', () => {
    const connected = addContext(
      host,
      { name: vc, cluster: { server: 'https://x' }, user: { token: 't' } },
      { makeCurrent: true },
    );
    const removed = removeContext(connected, vc, { fallbackContext: 'kind-kind' });
    assert.deepEqual(names(removed), names(host));
    assert.equal(getCurrentContext(removed), 'kind-kind');
    const unset = removeContext(connected, vc);
    assert.equal(getCurrentContext(unset), undefined);
    assert.equal('current-context' in unset, false);
  });

  it('remove keeps a cluster another context still uses', () => {
    const two = addContext(host, {
      name: 'other',
      clusterName: 'kind-kind',
      userName: 'kind-kind',
      cluster: host.clusters[0]!.cluster,
      user: host.users[0]!.user,
    });
    const removed = removeContext(two, 'other');
    assert.deepEqual(names(removed), names(host));
    assert.equal(removeContext(host, 'absent'), host);
  });

  it('setCurrentContext refuses an unknown context', () => {
    assert.throws(() => setCurrentContext(host, 'nope'), /kubeconfig has no context "nope"/);
  });

  it('extractContext names a missing user', () => {
    const broken = { ...host, users: [] };
    assert.throws(() => extractContext(broken), /kubeconfig context "kind-kind": no user "kind-kind"/);
  });

  it('contextNamespace', () => {
    assert.equal(contextNamespace(host), 'team-a');
    assert.equal(contextNamespace(emptyKubeconfig()), undefined);
  });

  const parseCases: { ctx: string; want: ReturnType<typeof parseVclusterContextName> }[] = [
    { ctx: 'vcluster_a_b_c', want: { name: 'a', namespace: 'b', hostContext: 'c' } },
    {
      ctx: 'vcluster_a_b_vcluster_x_y_kind-kind',
      want: { name: 'a', namespace: 'b', hostContext: 'vcluster_x_y_kind-kind' },
    },
    { ctx: 'kind-kind', want: undefined },
    { ctx: 'vcluster_a_b', want: undefined },
  ];
  for (const c of parseCases)
    it(`parseVclusterContextName(${c.ctx})`, () => assert.deepEqual(parseVclusterContextName(c.ctx), c.want));
});

describe('kubeconfig files', () => {
  it('defaultKubeconfigPath', () => {
    assert.equal(defaultKubeconfigPath({}, '/home/u'), '/home/u/.kube/config');
    assert.equal(defaultKubeconfigPath({ KUBECONFIG: '/a:/b' }, '/home/u'), '/a');
    assert.equal(defaultKubeconfigPath({ KUBECONFIG: '' }, '/home/u'), '/home/u/.kube/config');
  });

  it('update creates the file (0600) and keeps the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    try {
      const path = join(dir, 'sub', 'config');
      assert.deepEqual(names(await readKubeconfigFile(path)), { clusters: [], users: [], contexts: [] });
      await writeFile(join(dir, 'host'), HOST);
      await updateKubeconfigFile(path, (kc) =>
        mergeKubeconfig(kc, parseKubeconfig(HOST), { makeCurrent: true }),
      );
      await updateKubeconfigFile(path, (kc) =>
        addContext(kc, { name: 'x', cluster: { server: 'https://x' }, user: {} }),
      );
      const back = await readKubeconfigFile(path);
      assert.deepEqual(names(back), {
        clusters: ['kind-kind', 'x'],
        users: ['kind-kind', 'x'],
        contexts: ['kind-kind', 'x'],
      });
      assert.equal(getCurrentContext(back), 'kind-kind');
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.match(await readFile(path, 'utf8'), /client-key-data: S0VZ/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
