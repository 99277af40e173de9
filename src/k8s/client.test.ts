import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { createKubeClient } from './client.js';
import { KubeApiError, isNotFound } from './errors.js';
import { FakeClock } from '../lib/clock.js';
import {
  buildUrl,
  statusFromBody,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from './transport.js';
import { Kinds, type ConfigMap, type WatchEvent } from './types.js';

const DISCOVERY: Record<string, unknown> = {
  '/api/v1': {
    resources: [
      { name: 'pods', kind: 'Pod', namespaced: true },
      { name: 'pods/status', kind: 'Pod', namespaced: true },
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
      { name: 'nodes', kind: 'Node', namespaced: false },
    ],
  },
  '/apis/apps/v1': { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }] },
};

interface Recorded {
  method: string;
  url: string;
  body?: unknown;
  contentType?: string;
}

/** A scripted transport: discovery from DISCOVERY, everything else from `answer`. */
function fakeTransport(
  answer: (req: HttpRequest) => HttpResponse | Error,
  lines: string[] = [],
): Transport & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  const record = (req: HttpRequest): void => {
    const url = buildUrl('https://h', req.path, req.query);
    calls.push({
      method: req.method,
      url: url.pathname + url.search,
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.contentType ? { contentType: req.contentType } : {}),
    });
  };
  return {
    server: 'https://h',
    calls,
    request(req) {
      const discovery = DISCOVERY[req.path];
      if (req.method === 'GET' && discovery)
        return Promise.resolve({ statusCode: 200, body: JSON.stringify(discovery) });
      if (req.method === 'GET' && req.path.startsWith('/apis/') && req.path.split('/').length === 4) {
        return Promise.reject(new KubeApiError(404, { code: 404, reason: 'NotFound' }));
      }
      record(req);
      const a = answer(req);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
    stream(req, onLine) {
      record(req);
      for (const l of lines) onLine(l);
      return Promise.resolve();
    },
    close() {},
  };
}

const ok = (body: unknown): HttpResponse => ({ statusCode: 200, body: JSON.stringify(body) });
const cm = (
  name: string,
  ns = 'default',
): ConfigMap & { apiVersion: string; kind: string; metadata: { name: string } } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
});
/** A clock whose sleeps return at once, recording how long they were asked to wait. */
class RecordingClock extends FakeClock {
  readonly slept: number[] = [];
  override sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return Promise.resolve();
  }
}
const noSleep = new RecordingClock();

describe('KubeClient requests', () => {
  const cases: {
    name: string;
    call: (c: ReturnType<typeof createKubeClient>) => Promise<unknown>;
    want: Recorded;
  }[] = [
    {
      name: 'get namespaced',
      call: (c) => c.get(Kinds.Pod, { namespace: 'ns', name: 'p' }),
      want: { method: 'GET', url: '/api/v1/namespaces/ns/pods/p' },
    },
    {
      name: 'get cluster-scoped ignores namespace',
      call: (c) => c.get(Kinds.Node, { namespace: 'ns', name: 'n1' }),
      want: { method: 'GET', url: '/api/v1/nodes/n1' },
    },
    {
      name: 'get escapes names',
      call: (c) => c.get(Kinds.ConfigMap, { namespace: 'ns', name: 'a b' }),
      want: { method: 'GET', url: '/api/v1/namespaces/ns/configmaps/a%20b' },
    },
    {
      name: 'create',
      call: (c) => c.create(cm('x', 'ns'), { fieldManager: 'vcluster' }),
      want: {
        method: 'POST',
        url: '/api/v1/namespaces/ns/configmaps?fieldManager=vcluster',
        body: cm('x', 'ns'),
      },
    },
    {
      name: 'update',
      call: (c) => c.update(cm('x', 'ns')),
      want: { method: 'PUT', url: '/api/v1/namespaces/ns/configmaps/x', body: cm('x', 'ns') },
    },
    {
      name: 'updateStatus',
      call: (c) =>
        c.updateStatus({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } }),
      want: {
        method: 'PUT',
        url: '/api/v1/namespaces/ns/pods/p/status',
        body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } },
      },
    },
    {
      name: 'merge patch',
      call: (c) =>
        c.patch(Kinds.ConfigMap, { namespace: 'ns', name: 'x' }, { data: { a: '1' } }, { type: 'merge' }),
      want: {
        method: 'PATCH',
        url: '/api/v1/namespaces/ns/configmaps/x',
        body: { data: { a: '1' } },
        contentType: 'application/merge-patch+json',
      },
    },
    {
      name: 'strategic patch of status',
      call: (c) =>
        c.patch(
          Kinds.Pod,
          { namespace: 'ns', name: 'p' },
          { status: {} },
          { type: 'strategic', subresource: 'status' },
        ),
      want: {
        method: 'PATCH',
        url: '/api/v1/namespaces/ns/pods/p/status',
        body: { status: {} },
        contentType: 'application/strategic-merge-patch+json',
      },
    },
    {
      name: 'server-side apply',
      call: (c) =>
        c.patch(Kinds.ConfigMap, { namespace: 'ns', name: 'x' }, cm('x', 'ns'), {
          type: 'apply',
          fieldManager: 'vc',
          force: true,
        }),
      want: {
        method: 'PATCH',
        url: '/api/v1/namespaces/ns/configmaps/x?fieldManager=vc&force=true',
        body: cm('x', 'ns'),
        contentType: 'application/apply-patch+yaml',
      },
    },
    {
      name: 'delete with options',
      call: (c) =>
        c.delete(
          Kinds.Pod,
          { namespace: 'ns', name: 'p' },
          { gracePeriodSeconds: 0, propagationPolicy: 'Background', preconditions: { uid: 'u1' } },
        ),
      want: {
        method: 'DELETE',
        url: '/api/v1/namespaces/ns/pods/p',
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          gracePeriodSeconds: 0,
          propagationPolicy: 'Background',
          preconditions: { uid: 'u1' },
        },
      },
    },
    {
      name: 'group version path',
      call: (c) => c.get(Kinds.Deployment, { namespace: 'ns', name: 'd' }),
      want: { method: 'GET', url: '/apis/apps/v1/namespaces/ns/deployments/d' },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const t = fakeTransport(() => ok({ kind: 'X', metadata: {} }));
      await c.call(createKubeClient(t));
      assert.deepEqual(t.calls, [c.want]);
    });
  }

  it('lists every page and stamps apiVersion/kind on items', async () => {
    const pages = [
      { metadata: { resourceVersion: '10', continue: 'tok' }, items: [{ metadata: { name: 'a' } }] },
      { metadata: { resourceVersion: '10' }, items: [{ metadata: { name: 'b' } }] },
    ];
    const t = fakeTransport(() => ok(pages.shift()));
    const list = await createKubeClient(t).list(Kinds.ConfigMap, {
      namespace: 'ns',
      labelSelector: 'a=b',
      pageSize: 1,
    });
    assert.deepEqual(
      list.items.map((i) => [i.apiVersion, i.kind, i.metadata?.name]),
      [
        ['v1', 'ConfigMap', 'a'],
        ['v1', 'ConfigMap', 'b'],
      ],
    );
    assert.equal(list.resourceVersion, '10');
    assert.deepEqual(
      t.calls.map((c) => c.url),
      [
        '/api/v1/namespaces/ns/configmaps?labelSelector=a%3Db&limit=1',
        '/api/v1/namespaces/ns/configmaps?labelSelector=a%3Db&limit=1&continue=tok',
      ],
    );
  });

  it('a namespaced kind without namespace is a usage error', async () => {
    await assert.rejects(
      createKubeClient(fakeTransport(() => ok({}))).get(Kinds.Pod, { name: 'p' }),
      (err: unknown) => {
        assert.ok(err instanceof VClusterError);
        assert.equal(err.code, ErrorCode.USAGE);
        return true;
      },
    );
  });

  it('an unknown kind is NOT_FOUND naming it', async () => {
    const c = createKubeClient(fakeTransport(() => ok({})));
    await assert.rejects(c.get({ apiVersion: 'v1', kind: 'Widget' }, { name: 'w' }), {
      message: 'the server does not serve Widget in v1',
    });
    await assert.rejects(c.get({ apiVersion: 'example.com/v1', kind: 'Widget' }, { name: 'w' }), {
      message: 'the server does not serve Widget in example.com/v1',
    });
  });

  it('API errors come back as KubeApiError', async () => {
    const t = fakeTransport(
      () =>
        new KubeApiError(
          404,
          statusFromBody(
            404,
            JSON.stringify({
              kind: 'Status',
              reason: 'NotFound',
              code: 404,
              message: 'configmaps "x" not found',
            }),
          ),
        ),
    );
    await assert.rejects(
      createKubeClient(t).get(Kinds.ConfigMap, { namespace: 'ns', name: 'x' }),
      (err: unknown) => {
        assert.ok(isNotFound(err));
        assert.equal((err as Error).message, 'configmaps "x" not found');
        return true;
      },
    );
  });

  it('getRaw GETs a non-resource path and answers the body as text', async () => {
    const seen: HttpRequest[] = [];
    const t = fakeTransport((req) => {
      seen.push(req);
      return { statusCode: 200, body: 'ok' };
    });
    assert.equal(await createKubeClient(t).getRaw('/readyz', { timeoutMs: 10_000 }), 'ok');
    assert.deepEqual(t.calls, [{ method: 'GET', url: '/readyz' }], 'no discovery, no query');
    assert.equal(seen[0]?.timeoutMs, 10_000);
    const notReady = fakeTransport(() => new KubeApiError(404, { code: 404, reason: 'NotFound' }));
    await assert.rejects(createKubeClient(notReady).getRaw('/nope'), (err: unknown) => isNotFound(err));
    await assert.rejects(createKubeClient(t).getRaw('readyz'), { message: /must start with \// });
  });

  it('GETs are retried on transient errors; writes are not', async () => {
    let n = 0;
    const flaky = fakeTransport(() =>
      n++ < 2
        ? Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
        : ok({ metadata: { name: 'x' } }),
    );
    await createKubeClient(flaky, { clock: noSleep }).get(Kinds.ConfigMap, { namespace: 'ns', name: 'x' });
    assert.equal(flaky.calls.length, 3);
    const failing = fakeTransport(() => new KubeApiError(503, { code: 503 }));
    await assert.rejects(createKubeClient(failing, { clock: noSleep }).create(cm('x')));
    assert.equal(failing.calls.length, 1);
  });

  it('requests are throttled by the token bucket', async () => {
    const clock = new RecordingClock();
    const slept = clock.slept;
    const c = createKubeClient(
      fakeTransport(() => ok({})),
      { qps: 10, burst: 2, clock },
    );
    for (let i = 0; i < 4; i++) await c.get(Kinds.ConfigMap, { namespace: 'ns', name: 'x' });
    // one discovery request + 4 gets = 5 tokens: 2 free, then 100, 200, 300 ms
    assert.deepEqual(slept, [100, 200, 300]);
  });

  it('watch builds the query and parses events', async () => {
    const lines = [
      JSON.stringify({ type: 'ADDED', object: cm('a') }),
      JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '9' } } }),
      JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } }),
      JSON.stringify({ type: 'WHAT', object: {} }),
    ];
    const t = fakeTransport(() => ok({}), lines);
    const events: WatchEvent<ConfigMap>[] = [];
    await createKubeClient(t).watch<ConfigMap>(
      Kinds.ConfigMap,
      { namespace: 'ns', resourceVersion: '5', timeoutSeconds: 60 },
      (e) => events.push(e),
      new AbortController().signal,
    );
    assert.deepEqual(
      t.calls.map((c) => c.url),
      [
        '/api/v1/namespaces/ns/configmaps?watch=1&resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=60',
      ],
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'BOOKMARK', 'ERROR'],
    );
  });
});

describe('statusFromBody', () => {
  const cases: { name: string; code: number; body: string; want: object }[] = [
    {
      name: 'a Status',
      code: 409,
      body: '{"kind":"Status","reason":"Conflict","code":409}',
      want: { kind: 'Status', reason: 'Conflict', code: 409 },
    },
    { name: 'plain text', code: 503, body: 'upstream down\n', want: { code: 503, message: 'upstream down' } },
    { name: 'empty', code: 500, body: '', want: { code: 500 } },
    {
      name: 'JSON that is not a Status',
      code: 500,
      body: '{"a":1}',
      want: { code: 500, message: '{"a":1}' },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(statusFromBody(c.code, c.body), c.want));
});
