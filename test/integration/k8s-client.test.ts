/**
 * src/k8s against a REAL kube-apiserver (the embedded host: etcd + kube-apiserver + kcm + scheduler +
 * kwok, started with `vcluster host up`): every KubeClient verb, error narrowing on real Status
 * answers, paging, the status subresource, the QPS limiter, watch, and the informer (list → watch →
 * handlers, relist after a 410, stop on abort). Missing binaries fail the test (never a skip).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHostState } from '../../src/embedded-host/state.js';
import { ErrorCode, VClusterError } from '../../src/lib/errors.js';
import { freePort } from '../../src/lib/net.js';
import { run } from '../../src/lib/process.js';
import { openKubeClient, type ClosableKubeClient } from '../../src/k8s/client.js';
import {
  ignoreNotFound,
  isAlreadyExists,
  isConflict,
  isConnectionError,
  isGone,
  isInvalid,
  isNotFound,
  toVClusterError,
} from '../../src/k8s/errors.js';
import { Informer, listWatchSource, type ListWatchSource } from '../../src/k8s/informer.js';
import { extractContext, parseKubeconfig, stringifyKubeconfig } from '../../src/k8s/kubeconfig.js';
import { Kinds, type ConfigMap, type Deployment, type Service } from '../../src/k8s/types.js';
import { startExtraApiServer } from './support/extra-apiserver.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { killAll, pidsIn } from '../support/processes.js';
import { eventually } from '../support/wait.js';

const NS = 'k8s-client-test';
const CONTEXT = 'vcluster-host';

type TypedConfigMap = ConfigMap & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
};
const configMap = (
  name: string,
  data: Record<string, string> = {},
  labels: Record<string, string> = {},
): TypedConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels },
  data,
});

describe('k8s client and informer against a real kube-apiserver', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubeconfigPath = '';
  let client: ClosableKubeClient;
  let bins: Awaited<ReturnType<typeof testBinaries>>;
  const started = new Set<number>();

  before(async () => {
    bins = await testBinaries(); // throws with a clear message when a binary is missing
    home = await mkdtemp(join(tmpdir(), 'vcluster-k8s-client-test-'));
    kubeconfigPath = join(home, 'kubeconfig');
    env = { VCLUSTER_HOME: home, KUBECONFIG: kubeconfigPath };
    const up = await runCli(['host', 'up', '--nodes', '1', '--real-nodes', '0'], env);
    for (const pid of Object.values(await pidsIn(join(home, 'host', 'pids')))) started.add(pid);
    assert.equal(up.code, 0, `vcluster host up failed:\n${up.stderr}`);
    client = await openKubeClient({ kubeconfigPath, context: CONTEXT, qps: 200, burst: 400 });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });

  after(async () => {
    client?.close();
    if (home) {
      await runCli(['host', 'down', '--purge'], env);
      for (const pid of Object.values(await pidsIn(join(home, 'host', 'pids')))) started.add(pid);
      killAll(started);
      await rm(home, { recursive: true, force: true });
    }
  });

  it('create, get, update, conflict, already-exists, patch, delete, not-found', async () => {
    const created = await client.create(configMap('cm-1', { a: '1' }));
    assert.equal(created.metadata.name, 'cm-1');
    assert.match(created.metadata.resourceVersion ?? '', /^\d+$/);
    assert.equal(typeof created.metadata.creationTimestamp, 'string', 'timestamps stay wire strings');

    const got = await client.get<TypedConfigMap>(Kinds.ConfigMap, { namespace: NS, name: 'cm-1' });
    assert.deepEqual(got.data, { a: '1' });

    const updated = await client.update({ ...got, data: { a: '2' } });
    assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);
    await assert.rejects(client.update({ ...got, data: { a: 'stale' } }), (err: unknown) => {
      assert.ok(isConflict(err), String(err));
      assert.ok(!isAlreadyExists(err));
      return true;
    });
    await assert.rejects(client.create(configMap('cm-1')), (err: unknown) => {
      assert.ok(isAlreadyExists(err), String(err));
      assert.ok(!isConflict(err));
      assert.equal((err as VClusterError).code, ErrorCode.ALREADY_EXISTS);
      assert.equal((err as Error).message, 'configmaps "cm-1" already exists');
      return true;
    });

    const merged = await client.patch<TypedConfigMap>(
      Kinds.ConfigMap,
      { namespace: NS, name: 'cm-1' },
      { data: { b: '3' }, metadata: { labels: { patched: 'yes' } } },
      { type: 'merge' },
    );
    assert.deepEqual(merged.data, { a: '2', b: '3' });
    assert.equal(merged.metadata.labels?.patched, 'yes');

    await client.delete(Kinds.ConfigMap, { namespace: NS, name: 'cm-1' });
    await assert.rejects(client.get(Kinds.ConfigMap, { namespace: NS, name: 'cm-1' }), (err: unknown) => {
      assert.ok(isNotFound(err), String(err));
      assert.equal(toVClusterError(err, 'read config').message, 'read config: configmaps "cm-1" not found');
      assert.equal(toVClusterError(err, 'read config').code, ErrorCode.NOT_FOUND);
      return true;
    });
    assert.equal(
      await ignoreNotFound(client.get(Kinds.ConfigMap, { namespace: NS, name: 'cm-1' })),
      undefined,
    );
    await assert.rejects(client.delete(Kinds.ConfigMap, { namespace: NS, name: 'cm-1' }), (err: unknown) =>
      isNotFound(err),
    );
  });

  it('strategic merge patch merges containers by name; invalid objects are 422', async () => {
    const deployment: Deployment & { apiVersion: string; kind: string; metadata: { name: string } } = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx:1' },
              { name: 'sidecar', image: 'busybox' },
            ],
          },
        },
      },
    };
    await client.create(deployment);
    const patched = await client.patch<Deployment>(
      Kinds.Deployment,
      { namespace: NS, name: 'web' },
      { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } },
      { type: 'strategic' },
    );
    assert.deepEqual(
      patched.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`),
      ['nginx=nginx:2', 'sidecar=busybox'],
    );
    await assert.rejects(
      client.patch(
        Kinds.Deployment,
        { namespace: NS, name: 'web' },
        { spec: { replicas: -1 } },
        { type: 'merge' },
      ),
      (err: unknown) => isInvalid(err),
    );
  });

  it('updateStatus and patch on the status subresource touch only status', async () => {
    const svc = await client.create<
      Service & { apiVersion: string; kind: string; metadata: { name: string } }
    >({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb', namespace: NS },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'x' } },
    });
    const withStatus = await client.updateStatus({
      ...svc,
      spec: { ...svc.spec, ports: [{ port: 81 }] }, // ignored by the status subresource
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
    });
    assert.deepEqual(withStatus.status?.loadBalancer?.ingress, [{ ip: '192.0.2.10', ipMode: 'VIP' }]);
    assert.equal(withStatus.spec?.ports?.[0]?.port, 80);
    const patched = await client.patch<Service>(
      Kinds.Service,
      { namespace: NS, name: 'lb' },
      { status: { loadBalancer: { ingress: [{ ip: '192.0.2.11' }] } } },
      { type: 'merge', subresource: 'status' },
    );
    assert.equal(patched.status?.loadBalancer?.ingress?.[0]?.ip, '192.0.2.11');
  });

  it('createSubresource: a TokenRequest for a service account', async () => {
    await eventually(
      'the default service account',
      () => ignoreNotFound(client.get(Kinds.ServiceAccount, { namespace: NS, name: 'default' })),
      30_000,
    );
    const answer = await client.createSubresource<{ status?: { token?: string } }>(
      Kinds.ServiceAccount,
      { namespace: NS, name: 'default' },
      'token',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    );
    assert.match(answer.status?.token ?? '', /^ey/);
  });

  it('lists in pages and with label selectors', async () => {
    for (let i = 0; i < 7; i++) await client.create(configMap(`page-${i}`, {}, { set: 'paging' }));
    await client.create(configMap('other', {}, { set: 'other' }));
    const list = await client.list<ConfigMap>(Kinds.ConfigMap, {
      namespace: NS,
      labelSelector: 'set=paging',
      pageSize: 3,
    });
    assert.deepEqual(
      list.items.map((i) => i.metadata?.name).sort(),
      [0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`),
    );
    assert.ok(list.items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1'));
    assert.match(list.resourceVersion, /^\d+$/);
    const nodes = await client.list(Kinds.Node);
    assert.equal(nodes.items.length, 1, 'cluster-scoped list');
    assert.equal(await client.isNamespaced(Kinds.Node), false);
  });

  it('watch: events from a resourceVersion, server-side timeout ends the stream', async () => {
    const start = await client.list(Kinds.ConfigMap, { namespace: NS });
    await client.create(configMap('watched', { v: '1' }, { watched: 'yes' }));
    await client.delete(Kinds.ConfigMap, { namespace: NS, name: 'watched' });
    const events: string[] = [];
    const t0 = Date.now();
    await client.watch<ConfigMap>(
      Kinds.ConfigMap,
      // the selector keeps out what the controllers write meanwhile (kube-root-ca.crt ...)
      { namespace: NS, labelSelector: 'watched=yes', resourceVersion: start.resourceVersion, timeoutSeconds: 1 },
      (e) => events.push(`${e.type} ${e.type === 'ERROR' ? '' : (e.object.metadata?.name ?? '')}`),
      new AbortController().signal,
    );
    assert.ok(Date.now() - t0 < 10_000);
    assert.deepEqual(
      events.filter((e) => !e.startsWith('BOOKMARK')),
      ['ADDED watched', 'DELETED watched'],
      events.join(', '),
    );
  });

  it('watch: aborting the signal ends it at once', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 200);
    await client.watch(Kinds.ConfigMap, { namespace: NS, timeoutSeconds: 60 }, () => undefined, ac.signal);
    assert.ok(Date.now() - t0 < 5_000);
  });

  it('informer: list, then watch; handlers and cache follow creates, updates and deletes', async () => {
    await client.create(configMap('inf-0', { v: '0' }, { informer: 'yes' }));
    const informer = new Informer<ConfigMap>({
      source: listWatchSource<ConfigMap>(client, Kinds.ConfigMap, {
        namespace: NS,
        labelSelector: 'informer=yes',
      }),
      indexers: { value: (cm) => Object.values(cm.data ?? {}) },
    });
    const events: string[] = [];
    informer.addHandlers({
      onAdd: (o) => events.push(`add ${o.metadata?.name}`),
      onUpdate: (_, o) => events.push(`update ${o.metadata?.name} v=${o.data?.v}`),
      onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
    });
    const ac = new AbortController();
    const running = informer.start(ac.signal);
    try {
      await informer.ready();
      assert.deepEqual(informer.keys(), [`${NS}/inf-0`]);

      await client.create(configMap('inf-1', { v: '1' }, { informer: 'yes' }));
      await client.create(configMap('not-watched', { v: '1' }, { informer: 'no' }));
      await client.patch(
        Kinds.ConfigMap,
        { namespace: NS, name: 'inf-0' },
        { data: { v: '5' } },
        { type: 'merge' },
      );
      await client.delete(Kinds.ConfigMap, { namespace: NS, name: 'inf-1' });
      await eventually(
        'the informer to see 3 events',
        () => Promise.resolve(events.length >= 4 ? true : undefined),
        10_000,
        20,
      );
      assert.deepEqual(events, ['add inf-0', 'add inf-1', 'update inf-0 v=5', 'delete inf-1']);
      assert.deepEqual(informer.keys(), [`${NS}/inf-0`]);
      assert.deepEqual(
        informer.byIndex('value', '5').map((o) => o.metadata?.name),
        ['inf-0'],
      );
    } finally {
      ac.abort();
      await running;
    }
  });

  it('informer: after an API server restart, 410 Expired makes it relist and report what changed', async () => {
    // The informer listed before a (second, fresh) API server started; its first watch there starts
    // from a resourceVersion older than that server's watch cache, so the answer is 410 Expired.
    await client.create(configMap('relist-0', {}, { relist: 'yes' }));
    const before = await client.list<ConfigMap>(Kinds.ConfigMap, {
      namespace: NS,
      labelSelector: 'relist=yes',
    });
    await client.create(configMap('relist-gone', {}, { relist: 'yes' }));
    const state = await readHostState(join(home, 'host', 'state.json'));
    assert.ok(state, 'embedded host state.json');
    // etcd compacted as well, so the server cannot fall back to etcd's history either
    const latest = (await client.list(Kinds.ConfigMap, { namespace: NS })).resourceVersion;
    await run(bins.path('etcdctl'), [
      `--endpoints=http://127.0.0.1:${state.ports.etcdClient}`,
      'compact',
      latest,
    ]);

    const extra = await startExtraApiServer(join(home, 'host'), state, bins);
    started.add(extra.pid);
    const kc = parseKubeconfig(await readFile(kubeconfigPath, 'utf8'));
    const second = await openKubeClient({
      kubeconfig: stringifyKubeconfig(extractContext(kc, { context: CONTEXT, server: extra.url })),
    });
    try {
      await eventually(
        'the second API server to serve',
        () => second.get(Kinds.Namespace, { name: NS }),
        60_000,
        200,
      );
      const real = listWatchSource<ConfigMap>(second, Kinds.ConfigMap, {
        namespace: NS,
        labelSelector: 'relist=yes',
      });
      const calls: string[] = [];
      let goneSeen = false;
      let listed = 0;
      const source: ListWatchSource<ConfigMap> = {
        list: (signal) => {
          calls.push('list');
          return listed++ === 0 ? Promise.resolve(before) : real.list(signal);
        },
        watch: async (rv, onEvent, signal) => {
          calls.push(`watch@${rv === before.resourceVersion ? 'old' : 'new'}`);
          try {
            await real.watch(rv, onEvent, signal);
          } catch (err) {
            if (isGone(err)) goneSeen = true;
            throw err;
          }
        },
      };
      const informer = new Informer<ConfigMap>({ source });
      const events: string[] = [];
      informer.addHandlers({ onAdd: (o) => events.push(`add ${o.metadata?.name}`) });
      const ac = new AbortController();
      const running = informer.start(ac.signal);
      try {
        await informer.ready();
        await eventually(
          'relist-gone in the cache',
          () => Promise.resolve(informer.get({ namespace: NS, name: 'relist-gone' })),
          15_000,
          20,
        );
        assert.ok(
          goneSeen,
          `the server answered 410 Gone (calls: ${calls.join(', ')}; events: ${events.join(', ')})`,
        );
        assert.deepEqual(calls.slice(0, 4), ['list', 'watch@old', 'list', 'watch@new']);
        assert.deepEqual(events, ['add relist-0', 'add relist-gone']);
        await client.create(configMap('relist-1', {}, { relist: 'yes' }));
        await eventually(
          'relist-1 in the cache',
          () => Promise.resolve(informer.get({ namespace: NS, name: 'relist-1' })),
          10_000,
          20,
        );
      } finally {
        ac.abort();
        await running;
      }
    } finally {
      second.close();
      await extra.stop();
    }
  });

  it('the QPS limiter spaces requests', async () => {
    const slow = await openKubeClient({ kubeconfigPath, context: CONTEXT, qps: 10, burst: 1 });
    try {
      await slow.get(Kinds.Namespace, { name: NS }); // discovery + 1 get
      const t0 = Date.now();
      for (let i = 0; i < 5; i++) await slow.get(Kinds.Namespace, { name: NS });
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 450, `5 requests at 10 QPS took ${elapsed} ms`);
    } finally {
      slow.close();
    }
  });

  it('opens from kubeconfig text too (an extracted, renamed context)', async () => {
    const text = stringifyKubeconfig(
      extractContext(parseKubeconfig(await readFile(kubeconfigPath, 'utf8')), {
        context: CONTEXT,
        rename: 'renamed',
      }),
    );
    const c = await openKubeClient({ kubeconfig: text });
    try {
      const ns = await c.get(Kinds.Namespace, { name: NS });
      assert.equal(ns.metadata?.name, NS);
    } finally {
      c.close();
    }
  });

  it('a missing context and an unreachable server are clear errors', async () => {
    await assert.rejects(openKubeClient({ kubeconfigPath, context: 'nope' }), (err: unknown) => {
      assert.ok(err instanceof VClusterError);
      assert.equal(err.code, ErrorCode.PRECONDITION);
      assert.equal(err.message, `${kubeconfigPath}: no context "nope"`);
      return true;
    });
    await assert.rejects(openKubeClient({ kubeconfigPath: join(home, 'absent') }), {
      message: `${join(home, 'absent')}: no such file`,
    });
    const port = await freePort();
    const kc = parseKubeconfig(await readFile(kubeconfigPath, 'utf8'));
    const dead = await openKubeClient({
      kubeconfig: stringifyKubeconfig(
        extractContext(kc, { context: CONTEXT, server: `https://127.0.0.1:${port}` }),
      ),
      getRetries: 0,
    });
    try {
      await assert.rejects(dead.get(Kinds.Namespace, { name: NS }), (err: unknown) => {
        assert.ok(isConnectionError(err), String(err));
        assert.equal(toVClusterError(err, 'get namespace').code, ErrorCode.UNAVAILABLE);
        return true;
      });
    } finally {
      dead.close();
    }
  });
});
