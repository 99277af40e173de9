import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostSubresource, isStreaming, parseKubeletPath, type PodRoute } from './routes.js';
import { nodeKubeletAddress } from './address.js';
import { simulatedExecQuery, isSimulatedPod, SIMULATED_EXEC_MESSAGE } from './simulated.js';

describe('kubelet paths', () => {
  const cases: { path: string; want: ReturnType<typeof parseKubeletPath> }[] = [
    { path: '/containerLogs/default/web/main', want: { kind: 'containerLogs', namespace: 'default', pod: 'web', container: 'main' } },
    { path: '/exec/default/web/main', want: { kind: 'exec', namespace: 'default', pod: 'web', container: 'main' } },
    { path: '/exec/default/web/0b9c-uid/main', want: { kind: 'exec', namespace: 'default', pod: 'web', container: 'main' } },
    { path: '/attach/ns1/p/c', want: { kind: 'attach', namespace: 'ns1', pod: 'p', container: 'c' } },
    { path: '/portForward/ns1/p', want: { kind: 'portForward', namespace: 'ns1', pod: 'p' } },
    { path: '/portForward/ns1/p/uid', want: { kind: 'portForward', namespace: 'ns1', pod: 'p' } },
    { path: '/stats/summary', want: { kind: 'statsSummary' } },
    { path: '/healthz', want: { kind: 'healthz' } },
    { path: '/containerLogs/default/web', want: undefined },
    { path: '/containerLogs/default/web/main/extra', want: undefined },
    { path: '/exec/default/web', want: undefined },
    { path: '/containerLogs/..%2F/web/main', want: undefined },
    { path: '/containerLogs/%2e%2e/web/main', want: undefined },
    { path: '/containerLogs/a/%E0%A4%A/c', want: undefined },
    { path: '/run/default/web/main', want: undefined },
    { path: '/pods', want: undefined },
    { path: '/', want: undefined },
  ];
  for (const c of cases) it(c.path, () => assert.deepEqual(parseKubeletPath(c.path), c.want));
  it('only exec, attach and port-forward are upgraded', () => {
    assert.deepEqual(
      (['containerLogs', 'exec', 'attach', 'portForward', 'statsSummary', 'healthz'] as const).map((kind) => isStreaming({ kind } as PodRoute)),
      [false, true, true, true, false, false],
    );
  });
});

describe('host subresources', () => {
  const host = { namespace: 'test-namespace', name: 'web-x-default-x-my-vcluster' };
  const base = '/api/v1/namespaces/test-namespace/pods/web-x-default-x-my-vcluster';
  const cases: { name: string; route: PodRoute; query: string; want: { path: string; query: string } }[] = [
    {
      name: 'logs keep the log options, add the container',
      route: { kind: 'containerLogs', namespace: 'default', pod: 'web', container: 'main' },
      query: 'follow=true&previous=true&tailLines=10&sinceSeconds=5&timestamps=true&limitBytes=9&unknown=1',
      want: { path: `${base}/log`, query: 'container=main&follow=true&previous=true&timestamps=true&sinceSeconds=5&tailLines=10&limitBytes=9' },
    },
    {
      name: "exec: the kubelet's input/output/error become stdin/stdout/stderr, commands kept in order",
      route: { kind: 'exec', namespace: 'default', pod: 'web', container: 'main' },
      query: 'command=sh&command=-c&command=echo+a+b&input=1&output=1&error=1&tty=0',
      want: { path: `${base}/exec`, query: 'container=main&stdin=true&stdout=true&stderr=true&command=sh&command=-c&command=echo+a+b' },
    },
    {
      name: 'attach with a tty',
      route: { kind: 'attach', namespace: 'default', pod: 'web', container: 'c' },
      query: 'input=1&output=1&tty=1&command=ignored',
      want: { path: `${base}/attach`, query: 'container=c&stdin=true&stdout=true&tty=true' },
    },
    {
      name: 'port-forward: port=a,b becomes ports=a&ports=b',
      route: { kind: 'portForward', namespace: 'default', pod: 'web' },
      query: 'port=8080,9090',
      want: { path: `${base}/portforward`, query: 'ports=8080&ports=9090' },
    },
    {
      name: 'port-forward without ports (they come in the stream headers)',
      route: { kind: 'portForward', namespace: 'default', pod: 'web' },
      query: '',
      want: { path: `${base}/portforward`, query: '' },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(hostSubresource(c.route, new URLSearchParams(c.query), host), c.want));
  it('escapes names', () => {
    assert.equal(hostSubresource({ kind: 'portForward', namespace: 'a', pod: 'b' }, new URLSearchParams(), { namespace: 'n s', name: 'x/y' }).path, '/api/v1/namespaces/n%20s/pods/x%2Fy/portforward');
  });
});

describe('node kubelet addresses', () => {
  const names = ['kwok-node-0', 'kwok-node-1', '10.201.7.2', 'worker.example.com', 'n'];
  for (const n of names) {
    it(`${n}: a 127/8 address outside 127.0.0.0/24, stable`, () => {
      const a = nodeKubeletAddress(n);
      assert.match(a, /^127\.([1-9]\d{0,2})\.\d{1,3}\.\d{1,3}$/);
      const octets = a.split('.').map(Number);
      assert.ok(octets.every((o) => o >= 0 && o <= 255));
      assert.ok(octets[3]! >= 1 && octets[3]! <= 254);
      assert.equal(nodeKubeletAddress(n), a);
    });
  }
  it('differs between nodes', () => assert.equal(new Set(names.map(nodeKubeletAddress)).size, names.length));
});

describe('simulated pods', () => {
  it('recognises kwok container IDs', () => {
    assert.equal(isSimulatedPod({ status: { containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: 0, containerID: 'kwok://c' }] } }), true);
    assert.equal(isSimulatedPod({ status: { containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: 0, containerID: 'containerd://abc' }] } }), false);
    assert.equal(isSimulatedPod({}), false);
  });
  it("replaces the tenant's command with the fixed echo", () => {
    const q = new URLSearchParams(simulatedExecQuery('container=c&stdout=true&command=rm&command=-rf&command=%2F'));
    assert.deepEqual(q.getAll('command'), ['echo', SIMULATED_EXEC_MESSAGE]);
    assert.equal(q.get('container'), 'c');
    assert.equal(q.get('stdout'), 'true');
  });
});
