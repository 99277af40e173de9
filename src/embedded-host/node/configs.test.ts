import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  cniConflist,
  containerdConfig,
  kubeProxyConfig,
  kubeletConfig,
  podResolvConf,
  type NodeBinaries,
} from './configs.js';
import { KUBELET_PORT, PAUSE_IMAGE, REAL_NODE_TAINT, realNodeLayout } from './layout.js';

const DATA_DIR = '/root/.vcluster-ts/host';
const BINS: NodeBinaries = { runc: '/usr/sbin/runc', cniBinDir: '/usr/lib/cni' };
const LAYOUTS = [1, 2, 8].map((i) => ({ name: `node ${i}`, l: realNodeLayout(DATA_DIR, i) }));

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

type TomlValue = string | boolean | number | string[];

/**
 * Just enough TOML for containerd's config as configs.ts writes it: `[table]` headers and
 * `key = value` lines whose value is a basic ("…") or literal ('…') string, a boolean, an integer or
 * an array of basic strings. Returns table → key → value ('' is the root table).
 */
function parseToml(text: string): Map<string, Map<string, TomlValue>> {
  const tables = new Map<string, Map<string, TomlValue>>([['', new Map()]]);
  let current = tables.get('')!;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      assert.ok(!tables.has(header[1]!), `table ${header[1]} defined twice`);
      current = new Map();
      tables.set(header[1]!, current);
      continue;
    }
    const kv = /^([A-Za-z0-9_]+) = (.+)$/.exec(line);
    assert.ok(kv, `not a key = value line: ${line}`);
    const key = kv[1]!;
    assert.ok(!current.has(key), `key ${key} set twice`);
    current.set(key, parseValue(kv[2]!));
  }
  return tables;
}

function parseValue(v: string): TomlValue {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?\d+$/.test(v)) return Number(v);
  if (v.startsWith("'")) {
    assert.ok(v.endsWith("'") && v.length >= 2, `literal string ${v}`);
    return v.slice(1, -1);
  }
  const parsed: unknown = JSON.parse(v);
  if (typeof parsed === 'string') return parsed;
  assert.ok(Array.isArray(parsed) && parsed.every((s) => typeof s === 'string'), `array of strings ${v}`);
  return parsed;
}

function get(t: Map<string, Map<string, TomlValue>>, table: string, key: string): TomlValue | undefined {
  return t.get(table)?.get(key);
}

const CRI = "plugins.'io.containerd.cri.v1.runtime'";

describe('containerdConfig', () => {
  for (const { name, l } of LAYOUTS) {
    const text = containerdConfig(l, BINS);
    const toml = parseToml(text);

    it(`${name}: version 3 with root and state in the node dir`, () => {
      assert.equal(get(toml, '', 'version'), 3);
      assert.equal(get(toml, '', 'root'), l.dirs.containerdRoot);
      assert.equal(get(toml, '', 'state'), l.dirs.containerdState);
      assert.equal(get(toml, 'grpc', 'address'), l.files.containerdSocket);
      assert.equal(get(toml, 'ttrpc', 'address'), `${l.files.containerdSocket}.ttrpc`);
    });

    it(`${name}: no negative oom_score_adj, the local pause image as sandbox`, () => {
      assert.equal(get(toml, CRI, 'restrict_oom_score_adj'), true);
      assert.ok(text.split('\n').some((line) => line.trim() === 'restrict_oom_score_adj = true'));
      assert.equal(get(toml, "plugins.'io.containerd.cri.v1.images'.pinned_images", 'sandbox'), PAUSE_IMAGE);
    });

    it(`${name}: runc from the given binary, its root in the node's namespace, cgroupfs`, () => {
      const opts = `${CRI}.containerd.runtimes.runc.options`;
      assert.equal(get(toml, opts, 'BinaryName'), BINS.runc);
      assert.equal(get(toml, opts, 'Root'), l.nsDirs.runcRoot);
      assert.equal(get(toml, opts, 'SystemdCgroup'), false);
      assert.equal(get(toml, `${CRI}.containerd`, 'default_runtime_name'), 'runc');
      assert.equal(get(toml, `${CRI}.containerd.runtimes.runc`, 'runtime_type'), 'io.containerd.runc.v2');
      assert.equal(get(toml, "plugins.'io.containerd.shim.v1.manager'", 'socket_dir'), l.nsDirs.shimSockets);
    });

    it(`${name}: CNI from the given plugins and the node's conf dir`, () => {
      assert.deepEqual(get(toml, `${CRI}.cni`, 'bin_dirs'), [BINS.cniBinDir]);
      assert.equal(get(toml, `${CRI}.cni`, 'conf_dir'), l.dirs.cniConf);
      assert.deepEqual(get(toml, CRI, 'cdi_spec_dirs'), [l.dirs.cdi]);
    });

    it(`${name}: every path is the node's (node dir, namespace-only dirs, or the given binaries)`, () => {
      const allowed = (p: string): boolean =>
        under(p, l.dir) ||
        p === l.nsDirs.runcRoot ||
        p === l.nsDirs.shimSockets ||
        p === BINS.runc ||
        p === BINS.cniBinDir;
      const paths = [...toml.values()]
        .flatMap((kv) => [...kv.values()].flatMap((v) => (Array.isArray(v) ? v : [v])))
        .filter((v): v is string => typeof v === 'string' && v.startsWith('/'));
      assert.ok(paths.length >= 8, `found ${paths.length} paths`);
      for (const p of paths) assert.ok(allowed(p), `${p} is not the node's`);
      // containerd's defaults (the node's own socket is <node dir>/run/containerd.sock, hence the quote)
      assert.doesNotMatch(text, /["'[]\/run\/containerd/);
      assert.doesNotMatch(text, /\/var\/lib\/containerd/);
      for (const p of paths) assert.ok(!under(p, '/run/containerd') && !under(p, '/var/lib/containerd'), p);
    });

    it(`${name}: the stream server listens on loopback only`, () => {
      assert.equal(get(toml, "plugins.'io.containerd.grpc.v1.cri'", 'stream_server_address'), '127.0.0.1');
    });
  }
});

interface KubeletConfig {
  apiVersion: string;
  kind: string;
  failCgroupV1: boolean;
  cgroupDriver: string;
  cgroupRoot: string;
  containerRuntimeEndpoint: string;
  imageServiceEndpoint: string;
  address: string;
  port: number;
  readOnlyPort: number;
  healthzBindAddress: string;
  authentication: {
    anonymous: { enabled: boolean };
    webhook: { enabled: boolean };
    x509: { clientCAFile: string };
  };
  authorization: { mode: string };
  resolvConf: string;
  podLogsDir: string;
  registerWithTaints: { key: string; value: string; effect: string }[];
}

describe('kubeletConfig', () => {
  const ca = '/root/.vcluster-ts/host/pki/ca.crt';
  for (const { name, l } of LAYOUTS) {
    const cfg = parse(kubeletConfig(l, ca)) as KubeletConfig;

    it(`${name}: a KubeletConfiguration`, () => {
      assert.equal(cfg.apiVersion, 'kubelet.config.k8s.io/v1beta1');
      assert.equal(cfg.kind, 'KubeletConfiguration');
    });

    it(`${name}: only authenticated, authorised callers`, () => {
      assert.equal(cfg.authentication.anonymous.enabled, false);
      assert.equal(cfg.authentication.webhook.enabled, true);
      assert.equal(cfg.authentication.x509.clientCAFile, ca);
      assert.equal(cfg.authorization.mode, 'Webhook');
      assert.equal(cfg.readOnlyPort, 0);
    });

    it(`${name}: cgroup v1 with cgroupfs, pods below the layout's pods cgroup`, () => {
      assert.equal(cfg.failCgroupV1, false);
      assert.equal(cfg.cgroupDriver, 'cgroupfs');
      assert.equal(cfg.cgroupRoot, l.podsCgroup);
    });

    it(`${name}: serves on the node IP, talks to the node's containerd`, () => {
      assert.equal(cfg.address, l.nodeIp);
      assert.equal(cfg.port, KUBELET_PORT);
      assert.equal(cfg.healthzBindAddress, '127.0.0.1');
      assert.equal(cfg.containerRuntimeEndpoint, `unix://${l.files.containerdSocket}`);
      assert.equal(cfg.imageServiceEndpoint, `unix://${l.files.containerdSocket}`);
    });

    it(`${name}: resolv.conf and pod logs in the node dir`, () => {
      assert.equal(cfg.resolvConf, l.files.podResolvConf);
      assert.ok(under(cfg.resolvConf, l.dir));
      assert.equal(cfg.podLogsDir, l.dirs.podLogs);
      assert.ok(under(cfg.podLogsDir, l.dir));
    });

    it(`${name}: registers with the PreferNoSchedule real-node taint`, () => {
      assert.deepEqual(cfg.registerWithTaints, [
        { key: REAL_NODE_TAINT, value: 'true', effect: 'PreferNoSchedule' },
      ]);
    });
  }
});

interface KubeProxyConfig {
  kind: string;
  clientConnection: { kubeconfig: string };
  hostnameOverride: string;
  mode: string;
  bindAddress: string;
  nodePortAddresses: string[];
  conntrack: { maxPerCore: number; min: number; tcpEstablishedTimeout: string; tcpCloseWaitTimeout: string };
}

describe('kubeProxyConfig', () => {
  for (const { name, l } of LAYOUTS) {
    const cfg = parse(kubeProxyConfig(l)) as KubeProxyConfig;

    it(`${name}: named like the node, iptables mode, its own kubeconfig`, () => {
      assert.equal(cfg.kind, 'KubeProxyConfiguration');
      assert.equal(cfg.hostnameOverride, l.name);
      assert.equal(cfg.mode, 'iptables');
      assert.equal(cfg.clientConnection.kubeconfig, l.files.kubeProxyKubeconfig);
      assert.equal(cfg.bindAddress, l.nodeIp);
      assert.deepEqual(cfg.nodePortAddresses, [`${l.nodeIp}/32`]);
    });

    it(`${name}: leaves the machine's conntrack sysctls alone`, () => {
      assert.deepEqual(cfg.conntrack, {
        maxPerCore: 0,
        min: 0,
        tcpEstablishedTimeout: '0s',
        tcpCloseWaitTimeout: '0s',
      });
    });
  }
});

interface Conflist {
  cniVersion: string;
  name: string;
  plugins: { type: string; ipam?: { type: string; dataDir: string; ranges: { subnet: string }[][] } }[];
}

describe('cniConflist', () => {
  for (const { name, l } of LAYOUTS) {
    it(`${name}: valid JSON, a bridge with host-local IPAM on the node's pod CIDR`, () => {
      const text = cniConflist(l);
      assert.ok(text.endsWith('\n'));
      const list = JSON.parse(text) as Conflist;
      assert.equal(list.cniVersion, '1.0.0');
      assert.deepEqual(
        list.plugins.map((p) => p.type),
        ['bridge', 'portmap'],
      );
      const ipam = list.plugins[0]!.ipam!;
      assert.equal(ipam.type, 'host-local');
      assert.deepEqual(ipam.ranges, [[{ subnet: l.podCidr }]]);
      assert.equal(ipam.dataDir, l.dirs.cniIpam);
      assert.ok(under(ipam.dataDir, l.dir));
    });
  }
});

describe('podResolvConf', () => {
  it('names loopback as the only nameserver, nothing else', () => {
    const lines = podResolvConf()
      .split('\n')
      .filter((line) => line.trim() !== '');
    assert.deepEqual(lines, ['nameserver 127.0.0.1']);
  });
});
