import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  cacheKey,
  expectedVersion,
  groupCacheKey,
  groupOf,
  parseContainerdVersion,
  parseCorednsVersion,
  parsePinnedVersions,
  versionArgs,
  parseVersionOutput,
} from './versions.js';

const goMod = `module x

go 1.26.0

require (
\tgo.etcd.io/etcd/etcdctl/v3 v3.6.16 // indirect
\tgo.etcd.io/etcd/server/v3 v3.6.16 // indirect
\tk8s.io/kubernetes v1.36.3 // indirect
\tsigs.k8s.io/kwok v0.8.0 // indirect
)
`;

describe('parsePinnedVersions', () => {
  it('reads the three modules', () => {
    assert.deepEqual(parsePinnedVersions(goMod), { kubernetes: 'v1.36.3', kwok: 'v0.8.0', etcd: 'v3.6.16' });
  });
  it('reads a single-line require', () => {
    const v = parsePinnedVersions(
      'require k8s.io/kubernetes v1.36.1\nrequire sigs.k8s.io/kwok v0.8.0\nrequire go.etcd.io/etcd/server/v3 v3.6.1\n',
    );
    assert.equal(v.kubernetes, 'v1.36.1');
  });
  it('names the missing module and file', () => {
    assert.throws(() => parsePinnedVersions('module x\n', 'deps/kubernetes/go.mod'), {
      message: 'deps/kubernetes/go.mod: no requirement for k8s.io/kubernetes',
    });
  });
});

describe('cacheKey', () => {
  it('joins the versions', () => {
    assert.equal(cacheKey(parsePinnedVersions(goMod)), 'k8s-v1.36.3-kwok-v0.8.0-etcd-v3.6.16');
  });
});

describe('parseVersionOutput', () => {
  const cases = [
    { name: 'kube-apiserver', out: 'Kubernetes v1.36.3\n', want: 'v1.36.3' },
    { name: 'kubectl', out: 'Client Version: v1.36.3\nKustomize Version: v5.8.1\n', want: 'v1.36.3' },
    { name: 'etcd', out: 'etcd Version: 3.6.16\nGit SHA: GitNotFound\n', want: 'v3.6.16' },
    { name: 'kwok', out: 'kwok version v0.8.0 go1.26.8 (linux/amd64)', want: 'v0.8.0' },
    { name: 'unstamped', out: 'Kubernetes v0.0.0-master+$Format:%H$', want: 'v0.0.0-master' },
    { name: 'garbage', out: 'no version here', want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(parseVersionOutput(c.out), c.want));
});

describe('binary groups', () => {
  const v = { kubernetes: 'v1.36.3', kwok: 'v0.8.0', etcd: 'v3.6.16', containerd: 'v2.4.2', coredns: 'v1.14.2' };
  const cases = [
    { name: 'kubelet', group: 'kubernetes', version: 'v1.36.3' },
    { name: 'kube-proxy', group: 'kubernetes', version: 'v1.36.3' },
    { name: 'containerd', group: 'containerd', version: 'v2.4.2' },
    { name: 'containerd-shim-runc-v2', group: 'containerd', version: 'v2.4.2' },
    { name: 'ctr', group: 'containerd', version: 'v2.4.2' },
    { name: 'etcdctl', group: 'kubernetes', version: 'v3.6.16' },
    { name: 'coredns', group: 'coredns', version: 'v1.14.2' },
  ] as const;
  for (const c of cases) {
    it(`${c.name} is built by deps/${c.group} and reports ${c.version}`, () => {
      assert.equal(groupOf(c.name), c.group);
      assert.equal(expectedVersion(c.name, v), c.version);
    });
  }
  it('keys the containerd cache by its own version', () => {
    assert.equal(groupCacheKey('containerd', v), 'containerd-v2.4.2');
    assert.equal(groupCacheKey('coredns', v), 'coredns-v1.14.2');
    assert.equal(groupCacheKey('kubernetes', v), 'k8s-v1.36.3-kwok-v0.8.0-etcd-v3.6.16');
  });
  it('reads the containerd pin', () => {
    assert.equal(parseContainerdVersion('require github.com/containerd/containerd/v2 v2.4.2\n'), 'v2.4.2');
    assert.throws(() => parseContainerdVersion('module x\n', 'deps/containerd/go.mod'), {
      message: 'deps/containerd/go.mod: no requirement for github.com/containerd/containerd/v2',
    });
  });
  it('reads the coredns pin and its version line', () => {
    assert.equal(parseCorednsVersion('require github.com/coredns/coredns v1.14.2\n'), 'v1.14.2');
    assert.equal(parseVersionOutput('CoreDNS-1.14.2\nlinux/amd64, go1.26.8, v1.14.2\n'), 'v1.14.2');
    assert.deepEqual(versionArgs('coredns'), ['-version']);
  });
  it('parses containerd version lines', () => {
    assert.equal(parseVersionOutput('containerd github.com/containerd/containerd/v2 v2.4.2 \n'), 'v2.4.2');
  });
});
