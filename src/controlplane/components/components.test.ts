import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildApiServer } from './apiserver.js';
import { buildControllerManager, HOST_CONTROLLERS, VIRTUAL_CONTROLLERS } from './controller-manager.js';
import { buildEtcd } from './etcd.js';
import { buildKwok } from './kwok.js';
import { buildScheduler } from './scheduler.js';
import { mergeArgs } from './spec.js';

const pki = {
  clientCa: '/d/pki/client-ca.crt',
  servingCert: '/d/pki/apiserver.crt',
  servingKey: '/d/pki/apiserver.key',
  frontProxyCa: '/d/pki/front-proxy-ca.crt',
  frontProxyClientCert: '/d/pki/front-proxy-client.crt',
  frontProxyClientKey: '/d/pki/front-proxy-client.key',
  saPub: '/d/pki/sa.pub',
  saKey: '/d/pki/sa.key',
};

describe('mergeArgs', () => {
  const cases = [
    { name: 'no extras', defaults: ['--a=1', '--b=2'], extra: [], want: ['--a=1', '--b=2'] },
    { name: 'replaces a flag', defaults: ['--a=1', '--b=2'], extra: ['--a=9'], want: ['--b=2', '--a=9'] },
    { name: 'appends new flags', defaults: ['--a=1'], extra: ['--c=3'], want: ['--a=1', '--c=3'] },
    { name: 'boolean flag replaces', defaults: ['--x', '--a=1'], extra: ['--x=false'], want: ['--a=1', '--x=false'] },
    { name: 'keeps positional extras', defaults: ['--a=1'], extra: ['pos'], want: ['--a=1', 'pos'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(mergeArgs(c.defaults, c.extra), c.want));
});

describe('buildApiServer', () => {
  const base = {
    binary: '/bin/kube-apiserver',
    etcdServers: 'unix:///d/kine.sock',
    securePort: 6443,
    serviceCidr: '10.96.0.0/12',
    certDir: '/d/certs',
    pki,
  };
  const cases: { name: string; extra?: string[]; mode?: string; domain?: string; admission?: string; has: string[]; lacks?: string[] }[] = [
    {
      name: 'vCluster defaults on loopback',
      has: [
        '--etcd-servers=unix:///d/kine.sock',
        '--bind-address=127.0.0.1',
        '--secure-port=6443',
        '--advertise-address=127.0.0.1',
        '--endpoint-reconciler-type=none',
        '--service-cluster-ip-range=10.96.0.0/12',
        '--authorization-mode=RBAC',
        '--client-ca-file=/d/pki/client-ca.crt',
        '--requestheader-allowed-names=front-proxy-client',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-account-signing-key-file=/d/pki/sa.key',
        '--cert-dir=/d/certs',
        '--profiling=false',
      ],
      lacks: ['--admission-control-config-file'],
    },
    {
      name: 'admission config file (a vcluster\'s Pod Security Standard)',
      admission: '/d/admission-config.yaml',
      has: ['--admission-control-config-file=/d/admission-config.yaml'],
    },
    { name: 'authorization mode', mode: 'Node,RBAC', has: ['--authorization-mode=Node,RBAC'], lacks: ['--authorization-mode=RBAC'] },
    { name: 'cluster domain', domain: 'corp.local', has: ['--service-account-issuer=https://kubernetes.default.svc.corp.local'] },
    {
      name: 'extra args override',
      extra: ['--profiling=true', '--v=4'],
      has: ['--profiling=true', '--v=4'],
      lacks: ['--profiling=false'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const spec = buildApiServer({
        ...base,
        ...(c.extra ? { extraArgs: c.extra } : {}),
        ...(c.mode ? { authorizationMode: c.mode } : {}),
        ...(c.domain ? { clusterDomain: c.domain } : {}),
        ...(c.admission ? { admissionConfigFile: c.admission } : {}),
      });
      for (const a of c.has) assert.ok(spec.args.includes(a), `missing ${a}`);
      for (const a of c.lacks ?? []) assert.ok(!spec.args.some((x) => x === a || x.startsWith(`${a}=`)), `unexpected ${a}`);
      assert.equal(spec.command, '/bin/kube-apiserver');
      assert.deepEqual(spec.readiness, { kind: 'http', url: 'https://127.0.0.1:6443/readyz', caFile: pki.clientCa });
    });
  }
});

describe('buildControllerManager', () => {
  const base = {
    binary: '/bin/kcm',
    kubeconfig: '/d/pki/controller-manager.conf',
    securePort: 10257,
    serviceCidr: '10.96.0.0/12',
    certDir: '/d/certs',
    pki: { clientCa: '/c', serverCa: '/s', serverCaKey: '/sk', frontProxyCa: '/f', saKey: '/sa' },
  };
  const cases = [
    { name: 'virtual turns off kubelet-bound controllers', mode: 'virtual' as const, controllers: VIRTUAL_CONTROLLERS, grace: '--node-monitor-grace-period=180s' },
    { name: 'host keeps node lifecycle', mode: 'host' as const, controllers: HOST_CONTROLLERS, grace: '--node-monitor-grace-period=40s' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const spec = buildControllerManager({ ...base, mode: c.mode });
      assert.ok(spec.args.includes(`--controllers=${c.controllers}`));
      assert.ok(spec.args.includes(c.grace));
      assert.ok(spec.args.includes('--bind-address=127.0.0.1'));
      assert.ok(spec.args.includes('--use-service-account-credentials=true'));
      assert.ok(spec.args.includes('--service-account-private-key-file=/sa'));
      assert.ok(spec.args.includes('--kube-api-qps=100') && spec.args.includes('--kube-api-burst=200'));
    });
  }
  it('extraArgs replace the API client limits', () => {
    const spec = buildControllerManager({ ...base, mode: 'virtual', extraArgs: ['--kube-api-qps=20'] });
    assert.deepEqual(spec.args.filter((a) => a.startsWith('--kube-api-qps')), ['--kube-api-qps=20']);
  });
  it('the virtual list disables exactly vCluster’s set', () => {
    assert.equal(
      VIRTUAL_CONTROLLERS,
      '*,-nodeipam,-nodelifecycle,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-cloud-node-lifecycle,-ttl',
    );
  });
});

describe('buildEtcd, buildScheduler, buildKwok', () => {
  it('etcd listens on loopback only, single member', () => {
    const spec = buildEtcd({ binary: '/bin/etcd', dataDir: '/d/etcd', clientPort: 2379, peerPort: 2380, memberName: 'host' });
    assert.ok(spec.args.includes('--listen-client-urls=http://127.0.0.1:2379'));
    assert.ok(spec.args.includes('--listen-peer-urls=http://127.0.0.1:2380'));
    assert.ok(spec.args.includes('--initial-cluster=host=http://127.0.0.1:2380'));
    assert.ok(!spec.args.some((a) => a.includes('0.0.0.0')));
    assert.ok(!spec.args.includes('--unsafe-no-fsync=true'));
    assert.deepEqual(spec.readiness, { kind: 'http', url: 'http://127.0.0.1:2379/health' });
  });
  it('etcd without fsync only when asked', () => {
    const spec = buildEtcd({ binary: 'e', dataDir: 'd', clientPort: 1, peerPort: 2, unsafeNoFsync: true });
    assert.ok(spec.args.includes('--unsafe-no-fsync=true'));
  });
  it('scheduler on loopback without leader election', () => {
    const spec = buildScheduler({ binary: 's', kubeconfig: '/k', securePort: 10259, certDir: '/c' });
    assert.deepEqual(spec.args.filter((a) => a.startsWith('--bind') || a.startsWith('--leader')), ['--bind-address=127.0.0.1', '--leader-elect=false']);
  });
  it('kwok manages only annotated nodes, with stages and leases', () => {
    const spec = buildKwok({ binary: 'k', kubeconfig: '/k', stagesFile: '/s.yaml', cidr: '10.244.0.0/16', serverPort: 1234 });
    assert.ok(spec.args.includes('--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake'));
    assert.ok(spec.args.includes('--config=/s.yaml'));
    assert.ok(spec.args.includes('--node-lease-duration-seconds=40'));
    assert.ok(spec.args.includes('--server-address=127.0.0.1:1234'));
  });
});
