import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.js';
import { controlPlaneImages, imageRef } from './image-refs.js';

describe('imageRef', () => {
  const D = 'vcluster-ts.local/vcluster-ts:0.1.0';
  const cases: { name: string; parts: { registry: string; repository: string; tag: string }; want: string }[] = [
    { name: 'nothing set: the built image', parts: { registry: '', repository: '', tag: '' }, want: D },
    { name: 'a registry keeps repository and tag', parts: { registry: 'registry.example.com:5000', repository: '', tag: '' }, want: 'registry.example.com:5000/vcluster-ts:0.1.0' },
    { name: 'registry and repository', parts: { registry: 'ghcr.io', repository: 'team/vcluster-ts', tag: '' }, want: 'ghcr.io/team/vcluster-ts:0.1.0' },
    { name: 'a repository alone drops the local registry', parts: { registry: '', repository: 'team/vcluster-ts', tag: 'dev' }, want: 'team/vcluster-ts:dev' },
    { name: 'only a tag', parts: { registry: '', repository: '', tag: '0.2.0' }, want: 'vcluster-ts.local/vcluster-ts:0.2.0' },
    { name: 'a trailing slash on the registry', parts: { registry: 'r.example/', repository: 'x', tag: '1' }, want: 'r.example/x:1' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(imageRef(D, c.parts), c.want));
});

describe('controlPlaneImages', () => {
  it('the built images, never pulled on the embedded host', () => {
    const r = controlPlaneImages(defaultConfig(), true);
    assert.deepEqual(r, { controlPlane: 'vcluster-ts.local/vcluster-ts:0.1.0', kubernetes: 'vcluster-ts.local/kubernetes:v1.36.3', pullPolicy: 'Never', builtIn: { controlPlane: true, kubernetes: true } });
  });
  it('IfNotPresent on another cluster; custom images are not built-in', () => {
    const c = defaultConfig();
    c.controlPlane.statefulSet.image.registry = 'registry.example.com';
    c.controlPlane.distro.k8s.image.tag = 'v1.36.3-custom';
    const r = controlPlaneImages(c, false);
    assert.equal(r.pullPolicy, 'IfNotPresent');
    assert.equal(r.controlPlane, 'registry.example.com/vcluster-ts:0.1.0');
    assert.equal(r.kubernetes, 'vcluster-ts.local/kubernetes:v1.36.3-custom');
    assert.deepEqual(r.builtIn, { controlPlane: false, kubernetes: false });
  });
});
