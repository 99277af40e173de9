import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../config/index.js';
import { virtualClusterPkiSpec } from './plan.js';

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
