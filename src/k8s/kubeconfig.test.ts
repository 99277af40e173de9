import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import {
  addContext,
  contextNamespace,
  defaultKubeconfigPath,
  emptyKubeconfig,
  extractContext,
  flattenContext,
  getContext,
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

describe('flattenContext', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const FILES: Readonly<Record<string, string>> = {
    '/kube/ca.crt': 'CA PEM',
    '/kube/certs/user.crt': 'CERT PEM',
    '/abs/user.key': 'KEY PEM',
    '/kube/token': 'tok-from-file\n',
  };
  const read = (path: string): Buffer => {
    const text = FILES[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return Buffer.from(text);
  };
  // three contexts over two clusters and three users; `other` is what minify must drop
  const KC = `apiVersion: v1
kind: Config
preferences: {colors: true}
clusters:
- name: files
  cluster: {server: 'https://files:6443', certificate-authority: ca.crt, tls-server-name: api}
- name: inline
  cluster: {server: 'https://inline:6443', certificate-authority-data: SU5MSU5FIENB}
users:
- name: files
  user: {client-certificate: certs/user.crt, client-key: /abs/user.key}
- name: tokens
  user: {tokenFile: ./token}
- name: exec
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/login, args: [x]}}
contexts:
- name: files
  context: {cluster: files, user: files, namespace: team}
- name: inline
  context: {cluster: inline, user: tokens}
- name: exec
  context: {cluster: inline, user: exec}
- name: no-user
  context: {cluster: inline, user: ghost}
- name: no-cluster
  context: {cluster: ghost, user: files}
current-context: inline
`;
  const kc = parseKubeconfig(KC);
  const flatten = (context: string | undefined): ReturnType<typeof flattenContext> =>
    flattenContext(kc, { ...(context !== undefined ? { context } : {}), baseDir: '/kube', readFile: read });

  const cases: {
    name: string;
    context?: string;
    cluster?: Record<string, unknown>;
    user?: Record<string, unknown>;
    error?: RegExp;
  }[] = [
    {
      name: 'file credentials are read into the *-data fields (relative to the kubeconfig folder)',
      context: 'files',
      cluster: { server: 'https://files:6443', 'certificate-authority-data': b64('CA PEM'), 'tls-server-name': 'api' },
      user: { 'client-certificate-data': b64('CERT PEM'), 'client-key-data': b64('KEY PEM') },
    },
    {
      name: 'a tokenFile stays a file, made absolute; data fields are kept as they are',
      context: 'inline',
      cluster: { server: 'https://inline:6443', 'certificate-authority-data': 'SU5MSU5FIENB' },
      user: { tokenFile: '/kube/token' },
    },
    {
      name: 'the current context when none is named',
      cluster: { server: 'https://inline:6443', 'certificate-authority-data': 'SU5MSU5FIENB' },
      user: { tokenFile: '/kube/token' },
    },
    {
      name: 'exec users are kept, a relative command made absolute',
      context: 'exec',
      cluster: { server: 'https://inline:6443', 'certificate-authority-data': 'SU5MSU5FIENB' },
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/kube/bin/login', args: ['x'] } },
    },
    { name: 'a missing context is named', context: 'nope', error: /^kubeconfig has no context "nope"$/ },
    { name: 'a missing user is named', context: 'no-user', error: /^kubeconfig context "no-user": no user "ghost"$/ },
    { name: 'a missing cluster is named', context: 'no-cluster', error: /^kubeconfig context "no-cluster": no cluster "ghost"$/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) {
        assert.throws(() => flatten(c.context), (err: unknown) => {
          assert.ok(err instanceof VClusterError);
          assert.equal(err.code, ErrorCode.NOT_FOUND);
          assert.match(err.message, c.error!);
          return true;
        });
        return;
      }
      const flat = flatten(c.context);
      const name = c.context ?? 'inline';
      assert.equal(flat['current-context'], name);
      assert.equal(flat.contexts.length, 1);
      assert.deepEqual(flat.contexts[0], getContext(kc, name));
      assert.equal(flat.clusters.length, 1);
      assert.equal(flat.users.length, 1);
      assert.equal(flat.clusters[0]?.name, flat.contexts[0]?.context.cluster);
      assert.equal(flat.users[0]?.name, flat.contexts[0]?.context.user);
      assert.deepEqual(flat.clusters[0]?.cluster, c.cluster);
      assert.deepEqual(flat.users[0]?.user, c.user);
      assert.deepEqual(flat.preferences, { colors: true });
      // it stands alone: written and read back, it is the same
      assert.deepEqual(parseKubeconfig(stringifyKubeconfig(flat)), flat);
    });
  }

  it('does not change its input', () => {
    const before = structuredClone(kc);
    flatten('files');
    assert.deepEqual(kc, before);
  });

  const refused: { name: string; text: string; error: RegExp; code: string }[] = [
    {
      name: 'an unreadable file is named with its absolute path',
      text: 'clusters: [{name: c, cluster: {server: s, certificate-authority: missing.crt}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n',
      error: /^kubeconfig cluster "c": certificate-authority \/kube\/missing\.crt: cannot read$/,
      code: ErrorCode.PRECONDITION,
    },
    {
      name: 'a file and data for the same field',
      text: 'clusters: [{name: c, cluster: {server: s}}]\nusers: [{name: u, user: {client-key: /abs/user.key, client-key-data: S0VZ}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n',
      error: /^kubeconfig user "u": both client-key and client-key-data are set$/,
      code: ErrorCode.PRECONDITION,
    },
    {
      name: 'no context named and no current one',
      text: 'contexts: [{name: x, context: {cluster: c, user: u}}]\n',
      error: /^kubeconfig has no current context to flatten$/,
      code: ErrorCode.NOT_FOUND,
    },
  ];
  for (const c of refused) {
    it(c.name, () => {
      const input = parseKubeconfig(c.text);
      const context = c.name.startsWith('no context') ? undefined : 'x';
      assert.throws(() => flattenContext(input, { ...(context ? { context } : {}), baseDir: '/kube', readFile: read }), (err: unknown) => {
        assert.ok(err instanceof VClusterError);
        assert.equal(err.code, c.code);
        assert.match(err.message, c.error);
        return true;
      });
    });
  }
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
