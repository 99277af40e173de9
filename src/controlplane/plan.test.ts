import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../config/index.js';
import { dataDir } from './datadir.js';
import { admissionConfigOf, controlPlaneComponents, virtualClusterPkiSpec } from './plan.js';

describe('virtualClusterPkiSpec', () => {
  it('takes the name, the first service IP, the cluster domain and the extra SANs', () => {
    const config = defaultConfig();
    const withSans = {
      ...config,
      networking: {
        ...config.networking,
        advanced: { ...config.networking.advanced, clusterDomain: 'example.org' },
      },
      controlPlane: {
        ...config.controlPlane,
        proxy: { ...config.controlPlane.proxy, extraSANs: ['vc.example.com'] },
      },
    };
    assert.deepEqual(virtualClusterPkiSpec('my-vc', '10.96.0.0/12', withSans), {
      name: 'my-vc',
      clusterDomain: 'example.org',
      serviceIp: '10.96.0.1',
      extraSans: ['vc.example.com'],
    });
  });
});

describe('admissionConfigOf', () => {
  const cases = [
    { name: 'default config → baseline', level: undefined, want: 'baseline' },
    { name: 'restricted', level: 'restricted', want: 'restricted' },
    { name: 'privileged', level: 'privileged', want: 'privileged' },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const config = defaultConfig();
      if (c.level) config.policies.podSecurityStandard = c.level;
      const got = admissionConfigOf(dataDir('/data/vc'), config);
      assert.equal(got.path, '/data/vc/admission-config.yaml');
      assert.match(got.text, new RegExp(`enforce: ${c.want}\\n`));
    });
  }

  it('the apiserver is pointed at that file', () => {
    const dir = dataDir('/data/vc');
    const specs = controlPlaneComponents({
      binaries: { path: (name: string) => `/bin/${name}` },
      cliArgv: ['node', 'vcluster'],
      dir,
      config: defaultConfig(),
      ports: { apiServer: 6443, controllerManager: 10257 },
      serviceCidr: '10.96.0.0/12',
    });
    const apiserver = specs.find((s) => s.name === 'kube-apiserver');
    assert.ok(apiserver?.args.includes('--admission-control-config-file=/data/vc/admission-config.yaml'));
  });
});
