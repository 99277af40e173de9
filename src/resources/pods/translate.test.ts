import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Pod } from '../../k8s/types.js';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  hostPodSpecUpdate,
  parseToleration,
  toHostPod,
  tokenRequests,
  virtualPodStatus,
  type PodTranslateOptions,
  newEphemeralContainers,
  readyForHost,
} from './translate.js';
import {
  formatLabelsAnnotation,
  podBookkeepingAnnotations,
  POD_ANNOTATION_MERGE_EXCLUSIONS,
} from './translate-parts/pod-annotations.js';
import { mergeAnnotations } from '../../syncer/patcher/labels-annotations.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { defaultHostname, usesClusterDns, virtualDnsConfig } from './translate-parts/dns.js';
import { hostFieldPath } from './translate-parts/env.js';
import { hostAffinityTerm } from './translate-parts/scheduling.js';
import { rewriteHostPath } from './translate-parts/volumes.js';
import { names, owner } from '../shared/testing.js';

function fixture(name: string): unknown {
  return parse(readFileSync(new URL(`../../../test/fixtures/syncer/${name}`, import.meta.url), 'utf8'));
}
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const options: PodTranslateOptions = {
  names,
  owner,
  kubeIP: '10.96.0.10',
  dnsIP: '10.96.0.53',
  namespaceLabels: { team: 'a' },
  tokens: { 'kube-api-access-abcde': 'TOKEN' },
};

function pod(spec: Partial<Pod['spec']> = {}, meta: Pod['metadata'] = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u', ...meta },
    spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
  };
}

describe('toHostPod golden', () => {
  it('translates the fixture pod exactly as pinned', () => {
    const virtual = fixture('pod-virtual.yaml') as Pod;
    const before = structuredClone(virtual);
    assert.deepEqual(json(toHostPod(virtual, options)), fixture('pod-host.yaml'));
    assert.deepEqual(virtual, before, 'input not mutated');
  });
});

describe('toHostPod details', () => {
  const cases: {
    name: string;
    virtual: Pod;
    opts?: Partial<PodTranslateOptions>;
    check: (p: Pod) => unknown;
    want: unknown;
  }[] = [
    {
      name: 'status dropped',
      virtual: { ...pod(), status: { phase: 'Running' } },
      check: (p) => p.status,
      want: undefined,
    },
    {
      name: 'SA translated with toHost.serviceAccounts',
      virtual: pod({ serviceAccountName: 'app' }),
      opts: { serviceAccountsToHost: true },
      check: (p) => p.spec?.serviceAccountName,
      want: 'app-x-default-x-my-vcluster',
    },
    {
      name: 'deprecated serviceAccount cleared',
      virtual: pod({ serviceAccount: 'old' }),
      check: (p) => p.spec?.serviceAccount,
      want: undefined,
    },
    {
      name: 'hostNetwork ClusterFirst keeps DNS',
      virtual: pod({ hostNetwork: true }),
      check: (p) => p.spec?.dnsPolicy,
      want: undefined,
    },
    {
      name: 'Default DNS untouched',
      virtual: pod({ dnsPolicy: 'Default' }),
      check: (p) => p.spec?.dnsPolicy,
      want: 'Default',
    },
    {
      name: 'ClusterFirstWithHostNet rewritten',
      virtual: pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
      check: (p) => p.spec?.dnsPolicy,
      want: 'None',
    },
    {
      name: 'explicit hostname kept',
      virtual: pod({ hostname: 'custom' }),
      check: (p) => p.spec?.hostname,
      want: 'custom',
    },
    {
      name: 'no subdomain: no init container',
      virtual: pod(),
      check: (p) => p.spec?.initContainers,
      want: undefined,
    },
    {
      name: 'subdomain rewrite opt-out',
      virtual: pod(
        { subdomain: 's' },
        { annotations: { 'vcluster.loft.sh/disable-subdomain-rewrite': 'true' } },
      ),
      check: (p) => [p.spec?.initContainers, p.spec?.subdomain],
      want: [undefined, undefined],
    },
    {
      name: 'priority class cleared without class sync',
      virtual: pod({ priorityClassName: 'high', priority: 1000 }),
      check: (p) => [p.spec?.priorityClassName, p.spec?.priority],
      want: [undefined, undefined],
    },
    {
      name: 'priority class translated with class sync',
      virtual: pod({ priorityClassName: 'high' }),
      opts: { priorityClassesToHost: true },
      check: (p) => p.spec?.priorityClassName,
      want: 'vcluster-high-x-test-namespace-x-my-vcluster',
    },
    {
      name: 'priority class kept with fromHost class sync (the host class of that name)',
      virtual: pod({ priorityClassName: 'high' }),
      opts: { priorityClassesFromHost: true },
      check: (p) => p.spec?.priorityClassName,
      want: 'high',
    },
    {
      name: 'system priority classes kept',
      virtual: pod({ priorityClassName: 'system-node-critical' }),
      check: (p) => p.spec?.priorityClassName,
      want: 'system-node-critical',
    },
    {
      name: 'default priority class applied',
      virtual: pod(),
      opts: { defaultPriorityClassName: 'system-cluster-critical' },
      check: (p) => p.spec?.priorityClassName,
      want: 'system-cluster-critical',
    },
    {
      name: 'runtime class override',
      virtual: pod(),
      opts: { runtimeClassName: 'gvisor' },
      check: (p) => p.spec?.runtimeClassName,
      want: 'gvisor',
    },
    {
      name: 'runtime class override wins over the resolved host class',
      virtual: pod({ runtimeClassName: 'tenant-rc' }),
      opts: { runtimeClassName: 'gvisor', hostRuntimeClassName: null },
      check: (p) => p.spec?.runtimeClassName,
      want: 'gvisor',
    },
    {
      name: 'runtime class kept when not resolved',
      virtual: pod({ runtimeClassName: 'kata' }),
      check: (p) => p.spec?.runtimeClassName,
      want: 'kata',
    },
    {
      name: 'runtime class replaced by the resolved host class',
      virtual: pod({ runtimeClassName: 'tenant-kata' }),
      opts: { hostRuntimeClassName: 'kata' },
      check: (p) => p.spec?.runtimeClassName,
      want: 'kata',
    },
    {
      name: 'runtime class dropped when the host has none for it',
      virtual: pod({ runtimeClassName: 'tenant-rc' }),
      opts: { hostRuntimeClassName: null },
      check: (p) => [p.spec?.runtimeClassName, 'runtimeClassName' in (p.spec ?? {})],
      want: [undefined, false],
    },
    {
      name: 'no runtime class stays none',
      virtual: pod(),
      opts: { hostRuntimeClassName: null },
      check: (p) => 'runtimeClassName' in (p.spec ?? {}),
      want: false,
    },
    {
      name: 'overhead left to the host admission (from the host class)',
      virtual: pod({ runtimeClassName: 'kata', overhead: { cpu: '10m', memory: '1Mi' } }),
      opts: { hostRuntimeClassName: 'kata' },
      check: (p) => 'overhead' in (p.spec ?? {}),
      want: false,
    },
    {
      name: 'enforced tolerations appended once',
      virtual: pod({ tolerations: [{ key: 'a', operator: 'Exists' }] }),
      opts: {
        enforceTolerations: [
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'Equal', value: 'x', effect: 'NoSchedule' },
        ],
      },
      check: (p) => p.spec?.tolerations,
      want: [
        { key: 'a', operator: 'Exists' },
        { key: 'b', operator: 'Equal', value: 'x', effect: 'NoSchedule' },
      ],
    },
    {
      name: 'extra node selector merged',
      virtual: pod({ nodeSelector: { a: '1' } }),
      opts: { nodeSelector: { pool: 'tenants' } },
      check: (p) => p.spec?.nodeSelector,
      want: { a: '1', pool: 'tenants' },
    },
    {
      name: 'service links from virtual services prepended; names the container defines are left out',
      virtual: pod({
        enableServiceLinks: true,
        containers: [{ name: 'c', env: [{ name: 'DB_SERVICE_HOST', value: 'override' }] }],
      }),
      opts: {
        kubeIP: undefined,
        services: [
          { metadata: { name: 'db' }, spec: { clusterIP: '10.0.0.9', ports: [{ name: 'pg', port: 5432 }] } },
          {
            metadata: { name: 'v6' },
            spec: { clusterIP: 'fd00::9', ports: [{ port: 80, protocol: 'UDP' }] },
          },
          { metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 1 }] } },
        ],
      },
      check: (p) => p.spec?.containers[0]?.env?.map((e) => `${e.name}=${e.value ?? ''}`),
      want: [
        'DB_PORT=tcp://10.0.0.9:5432',
        'DB_PORT_5432_TCP=tcp://10.0.0.9:5432',
        'DB_PORT_5432_TCP_ADDR=10.0.0.9',
        'DB_PORT_5432_TCP_PORT=5432',
        'DB_PORT_5432_TCP_PROTO=tcp',
        'DB_SERVICE_PORT=5432',
        'DB_SERVICE_PORT_PG=5432',
        'V6_PORT=udp://[fd00::9]:80',
        'V6_PORT_80_UDP=udp://[fd00::9]:80',
        'V6_PORT_80_UDP_ADDR=fd00::9',
        'V6_PORT_80_UDP_PORT=80',
        'V6_PORT_80_UDP_PROTO=udp',
        'V6_SERVICE_HOST=fd00::9',
        'V6_SERVICE_PORT=80',
        'DB_SERVICE_HOST=override',
      ],
    },
    {
      name: 'service links when enableServiceLinks is unset (kubelet and the API default it to true)',
      virtual: pod(),
      opts: {
        kubeIP: undefined,
        services: [{ metadata: { name: 'db' }, spec: { clusterIP: '10.0.0.9', ports: [{ port: 1 }] } }],
      },
      check: (p) => p.spec?.containers[0]?.env?.map((e) => e.name),
      want: ['DB_PORT', 'DB_PORT_1_TCP', 'DB_PORT_1_TCP_ADDR', 'DB_PORT_1_TCP_PORT', 'DB_PORT_1_TCP_PROTO', 'DB_SERVICE_HOST', 'DB_SERVICE_PORT'],
    },
    {
      name: 'the host pod never gets the host namespace service links',
      virtual: pod({ enableServiceLinks: true }),
      check: (p) => p.spec?.enableServiceLinks,
      want: false,
    },
    {
      name: 'redis-master of the guestbook: REDIS_MASTER_* with the (host) ClusterIP, ExternalName and headless skipped',
      virtual: pod({ enableServiceLinks: true }, { namespace: 'guestbook' }),
      opts: {
        kubeIP: undefined,
        services: [
          { metadata: { name: 'redis-master', namespace: 'guestbook' }, spec: { clusterIP: '10.96.4.7', ports: [{ port: 6379, targetPort: 6379 }] } },
          { metadata: { name: 'upstream', namespace: 'guestbook' }, spec: { type: 'ExternalName', externalName: 'x.example' } },
          { metadata: { name: 'redis-headless', namespace: 'guestbook' }, spec: { clusterIP: 'None', ports: [{ port: 6379 }] } },
        ],
      },
      check: (p) => p.spec?.containers[0]?.env?.map((e) => `${e.name}=${e.value ?? ''}`),
      want: [
        'REDIS_MASTER_PORT=tcp://10.96.4.7:6379',
        'REDIS_MASTER_PORT_6379_TCP=tcp://10.96.4.7:6379',
        'REDIS_MASTER_PORT_6379_TCP_ADDR=10.96.4.7',
        'REDIS_MASTER_PORT_6379_TCP_PORT=6379',
        'REDIS_MASTER_PORT_6379_TCP_PROTO=tcp',
        'REDIS_MASTER_SERVICE_HOST=10.96.4.7',
        'REDIS_MASTER_SERVICE_PORT=6379',
      ],
    },
    {
      name: 'no service links when disabled',
      virtual: pod({ enableServiceLinks: false }),
      opts: {
        kubeIP: undefined,
        services: [{ metadata: { name: 'db' }, spec: { clusterIP: '10.0.0.9', ports: [{ port: 1 }] } }],
      },
      check: (p) => p.spec?.containers[0]?.env,
      want: undefined,
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      assert.deepEqual(c.check(toHostPod(c.virtual, { ...options, ...(c.opts ?? {}) }).pod), c.want),
    );

  it('annotation token mode stores the token in an annotation and projects it', () => {
    const virtual = fixture('pod-virtual.yaml') as Pod;
    const got = toHostPod(virtual, {
      ...options,
      tokenMode: 'annotation',
      tokenAnnotationSuffixes: { 'kube-api-access-abcde': 'abcd1234' },
    });
    assert.equal(got.tokenSecret, undefined);
    assert.equal(got.pod.metadata?.annotations?.['vcluster.loft.sh/token-abcd1234'], 'TOKEN');
    const projected = got.pod.spec?.volumes?.find((v) => v.name === 'kube-api-access-abcde')?.projected
      ?.sources?.[0];
    assert.deepEqual(projected, {
      downwardAPI: {
        items: [
          {
            path: 'token',
            fieldRef: {
              apiVersion: 'v1',
              fieldPath: "metadata.annotations['vcluster.loft.sh/token-abcd1234']",
            },
            mode: 420,
          },
        ],
      },
    });
  });

  it('a pod without projected tokens needs no token secret', () =>
    assert.equal(toHostPod(pod(), options).tokenSecret, undefined));
});

describe('token requests', () => {
  it('one per projected token source, bound to the virtual pod, default audiences', () => {
    const virtual = pod({
      serviceAccountName: 'app',
      volumes: [
        {
          name: 'v',
          projected: {
            sources: [
              { serviceAccountToken: { path: 't' } },
              { serviceAccountToken: { path: 'u', audience: 'vault' } },
            ],
          },
        },
      ],
    });
    assert.deepEqual(json(tokenRequests(virtual, 'cluster.local')), [
      {
        key: 'v',
        serviceAccountName: 'app',
        audiences: [
          'https://kubernetes.default.svc.cluster.local',
          'https://kubernetes.default.svc',
          'https://kubernetes.default',
        ],
        expirationSeconds: 315360000,
        boundObject: { kind: 'Pod', name: 'p', uid: 'u' },
      },
      {
        key: 'v-1',
        serviceAccountName: 'app',
        audiences: ['vault'],
        expirationSeconds: 315360000,
        boundObject: { kind: 'Pod', name: 'p', uid: 'u' },
      },
    ]);
  });
});

describe('downward API field paths', () => {
  const cases: { path: string; want: string }[] = [
    { path: 'metadata.name', want: "metadata.annotations['vcluster.loft.sh/name']" },
    { path: 'metadata.namespace', want: "metadata.annotations['vcluster.loft.sh/namespace']" },
    { path: 'metadata.uid', want: "metadata.annotations['vcluster.loft.sh/uid']" },
    {
      path: 'spec.serviceAccountName',
      want: "metadata.annotations['vcluster.loft.sh/service-account-name']",
    },
    { path: 'metadata.labels', want: "metadata.annotations['vcluster.loft.sh/labels']" },
    { path: "metadata.labels['app']", want: "metadata.labels['app']" },
    {
      path: "metadata.labels['vcluster.loft.sh/managed-by']",
      want: "metadata.labels['vcluster.loft.sh/label-my-vcluster-x-e5f1b28ab2']",
    },
    { path: 'status.podIP', want: 'status.podIP' },
    { path: 'spec.nodeName', want: 'spec.nodeName' },
  ];
  for (const c of cases) it(c.path, () => assert.equal(hostFieldPath(names, c.path), c.want));
});

describe('pod bookkeeping annotations', () => {
  const labelCases: { name: string; labels: Record<string, string>; want: string }[] = [
    {
      name: 'sorted key="value" lines, unicode kept',
      labels: { b: 'x"y', a: 'ñ' },
      want: 'a="ñ"\nb="x\\"y"',
    },
    { name: 'whole lines are sorted, not keys', labels: { a: '1', 'a.b': '2' }, want: 'a.b="2"\na="1"' },
    {
      name: 'HTML characters escaped as Go does',
      labels: { k: '<a&b>' },
      want: 'k="\\u003ca\\u0026b\\u003e"',
    },
    { name: 'line separators escaped as Go does', labels: { k: 'a\u2028b' }, want: 'k="a\\u2028b"' },
    { name: 'no labels', labels: {}, want: '' },
  ];
  for (const c of labelCases) it(c.name, () => assert.equal(formatLabelsAnnotation(c.labels), c.want));
  const cases: {
    name: string;
    refs: NonNullable<Pod['metadata']>['ownerReferences'];
    userAnn?: Record<string, string>;
    want: Record<string, string | undefined>;
  }[] = [
    {
      name: 'bare pod',
      refs: [],
      want: {
        'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
        'vcluster.loft.sh/owner-set-kind': undefined,
      },
    },
    {
      name: 'DaemonSet pod',
      refs: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'd', uid: 'x', controller: true }],
      want: {
        'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
        'vcluster.loft.sh/owner-set-kind': 'DaemonSet',
        'cluster-autoscaler.kubernetes.io/daemonset-pod': 'true',
      },
    },
    {
      name: 'owner-set-kind from the first apps/v1 set owner, not a batch Job',
      refs: [
        { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'x', controller: true },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 's', uid: 'y' },
      ],
      want: {
        'vcluster.loft.sh/owner-set-kind': 'StatefulSet',
        'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
      },
    },
    {
      name: 'user safe-to-evict respected',
      refs: [],
      userAnn: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
      want: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': undefined },
    },
    {
      name: 'user safe-to-evict on a DaemonSet pod: no daemonset-pod either',
      refs: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'd', uid: 'x', controller: true }],
      userAnn: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
      want: {
        'cluster-autoscaler.kubernetes.io/daemonset-pod': undefined,
        'vcluster.loft.sh/owner-set-kind': 'DaemonSet',
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = podBookkeepingAnnotations(
        pod({}, { ownerReferences: c.refs ?? [], annotations: c.userAnn ?? {} }),
      );
      for (const [k, v] of Object.entries(c.want)) assert.equal(got[k], v, k);
    });
  }
});

describe('pod DNS as vCluster wires it', () => {
  const dnsIP = '10.96.0.53';
  const cases: { name: string; spec: Partial<Pod['spec']>; dnsIP?: string; namespace?: string; want: Pick<NonNullable<Pod['spec']>, 'dnsPolicy' | 'dnsConfig'> }[] = [
    {
      name: 'ClusterFirst (the default): None, the kube-dns twin, the namespace search path, ndots 5',
      spec: {},
      namespace: 'guestbook',
      want: {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: [dnsIP],
          searches: ['guestbook.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
          options: [{ name: 'ndots', value: '5' }],
        },
      },
    },
    {
      name: 'explicit ClusterFirst',
      spec: { dnsPolicy: 'ClusterFirst' },
      want: {
        dnsPolicy: 'None',
        dnsConfig: { nameservers: [dnsIP], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: [{ name: 'ndots', value: '5' }] },
      },
    },
    {
      name: 'ClusterFirst with its own dnsConfig: merged, ours first, options replaced',
      spec: { dnsConfig: { nameservers: ['10.0.0.2'], searches: ['corp.local'], options: [{ name: 'ndots', value: '1' }] } },
      want: {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: [dnsIP, '10.0.0.2'],
          searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.local'],
          options: [{ name: 'ndots', value: '5' }],
        },
      },
    },
    { name: 'Default untouched', spec: { dnsPolicy: 'Default' }, want: { dnsPolicy: 'Default' } },
    {
      name: 'None untouched',
      spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'] } },
      want: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'] } },
    },
    { name: 'hostNetwork with ClusterFirst untouched', spec: { hostNetwork: true }, want: {} },
    {
      name: 'ClusterFirstWithHostNet rewritten',
      spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
      want: {
        dnsPolicy: 'None',
        dnsConfig: { nameservers: [dnsIP], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: [{ name: 'ndots', value: '5' }] },
      },
    },
    { name: 'no DNS service (controlPlane.coredns off): untouched', spec: {}, dnsIP: '', want: {} },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = toHostPod(pod(c.spec, { namespace: c.namespace ?? 'default' }), { ...options, dnsIP: c.dnsIP ?? dnsIP }).pod.spec;
      assert.deepEqual(json({ dnsPolicy: got?.dnsPolicy, dnsConfig: got?.dnsConfig }), json(c.want));
    });
});

describe('DNS helpers', () => {
  const cases: { name: string; got: unknown; want: unknown }[] = [
    { name: 'default policy is cluster DNS', got: usesClusterDns({ containers: [] }), want: true },
    { name: 'None is not', got: usesClusterDns({ containers: [], dnsPolicy: 'None' }), want: false },
    {
      name: 'existing nameservers and searches merged without duplicates, options replaced (as vCluster)',
      got: virtualDnsConfig(
        {
          nameservers: ['1.1.1.1', '10.96.0.53'],
          searches: ['corp.local'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
        '10.96.0.53',
        'web',
        'cluster.local',
      ),
      want: {
        nameservers: ['10.96.0.53', '1.1.1.1'],
        searches: ['web.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.local'],
        options: [{ name: 'ndots', value: '5' }],
      },
    },
    { name: 'hostname from a dotted name', got: defaultHostname('a.b-'), want: 'a-b' },
    { name: 'only one trailing dash trimmed (as Go TrimSuffix)', got: defaultHostname('a..'), want: 'a-' },
    { name: 'hostname cut to 63', got: defaultHostname('x'.repeat(70)), want: 'x'.repeat(63) },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got, c.want));
});

describe('affinity scoping', () => {
  const cases: { name: string; term: Parameters<typeof hostAffinityTerm>[1]; want: unknown }[] = [
    {
      name: 'explicit namespaces become an In expression',
      term: { topologyKey: 'k', namespaces: ['b', 'a'], labelSelector: { matchLabels: { app: 'x' } } },
      want: {
        topologyKey: 'k',
        labelSelector: {
          matchLabels: { app: 'x', 'vcluster.loft.sh/managed-by': 'my-vcluster' },
          matchExpressions: [{ key: 'vcluster.loft.sh/namespace', operator: 'In', values: ['b', 'a'] }],
        },
      },
    },
    {
      name: 'namespace selector folded into ns-label keys',
      term: {
        topologyKey: 'k',
        namespaceSelector: { matchLabels: { team: 'a' } },
        labelSelector: { matchLabels: { app: 'x' } },
      },
      want: {
        topologyKey: 'k',
        labelSelector: {
          matchLabels: {
            app: 'x',
            'vcluster.loft.sh/ns-label-my-vcluster-x-ca8b22d0db': 'a',
            'vcluster.loft.sh/managed-by': 'my-vcluster',
          },
        },
      },
    },
    {
      name: 'empty namespace selector means all tenant namespaces',
      term: { topologyKey: 'k', namespaceSelector: {}, labelSelector: { matchLabels: { app: 'x' } } },
      want: {
        topologyKey: 'k',
        labelSelector: { matchLabels: { app: 'x', 'vcluster.loft.sh/managed-by': 'my-vcluster' } },
      },
    },
    { name: 'null selector left alone', term: { topologyKey: 'k' }, want: { topologyKey: 'k' } },
    {
      name: 'namespaces with an empty namespace selector: all tenant namespaces',
      term: {
        topologyKey: 'k',
        namespaces: ['a'],
        namespaceSelector: {},
        labelSelector: { matchLabels: { app: 'x' } },
      },
      want: {
        topologyKey: 'k',
        labelSelector: { matchLabels: { app: 'x', 'vcluster.loft.sh/managed-by': 'my-vcluster' } },
      },
    },
    {
      name: 'namespaces win over a non-empty namespace selector',
      term: {
        topologyKey: 'k',
        namespaces: ['a'],
        namespaceSelector: { matchLabels: { team: 'x' } },
        labelSelector: { matchLabels: { app: 'x' } },
      },
      want: {
        topologyKey: 'k',
        labelSelector: {
          matchLabels: { app: 'x', 'vcluster.loft.sh/managed-by': 'my-vcluster' },
          matchExpressions: [{ key: 'vcluster.loft.sh/namespace', operator: 'In', values: ['a'] }],
        },
      },
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.deepEqual(hostAffinityTerm(names, c.term, 'default'), c.want));
});

describe('parseToleration', () => {
  const cases: { text: string; want: unknown }[] = [
    { text: '*', want: { operator: 'Exists' } },
    { text: 'dedicated', want: { key: 'dedicated', operator: 'Exists' } },
    { text: 'dedicated=gpu', want: { key: 'dedicated', operator: 'Equal', value: 'gpu' } },
    { text: 'dedicated:NoSchedule', want: { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' } },
    {
      text: 'dedicated=gpu:NoExecute',
      want: { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' },
    },
    {
      text: 'example.com/key=v:NoSchedule',
      want: { key: 'example.com/key', operator: 'Equal', value: 'v', effect: 'NoSchedule' },
    },
    { text: '  ', want: undefined },
  ];
  for (const c of cases) it(JSON.stringify(c.text), () => assert.deepEqual(parseToleration(c.text), c.want));
});

describe('hostPath rewriting', () => {
  const uids = { 'virtual-uid': 'host-uid' };
  const cases: { path: string; want: string | undefined }[] = [
    { path: '/var/log', want: '/tmp/vcluster/test-namespace/my-vcluster/log' },
    { path: '/var/log/', want: '/tmp/vcluster/test-namespace/my-vcluster/log' },
    { path: '/var/log/pods', want: '/tmp/vcluster/test-namespace/my-vcluster/log/pods' },
    { path: '/var/lib/kubelet/pods', want: '/tmp/vcluster/test-namespace/my-vcluster/kubelet/pods' },
    { path: '/var/log/containers', want: undefined },
    { path: '/var/lib/kubelet/pods/virtual-uid/volumes', want: '/var/lib/kubelet/pods/host-uid/volumes' },
    { path: '/var/lib/kubelet/pods/virtual-uid', want: '/var/lib/kubelet/pods/host-uid' },
    { path: '/var/lib/kubelet/pods/unknown-uid/volumes', want: undefined },
    { path: '/var/logs', want: undefined },
    { path: '/etc/ssl', want: undefined },
  ];
  for (const c of cases) it(c.path, () => assert.equal(rewriteHostPath(names, c.path, uids), c.want));

  it('propagation follows the mount path, in app containers only', () => {
    const virtual = pod({
      containers: [
        {
          name: 'agent',
          volumeMounts: [
            { name: 'a', mountPath: '/var/log/pods/' },
            { name: 'b', mountPath: '/data' },
          ],
        },
      ],
      initContainers: [{ name: 'init', volumeMounts: [{ name: 'a', mountPath: '/var/log' }] }],
    });
    const got = toHostPod(virtual, options).pod.spec;
    assert.deepEqual(
      got?.containers[0]?.volumeMounts?.map((m) => m.mountPropagation),
      ['HostToContainer', undefined],
    );
    assert.equal(got?.initContainers?.[0]?.volumeMounts?.[0]?.mountPropagation, undefined);
  });
});

describe('status and spec sync', () => {
  const host: Pod = {
    metadata: { name: 'p-x-default-x-my-vcluster' },
    spec: {
      containers: [
        { name: 'c', image: 'old' },
        { name: 'istio-proxy', image: 'proxy' },
      ],
      tolerations: [{ key: 'host-only', operator: 'Exists' }],
    },
    status: {
      phase: 'Running',
      podIP: '10.244.1.7',
      qosClass: 'Burstable',
      containerStatuses: [
        { name: 'c', ready: true, restartCount: 0, image: 'i', imageID: 'x' },
        { name: 'istio-proxy', ready: true, restartCount: 0, image: 'p', imageID: 'y' },
      ],
    },
  };
  it('status back without injected containers, virtual QoS kept', () => {
    const virtual = { ...pod(), status: { qosClass: 'BestEffort' } };
    assert.deepEqual(json(virtualPodStatus(host, virtual)), {
      phase: 'Running',
      podIP: '10.244.1.7',
      qosClass: 'BestEffort',
      containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'i', imageID: 'x' }],
    });
  });
  it('images, deadline, gates and tolerations pushed to the host', () => {
    const virtual = pod({
      containers: [{ name: 'c', image: 'new' }],
      activeDeadlineSeconds: 30,
      tolerations: [{ key: 'v', operator: 'Exists' }],
    });
    const got = hostPodSpecUpdate(virtual, host, [{ key: 'enforced', operator: 'Exists' }]);
    assert.deepEqual(
      got.spec?.containers.map((c) => c.image),
      ['new', 'proxy'],
    );
    assert.equal(got.spec?.activeDeadlineSeconds, 30);
    assert.deepEqual(
      got.spec?.tolerations?.map((t) => t.key),
      ['v', 'host-only', 'enforced'],
    );
  });
});

describe('pod properties', () => {
  const dns = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,80}[a-z0-9])?$/);
  it('host pod names and hostnames are at most 63 characters', () => {
    fc.assert(
      fc.property(dns, fc.stringMatching(/^[a-z0-9]{1,30}$/), (name, ns) => {
        const got = toHostPod(pod({}, { name, namespace: ns }), options).pod;
        assert.ok((got.metadata?.name ?? '').length <= 63);
        assert.ok((got.spec?.hostname ?? '').length <= 63);
      }),
    );
  });
  it('every referenced name is translated into the host namespace form', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,10}$/), { minLength: 1, maxLength: 5 }), (cms) => {
        const virtual = pod({ volumes: cms.map((n, i) => ({ name: `v${i}`, configMap: { name: n } })) });
        const got = toHostPod(virtual, options);
        for (const v of got.pod.spec?.volumes ?? [])
          assert.match(v.configMap?.name ?? '', /-x-default-x-my-vcluster$/);
        assert.deepEqual(
          got.references.map((r) => r.name),
          [...new Set(cms)].sort(),
        );
      }),
    );
  });
});

describe('pod annotation merge', () => {
  it('bookkeeping and token annotations never reach the virtual pod; user annotations do', () => {
    const virtual = pod({}, { annotations: { keep: 'v' } });
    const host = toHostPod(virtual, { ...options, tokenMode: 'annotation', tokenAnnotationSuffixes: {} }).pod;
    const hostNow = {
      ...(host.metadata?.annotations ?? {}),
      'vcluster.loft.sh/token-abcd1234': 'T',
      'from-host': 'h',
    };
    const got = mergeAnnotations(
      {
        virtualOld: { keep: 'v' },
        virtual: { keep: 'v' },
        hostOld: host.metadata?.annotations,
        host: hostNow,
      },
      {
        identity: {
          gvk: GVK.Pod,
          virtualName: 'p',
          virtualNamespace: 'default',
          hostName: 'p-x-default-x-my-vcluster',
          hostNamespace: 'test-namespace',
        },
        ...POD_ANNOTATION_MERGE_EXCLUSIONS,
      },
    );
    assert.deepEqual(got.virtual, { keep: 'v', 'from-host': 'h' });
    assert.equal(got.host['vcluster.loft.sh/token-abcd1234'], 'T');
    assert.equal(got.host['vcluster.loft.sh/name'], 'p');
  });
});

describe('images, pod resources and virtual scheduling', () => {
  const scheduled = pod({
    schedulerName: 'vcluster-scheduler',
    nodeSelector: { a: '1' },
    affinity: { podAffinity: {} },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'k', whenUnsatisfiable: 'DoNotSchedule' }],
  });
  const cases: {
    name: string;
    virtual: Pod;
    opts: Partial<PodTranslateOptions>;
    check: (p: Pod) => unknown;
    want: unknown;
  }[] = [
    {
      name: 'translateImage maps container and init images',
      virtual: pod({
        containers: [{ name: 'c', image: 'nginx' }],
        initContainers: [{ name: 'i', image: 'busybox' }],
      }),
      opts: { translateImage: { nginx: 'registry.local/nginx', busybox: 'registry.local/busybox' } },
      check: (p) => [p.spec?.containers[0]?.image, p.spec?.initContainers?.[0]?.image],
      want: ['registry.local/nginx', 'registry.local/busybox'],
    },
    {
      name: 'unmapped images kept',
      virtual: pod(),
      opts: { translateImage: { other: 'x' } },
      check: (p) => p.spec?.containers[0]?.image,
      want: 'i',
    },
    {
      name: 'pod resources dropped for old hosts',
      virtual: pod({ resources: { limits: { cpu: '1' } } }),
      opts: { dropPodResources: true },
      check: (p) => p.spec?.resources,
      want: undefined,
    },
    {
      name: 'virtual scheduler: scheduling constraints dropped',
      virtual: scheduled,
      opts: { virtualSchedulerNames: ['vcluster-scheduler'] },
      check: (p) => [p.spec?.nodeSelector, p.spec?.affinity, p.spec?.topologySpreadConstraints],
      want: [undefined, undefined, undefined],
    },
    {
      name: 'host scheduler: constraints kept',
      virtual: scheduled,
      opts: {},
      check: (p) => p.spec?.nodeSelector,
      want: { a: '1' },
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.deepEqual(c.check(toHostPod(c.virtual, { ...options, ...c.opts }).pod), c.want));

  const readiness: { name: string; virtual: Pod; want: boolean }[] = [
    { name: 'host-scheduled pods go at once', virtual: pod(), want: true },
    { name: 'virtually scheduled pods wait for a node', virtual: pod({ schedulerName: 'vs' }), want: false },
    {
      name: 'virtually scheduled and bound',
      virtual: pod({ schedulerName: 'vs', nodeName: 'n1' }),
      want: true,
    },
  ];
  for (const c of readiness)
    it(c.name, () =>
      assert.equal(readyForHost(c.virtual, { ...options, virtualSchedulerNames: ['vs'] }), c.want),
    );

  it('new ephemeral containers are translated; existing ones skipped', () => {
    const virtual = pod({
      ephemeralContainers: [
        { name: 'debug-1', image: 'busybox' },
        {
          name: 'debug-2',
          image: 'busybox',
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
      ],
    });
    const host: Pod = {
      spec: { containers: [], ephemeralContainers: [{ name: 'debug-1', image: 'busybox' }] },
    };
    const got = newEphemeralContainers(virtual, host, { ...options, kubeIP: undefined });
    assert.deepEqual(json(got), [
      {
        name: 'debug-2',
        image: 'busybox',
        env: [
          {
            name: 'N',
            valueFrom: { fieldRef: { fieldPath: "metadata.annotations['vcluster.loft.sh/name']" } },
          },
        ],
      },
    ]);
  });
});
