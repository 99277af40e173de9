import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Service } from '../../k8s/types.js';
import {
  hostServiceRequest,
  nodePortsDiffer,
  withHostNodePorts,
  clusterIpDiffers,
  isKubernetesService,
  kubernetesEndpoints,
  kubernetesEndpointSlice,
  kubernetesServiceAction,
  kubernetesServiceSpec,
  syncService,
  toHostService,
  withHostAllocations,
} from './translate.js';
import { identity, markers, options, ownerRefs } from '../shared/testing.js';

function svc(spec: Service['spec'], extra: Partial<Service> = {}): Service {
  return { metadata: { name: 'web', namespace: 'default', uid: 'u' }, spec, ...extra };
}

describe('toHostService', () => {
  const cases: { name: string; virtual: Service; wantSpec: Service['spec'] }[] = [
    {
      name: 'selector translated and scoped, IPs cleared',
      virtual: svc({
        selector: { app: 'web', release: 'r' },
        clusterIP: '10.0.0.5',
        clusterIPs: ['10.0.0.5'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }],
        type: 'NodePort',
      }),
      wantSpec: {
        selector: {
          app: 'web',
          'vcluster.loft.sh/label-my-vcluster-x-a4d451ec23': 'r',
          ...markers('default'),
        },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        type: 'NodePort',
      },
    },
    {
      name: 'headless keeps clusterIP None',
      virtual: svc({ clusterIP: 'None', selector: { app: 'db' } }),
      wantSpec: { clusterIP: 'None', selector: { app: 'db', ...markers('default') } },
    },
    {
      name: 'selector-less service has no selector',
      virtual: svc({ ports: [{ port: 5432 }] }),
      wantSpec: { ports: [{ port: 5432 }] },
    },
    {
      name: 'ExternalName',
      virtual: svc({ type: 'ExternalName', externalName: 'example.com' }),
      wantSpec: { type: 'ExternalName', externalName: 'example.com' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.virtual);
      const got = toHostService(c.virtual, options);
      assert.deepEqual(got.spec, c.wantSpec);
      assert.equal(got.metadata?.name, 'web-x-default-x-my-vcluster');
      assert.deepEqual(c.virtual, before);
    });
  }
  it('metadata excludes field.cattle.io/publicEndpoints', () => {
    const got = toHostService(
      svc(
        {},
        {
          metadata: {
            name: 'web',
            namespace: 'default',
            annotations: { 'field.cattle.io/publicEndpoints': '[]', a: 'b' },
          },
        },
      ),
      options,
    );
    assert.deepEqual(got.metadata, {
      name: 'web-x-default-x-my-vcluster',
      namespace: 'test-namespace',
      labels: markers('default'),
      annotations: {
        a: 'b',
        'vcluster.loft.sh/managed-annotations': 'a',
        ...identity('Service', 'web', 'default'),
      },
      ownerReferences: ownerRefs,
    });
  });
});

describe('ClusterIP from the host', () => {
  const host = svc({
    clusterIP: '10.96.0.7',
    clusterIPs: ['10.96.0.7'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: [{ name: 'http', port: 80, nodePort: 31000 }],
  });
  const cases: { name: string; virtual: Service; want: boolean }[] = [
    { name: 'no IP yet', virtual: svc({}), want: true },
    { name: 'other IP', virtual: svc({ clusterIP: '10.0.0.1' }), want: true },
    { name: 'same IP', virtual: svc({ clusterIP: '10.96.0.7' }), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(clusterIpDiffers(c.virtual, host), c.want));
  it('host allocations copied into the virtual service', () => {
    const got = withHostAllocations(
      svc(
        { ports: [{ name: 'http', port: 80 }], type: 'NodePort' },
        { metadata: { name: 'web', namespace: 'default', uid: 'old', resourceVersion: '3' } },
      ),
      host,
    );
    assert.deepEqual(got, {
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        ports: [{ name: 'http', port: 80, nodePort: 31000 }],
        type: 'NodePort',
        clusterIP: '10.96.0.7',
        clusterIPs: ['10.96.0.7'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
    });
  });
});

describe('syncService', () => {
  const port80 = [{ port: 80 }];
  const port81 = [{ port: 81 }];
  const cases: {
    name: string;
    vOld?: Service;
    v: Service;
    hOld?: Service;
    h: Service;
    want: { vPorts: unknown; hPorts: unknown; hSelector?: unknown; vSelector?: unknown; vStatus?: unknown };
  }[] = [
    {
      name: 'virtual ports change goes to host',
      vOld: svc({ ports: port80 }),
      v: svc({ ports: port81 }),
      hOld: svc({ ports: port80 }),
      h: svc({ ports: port80 }),
      want: { vPorts: port81, hPorts: port81 },
    },
    {
      name: 'host ports change comes back',
      vOld: svc({ ports: port80 }),
      v: svc({ ports: port80 }),
      hOld: svc({ ports: port80 }),
      h: svc({ ports: port81 }),
      want: { vPorts: port81, hPorts: port81 },
    },
    {
      name: 'virtual selector change is translated onto the host',
      vOld: svc({ selector: { app: 'a' } }),
      v: svc({ selector: { app: 'b' } }),
      hOld: svc({ selector: { app: 'a', ...markers('default') } }),
      h: svc({ selector: { app: 'a', ...markers('default') } }),
      want: { vPorts: undefined, hPorts: undefined, hSelector: { app: 'b', ...markers('default') } },
    },
    {
      name: 'a host-only selector change is kept',
      vOld: svc({ selector: { app: 'a' } }),
      v: svc({ selector: { app: 'a' } }),
      hOld: svc({ selector: { app: 'a', ...markers('default') } }),
      h: svc({ selector: { app: 'custom' } }),
      want: {
        vPorts: undefined,
        hPorts: undefined,
        hSelector: { app: 'custom' },
        vSelector: { app: 'custom' },
      },
    },
    {
      name: 'a host-only selector change with hashed keys flows back translated',
      vOld: svc({ selector: { app: 'a' } }),
      v: svc({ selector: { app: 'a' } }),
      hOld: svc({ selector: { app: 'a', ...markers('default') } }),
      h: svc({ selector: { 'vcluster.loft.sh/label-my-vcluster-x-a4d451ec23': 'r', ...markers('default') } }),
      want: { vPorts: undefined, hPorts: undefined, vSelector: { release: 'r' } },
    },
    {
      name: 'status comes back; LB ingress cleared for ClusterIP services',
      vOld: svc({ type: 'ClusterIP' }),
      v: svc({ type: 'ClusterIP' }),
      hOld: svc({ type: 'ClusterIP' }),
      h: svc({ type: 'ClusterIP' }, { status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }),
      want: { vPorts: undefined, hPorts: undefined, vStatus: { loadBalancer: {} } },
    },
    {
      name: 'LoadBalancer status copied',
      vOld: svc({ type: 'LoadBalancer' }),
      v: svc({ type: 'LoadBalancer' }),
      hOld: svc({ type: 'LoadBalancer' }),
      h: svc({ type: 'LoadBalancer' }, { status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }),
      want: {
        vPorts: undefined,
        hPorts: undefined,
        vStatus: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = syncService({ virtualOld: c.vOld, virtual: c.v, hostOld: c.hOld, host: c.h }, options);
      assert.deepEqual(got.virtual.spec?.ports, c.want.vPorts);
      assert.deepEqual(got.host.spec?.ports, c.want.hPorts);
      if ('hSelector' in c.want) assert.deepEqual(got.host.spec?.selector, c.want.hSelector);
      if ('vSelector' in c.want) assert.deepEqual(got.virtual.spec?.selector, c.want.vSelector);
      if ('vStatus' in c.want) assert.deepEqual(got.virtual.status, c.want.vStatus);
    });
  }
});

describe('syncService housekeeping', () => {
  it('drops loadBalancerIP on non-LoadBalancer host services and the block-deletion guard', () => {
    const base = svc({ type: 'ClusterIP', loadBalancerIP: '1.2.3.4' });
    const host = {
      ...base,
      metadata: {
        name: 'web-x-default-x-my-vcluster',
        annotations: { 'vcluster.loft.sh/block-deletion': 'true', keep: 'k' },
      },
    };
    const got = syncService({ virtualOld: base, virtual: base, hostOld: host, host }, options);
    assert.equal(got.host.spec?.loadBalancerIP, undefined);
    assert.deepEqual(got.host.metadata?.annotations, { keep: 'k' });
  });
});

describe('kubernetesServiceAction', () => {
  const host = svc({
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    ports: [{ name: 'https', port: 443, targetPort: 8443, nodePort: 30443, protocol: 'TCP' }],
  });
  const cases: { name: string; virtual: Service; want: string }[] = [
    {
      name: 'in sync',
      virtual: svc({
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ports: [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }],
      }),
      want: 'none',
    },
    {
      name: 'other IP: recreate',
      virtual: svc({ clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [] }),
      want: 'recreate',
    },
    {
      name: 'ports differ: update',
      virtual: svc({
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ports: [{ name: 'https', port: 443 }],
      }),
      want: 'update',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(kubernetesServiceAction(c.virtual, host), c.want));
});

describe('default/kubernetes', () => {
  it('mirrors the vcluster host service IPs and ports, minus kubelet and nodePorts', () => {
    const host = svc({
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'https', port: 443, targetPort: 8443, nodePort: 30443 },
        { name: 'kubelet', port: 10250, targetPort: 8443 },
      ],
    });
    const virtual = {
      metadata: { name: 'kubernetes', namespace: 'default' },
      spec: { clusterIP: '10.0.0.1', ports: [{ name: 'https', port: 443 }] },
    };
    assert.deepEqual(kubernetesServiceSpec(virtual, host).spec, {
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, targetPort: 8443 }],
    });
  });
  it('endpoints keep not-ready addresses and every subset (empty lists omitted)', () => {
    const got = kubernetesEndpoints({
      metadata: { name: 'my-vcluster', namespace: 'test-namespace' },
      subsets: [
        { notReadyAddresses: [{ ip: '10.244.0.9', hostname: 'h' }], ports: [{ name: 'https', port: 8443 }] },
        { addresses: [{ ip: '10.244.0.10' }], ports: [{ name: 'other', port: 1 }] },
      ],
    });
    assert.deepEqual(got.subsets, [
      { notReadyAddresses: [{ ip: '10.244.0.9' }], ports: [{ name: 'https', port: 8443 }] },
      { addresses: [{ ip: '10.244.0.10' }] },
    ]);
  });
  it('endpoints keep only the https port and bare addresses', () => {
    const host: Endpoints = {
      metadata: { name: 'my-vcluster', namespace: 'test-namespace' },
      subsets: [
        {
          addresses: [
            {
              ip: '10.244.0.5',
              hostname: 'x',
              nodeName: 'n1',
              targetRef: { kind: 'Pod', name: 'my-vcluster-0' },
            },
          ],
          ports: [
            { name: 'https', port: 8443, protocol: 'TCP' },
            { name: 'kubelet', port: 8443, protocol: 'TCP' },
          ],
        },
      ],
    };
    assert.deepEqual(kubernetesEndpoints(host), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets: [
        { addresses: [{ ip: '10.244.0.5' }], ports: [{ name: 'https', port: 8443, protocol: 'TCP' }] },
      ],
    });
  });
});

describe('kubernetesEndpointSlice', () => {
  const cases: { name: string; endpoints: Endpoints; want: unknown }[] = [
    {
      name: 'ready and not-ready addresses of the first subset, its ports',
      endpoints: kubernetesEndpoints({
        metadata: { name: 'my-vcluster', namespace: 'test-namespace' },
        subsets: [
          {
            addresses: [{ ip: '10.244.0.5', nodeName: 'n1' }],
            notReadyAddresses: [{ ip: '10.244.0.6' }],
            ports: [{ name: 'https', port: 8443, protocol: 'TCP' }],
          },
        ],
      }),
      want: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'kubernetes',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'kubernetes' },
        },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['10.244.0.5'], conditions: { ready: true } },
          { addresses: ['10.244.0.6'], conditions: { ready: false } },
        ],
        ports: [{ port: 8443, name: 'https', protocol: 'TCP' }],
      },
    },
    {
      name: 'IPv6 only when every address is IPv6',
      endpoints: {
        metadata: { name: 'kubernetes' },
        subsets: [{ addresses: [{ ip: 'fd00::5' }, { ip: 'fd00::6' }] }],
      },
      want: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'kubernetes',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'kubernetes' },
        },
        addressType: 'IPv6',
        endpoints: [
          { addresses: ['fd00::5'], conditions: { ready: true } },
          { addresses: ['fd00::6'], conditions: { ready: true } },
        ],
      },
    },
    {
      name: 'no subsets: an empty IPv4 slice',
      endpoints: { metadata: { name: 'kubernetes' } },
      want: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'kubernetes',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'kubernetes' },
        },
        addressType: 'IPv4',
        endpoints: [],
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(kubernetesEndpointSlice(c.endpoints), c.want));
});

describe('isKubernetesService', () => {
  const cases = [
    { ref: { namespace: 'default', name: 'kubernetes' }, want: true },
    { ref: { namespace: 'other', name: 'kubernetes' }, want: false },
    { ref: { namespace: 'default', name: 'web' }, want: false },
  ];
  for (const c of cases)
    it(`${c.ref.namespace}/${c.ref.name}`, () => assert.equal(isKubernetesService(c.ref), c.want));
});

describe('nodePorts equal on both sides', () => {
  const svc = (ports: { port: number; nodePort?: number; name?: string; protocol?: string }[], extra: Record<string, unknown> = {}): Service => ({
    metadata: { name: 'frontend', namespace: 'default' },
    spec: { type: 'NodePort', clusterIP: '10.96.0.20', ports, ...extra },
  });
  const differs = [
    { name: 'same nodePorts', virtual: svc([{ port: 80, nodePort: 32128 }]), host: svc([{ port: 80, nodePort: 32128 }]), want: false },
    { name: 'the issue: 32128 in the vcluster, 30574 on the host', virtual: svc([{ port: 80, nodePort: 32128 }]), host: svc([{ port: 80, nodePort: 30574 }]), want: true },
    { name: 'host not allocated yet', virtual: svc([{ port: 80, nodePort: 32128 }]), host: svc([{ port: 80 }]), want: false },
    { name: 'matched by port, protocol and name', virtual: svc([{ port: 53, protocol: 'UDP', nodePort: 30001 }, { port: 53, protocol: 'TCP', nodePort: 30002 }]), host: svc([{ port: 53, protocol: 'TCP', nodePort: 30002 }, { port: 53, protocol: 'UDP', nodePort: 30001 }]), want: false },
    { name: 'healthCheckNodePort differs', virtual: svc([{ port: 80, nodePort: 1 }], { healthCheckNodePort: 30100 }), host: svc([{ port: 80, nodePort: 1 }], { healthCheckNodePort: 30200 }), want: true },
    { name: 'ClusterIP service', virtual: { spec: { ports: [{ port: 80 }] } }, host: { spec: { ports: [{ port: 80 }] } }, want: false },
  ];
  for (const c of differs) it(`nodePortsDiffer: ${c.name}`, () => assert.equal(nodePortsDiffer(c.virtual, c.host), c.want));

  it('withHostNodePorts gives the virtual Service the host nodePorts, port by port, leaving the rest', () => {
    const virtual = svc([{ port: 80, name: 'http', nodePort: 32128 }, { port: 443, name: 'https', nodePort: 32129 }], { healthCheckNodePort: 30100 });
    const host = svc([{ port: 443, name: 'https', nodePort: 30575 }, { port: 80, name: 'http', nodePort: 30574 }], { healthCheckNodePort: 30200 });
    const before = structuredClone(virtual);
    const got = withHostNodePorts(virtual, host);
    assert.deepEqual(got.spec?.ports?.map((p) => `${p.name}:${p.nodePort}`), ['http:30574', 'https:30575']);
    assert.equal(got.spec?.healthCheckNodePort, 30200);
    assert.equal(got.spec?.clusterIP, '10.96.0.20');
    assert.deepEqual(virtual, before, 'input not mutated');
    assert.equal(nodePortsDiffer(got, host), false);
  });

  it('hostServiceRequest asks the host for the virtual ClusterIP and, first, the virtual nodePorts', () => {
    const virtual = svc([{ port: 80, nodePort: 32128 }], { clusterIPs: ['10.96.0.20'] });
    const translated: Service = { metadata: { name: 'frontend-x-default-x-vc' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
    const full = hostServiceRequest(virtual, translated, true);
    assert.deepEqual(full?.spec, { type: 'NodePort', ports: [{ port: 80, nodePort: 32128 }], clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'] });
    const ipOnly = hostServiceRequest(virtual, translated, false);
    assert.deepEqual(ipOnly?.spec, { type: 'NodePort', ports: [{ port: 80 }], clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'] });
    assert.equal(hostServiceRequest({ spec: { clusterIP: 'None' } }, translated, true), undefined, 'headless: the host allocates nothing');
    assert.deepEqual(translated.spec, { type: 'NodePort', ports: [{ port: 80 }] }, 'input not mutated');
  });
});
