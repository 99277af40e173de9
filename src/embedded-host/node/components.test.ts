import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { nodeAgentSpec, nodeDaemonSpecs } from './components.js';
import { MAX_REAL_NODES, NODE_TYPE_LABEL, realNodeLayout } from './layout.js';

const DATA_DIR = '/root/.vcluster-ts/host';
const UNSHARE = '/usr/bin/unshare';
const BINS = { path: (n: string): string => `/root/.cache/vcluster-ts/bin/${n}` };

/** The value of `--flag value` in argv. */
function valueAfter(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

describe('nodeAgentSpec', () => {
  const cases = [
    { name: 'plain CLI', index: 1, cliArgv: ['/usr/bin/node', '/work/main/bin/vcluster.js'], rootPid: 101 },
    {
      name: 'with global flags',
      index: 2,
      cliArgv: ['/usr/bin/node', '/work/main/bin/vcluster.js', '--log-level', 'debug'],
      rootPid: 202,
    },
    {
      name: 'last node',
      index: MAX_REAL_NODES,
      cliArgv: ['/opt/node/bin/node', '/opt/vcluster/bin/vcluster.js'],
      rootPid: 303,
    },
  ];
  for (const c of cases) {
    const l = realNodeLayout(DATA_DIR, c.index);
    const spec = nodeAgentSpec({
      layout: l,
      unshare: UNSHARE,
      cliArgv: c.cliArgv,
      hostDataDir: DATA_DIR,
      rootPid: c.rootPid,
    });

    it(`${c.name}: unshare --net --mount --propagation slave -- <cli> host node-agent`, () => {
      assert.equal(spec.name, `node-${c.index}`);
      assert.equal(spec.command, UNSHARE);
      assert.deepEqual(spec.args.slice(0, 5), ['--net', '--mount', '--propagation', 'slave', '--']);
      assert.deepEqual(spec.args.slice(5, 5 + c.cliArgv.length), c.cliArgv);
      assert.deepEqual(spec.args.slice(5 + c.cliArgv.length, 7 + c.cliArgv.length), ['host', 'node-agent']);
    });

    it(`${c.name}: names the data dir, the node and the root pid`, () => {
      assert.equal(valueAfter(spec.args, '--data-dir'), DATA_DIR);
      assert.equal(valueAfter(spec.args, '--node'), String(c.index));
      assert.equal(valueAfter(spec.args, '--root-pid'), String(c.rootPid));
    });

    it(`${c.name}: ready once the layout's ready file exists`, () => {
      assert.deepEqual(spec.readiness, { kind: 'file', path: l.files.readyFile });
      assert.equal(spec.readyTimeoutMs, 180_000);
    });

    it(`${c.name}: its argv contains the host data dir (leftovers are recognised)`, () => {
      assert.ok(spec.args.some((a) => a.includes(DATA_DIR)));
    });
  }

  it('takes a custom ready timeout', () => {
    const spec = nodeAgentSpec({
      layout: realNodeLayout(DATA_DIR, 1),
      unshare: UNSHARE,
      cliArgv: ['/usr/bin/node', '/x/vcluster.js'],
      hostDataDir: DATA_DIR,
      rootPid: 1,
      readyTimeoutMs: 5_000,
    });
    assert.equal(spec.readyTimeoutMs, 5_000);
  });
});

describe('nodeDaemonSpecs', () => {
  for (const index of [1, 2, MAX_REAL_NODES]) {
    const l = realNodeLayout(DATA_DIR, index);
    const specs = nodeDaemonSpecs(l, BINS);
    const daemons = [
      { key: 'containerd', spec: specs.containerd, name: 'containerd' },
      { key: 'kubelet', spec: specs.kubelet, name: 'kubelet' },
      { key: 'kubeProxy', spec: specs.kubeProxy, name: 'kube-proxy' },
    ];

    for (const d of daemons) {
      it(`node ${index} ${d.key}: runs the located binary with the node dir in its argv`, () => {
        assert.equal(d.spec.name, d.name);
        assert.equal(d.spec.command, BINS.path(d.name));
        assert.ok(
          d.spec.args.some((a) => a.includes(`${l.dir}/`)),
          `${d.name} argv ${d.spec.args.join(' ')} carries the supervisor's marker ${l.dir}`,
        );
      });
    }

    it(`node ${index}: no daemon's argv names another node's dir`, () => {
      for (let other = 1; other <= MAX_REAL_NODES; other++) {
        if (other === index) continue;
        const otherDir = `${realNodeLayout(DATA_DIR, other).dir}/`;
        for (const d of daemons)
          assert.ok(!d.spec.args.some((a) => a.includes(otherDir)), `${d.name} vs node ${other}`);
      }
    });

    it(`node ${index} containerd: its config, its socket, shims on PATH`, () => {
      assert.deepEqual(specs.containerd.args, ['--config', l.files.containerdConfig]);
      assert.deepEqual(specs.containerd.readiness, { kind: 'unix-socket', path: l.files.containerdSocket });
      const path = specs.containerd.env?.PATH ?? '';
      assert.equal(path.split(':')[0], dirname(BINS.path('containerd-shim-runc-v2')));
      assert.ok(
        path.split(':').includes('/usr/sbin'),
        'runc and the CNI tools of the machine stay reachable',
      );
    });

    it(`node ${index} kubelet: named by its IP, labelled real, its own dirs`, () => {
      const args = specs.kubelet.args;
      assert.ok(args.includes(`--hostname-override=${l.nodeIp}`));
      assert.ok(args.includes(`--hostname-override=${l.name}`));
      assert.ok(args.includes(`--node-ip=${l.nodeIp}`));
      assert.ok(args.includes(`--node-labels=${NODE_TYPE_LABEL}=real`));
      assert.ok(args.includes(`--config=${l.files.kubeletConfig}`));
      assert.ok(args.includes(`--kubeconfig=${l.files.kubeletKubeconfig}`));
      assert.ok(args.includes(`--root-dir=${l.dirs.kubeletRoot}`));
      assert.deepEqual(specs.kubelet.readiness, { kind: 'http', url: 'http://127.0.0.1:10248/healthz' });
    });

    it(`node ${index} kube-proxy: its config, healthz on loopback`, () => {
      assert.ok(specs.kubeProxy.args.includes(`--config=${l.files.kubeProxyConfig}`));
      assert.deepEqual(specs.kubeProxy.readiness, { kind: 'http', url: 'http://127.0.0.1:10256/healthz' });
    });
  }
});
