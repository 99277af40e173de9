import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Ingress } from '../../k8s/types.js';
import { identity, markers, ownerRefs, options } from '../shared/testing.js';
import { ingressSecretRefs, toHostIngress } from './translate.js';

const h = (name: string, ns = 'default'): string => `${name}-x-${ns}-x-my-vcluster`;

const web: Ingress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'default', uid: 'ing-uid', labels: { app: 'web' } },
  spec: {
    ingressClassName: 'nginx',
    defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
    tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }, { hosts: ['x.example.com'] }],
    rules: [
      {
        host: 'web.example.com',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } },
            { path: '/static', pathType: 'Prefix', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'assets' } } },
          ],
        },
      },
    ],
  },
};

describe('toHostIngress', () => {
  it('translates backends and TLS secrets, keeps ingressClassName and hosts', () => {
    const before = structuredClone(web);
    const host = toHostIngress(web, options);
    assert.deepEqual(web, before, 'input not mutated');
    assert.deepEqual(host, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: h('web'),
        namespace: 'test-namespace',
        labels: { app: 'web', ...markers('default') },
        annotations: identity('Ingress', 'web', 'default', 'ing-uid', 'networking.k8s.io'),
        ownerReferences: ownerRefs,
      },
      spec: {
        ingressClassName: 'nginx',
        defaultBackend: { service: { name: h('fallback'), port: { number: 80 } } },
        tls: [{ hosts: ['web.example.com'], secretName: h('web-tls') }, { hosts: ['x.example.com'] }],
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: h('web'), port: { name: 'http' } } } },
                { path: '/static', pathType: 'Prefix', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: h('assets') } } },
              ],
            },
          },
        ],
      },
    });
  });

  const annotationCases: { name: string; value: string; want: string }[] = [
    { name: 'a Secret in the Ingress namespace', value: 'basic-auth', want: h('basic-auth') },
    { name: 'namespace/name', value: 'auth/basic-auth', want: `test-namespace/${h('basic-auth', 'auth')}` },
    { name: 'not a Secret reference: kept', value: 'a/b/c', want: 'a/b/c' },
  ];
  for (const c of annotationCases)
    it(`nginx auth-secret annotation: ${c.name}`, () => {
      const host = toHostIngress({ ...web, metadata: { ...web.metadata, annotations: { 'nginx.ingress.kubernetes.io/auth-secret': c.value, other: 'kept' } } }, options);
      assert.equal(host.metadata?.annotations?.['nginx.ingress.kubernetes.io/auth-secret'], c.want);
      assert.equal(host.metadata?.annotations?.other, 'kept');
    });
});

describe('ingressSecretRefs', () => {
  const cases: { name: string; ingress: Ingress; want: { namespace: string; name: string }[] }[] = [
    { name: 'TLS secrets', ingress: web, want: [{ namespace: 'default', name: 'web-tls' }] },
    {
      name: 'TLS and annotation secrets, deduplicated',
      ingress: {
        ...web,
        metadata: {
          ...web.metadata,
          annotations: {
            'nginx.ingress.kubernetes.io/auth-secret': 'web-tls',
            'nginx.ingress.kubernetes.io/auth-tls-secret': 'certs/ca',
            'nginx.ingress.kubernetes.io/proxy-ssl-secret': 'default/upstream',
          },
        },
      },
      want: [
        { namespace: 'default', name: 'web-tls' },
        { namespace: 'certs', name: 'ca' },
        { namespace: 'default', name: 'upstream' },
      ],
    },
    { name: 'none', ingress: { metadata: { name: 'x', namespace: 'default' }, spec: {} }, want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(ingressSecretRefs(c.ingress), c.want));
});
