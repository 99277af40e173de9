/**
 * CoreDNS inside the virtual cluster (vcluster-behavior.md §3.12, vCluster's pkg/coredns): the objects
 * `vcluster start` applies into the VIRTUAL cluster — ServiceAccount, ClusterRole/Binding
 * `system:coredns`, ConfigMap and Deployment `kube-system/coredns`, Service `kube-system/kube-dns`.
 * The Deployment's pod is synced to the host like any pod; the host ClusterIP of the Service's twin
 * `kube-dns-x-kube-system-x-<vc>` becomes every synced pod's nameserver. Pure.
 *
 * Unlike vCluster, the Corefile forwards nothing: names outside the cluster domain (and the reverse
 * zones) get NXDOMAIN from the template plugin, and the binary has no forward plugin at all
 * (deps/coredns/main.go), so no query ever leaves for another resolver.
 */
import type { TypedObject } from '../k8s/types.js';

/** vCluster's label on the CoreDNS Deployment and pods (not `kube-dns`, which host selectors use). */
export const COREDNS_APP_LABEL = { 'k8s-app': 'vcluster-kube-dns' } as const;
export const COREDNS_NAMESPACE = 'kube-system';
export const COREDNS_NAME = 'coredns';
export const DNS_SERVICE_NAME = 'kube-dns';
/** The port CoreDNS listens on in the pod (unprivileged); the Service maps 53 to it. */
export const COREDNS_PORT = 1053;
/** The label and taint of the embedded host's real node (src/embedded-host/node/layout.ts). */
const REAL_NODE_LABEL = 'vcluster-ts.io/node-type';
const REAL_NODE_TAINT = 'vcluster-ts.io/real-node';

export interface CorednsOptions {
  /** The CoreDNS image, e.g. vcluster-ts.local/coredns:1.14.2. */
  readonly image: string;
  /** networking.advanced.clusterDomain */
  readonly clusterDomain: string;
  /** Pin the pod to the embedded host's real node (nodeSelector + toleration of its taint). */
  readonly realNode: boolean;
}

/** The Corefile: the kubernetes plugin for the cluster domain and reverse zones; NXDOMAIN for the rest. */
export function corefile(clusterDomain: string): string {
  const zones = [clusterDomain, 'in-addr.arpa', 'ip6.arpa'];
  return [
    `${zones.map((z) => `${z}:${COREDNS_PORT}`).join(' ')} {`,
    '    errors',
    '    health :8080',
    '    ready :8181',
    `    kubernetes ${zones.join(' ')} {`,
    '        pods insecure',
    '        ttl 30',
    '    }',
    '    prometheus :9153',
    '    cache 30',
    '    loadbalance',
    '    reload',
    '}',
    `.:${COREDNS_PORT} {`,
    '    errors',
    '    # every other name: NXDOMAIN; nothing leaves the cluster',
    '    template ANY ANY {',
    '        rcode NXDOMAIN',
    '    }',
    '}',
    '',
  ].join('\n');
}

const meta = (name: string, namespaced = true): TypedObject['metadata'] => ({
  name,
  ...(namespaced ? { namespace: COREDNS_NAMESPACE } : {}),
  labels: { ...COREDNS_APP_LABEL },
});

/** The objects to apply into the virtual cluster, in order (RBAC and config before the Deployment). */
export function corednsObjects(o: CorednsOptions): TypedObject[] {
  const serviceAccount: TypedObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(COREDNS_NAME) };
  const clusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta('system:coredns', false),
    rules: [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ],
  };
  const clusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta('system:coredns', false),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
    subjects: [{ kind: 'ServiceAccount', name: COREDNS_NAME, namespace: COREDNS_NAMESPACE }],
  };
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(COREDNS_NAME),
    data: { Corefile: corefile(o.clusterDomain) },
  };
  const podSpec = {
    serviceAccountName: COREDNS_NAME,
    // CoreDNS itself resolves nothing through cluster DNS
    dnsPolicy: 'Default',
    ...(o.realNode
      ? {
          nodeSelector: { [REAL_NODE_LABEL]: 'real' },
          tolerations: [{ key: REAL_NODE_TAINT, operator: 'Exists', effect: 'PreferNoSchedule' }],
        }
      : {}),
    securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
    containers: [
      {
        name: 'coredns',
        image: o.image,
        // the image is loaded into the node, never pulled (a pull would look up a registry name)
        imagePullPolicy: 'Never',
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: [
          { name: 'dns', containerPort: COREDNS_PORT, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: COREDNS_PORT, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
        ],
        resources: { limits: { cpu: '1000m', memory: '170Mi' }, requests: { cpu: '20m', memory: '64Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        livenessProbe: {
          httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 5,
          failureThreshold: 5,
        },
        readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, periodSeconds: 2 },
        volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
      },
    ],
    volumes: [
      { name: 'config-volume', configMap: { name: COREDNS_NAME, items: [{ key: 'Corefile', path: 'Corefile' }] } },
    ],
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(COREDNS_NAME),
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...COREDNS_APP_LABEL } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: { metadata: { labels: { ...COREDNS_APP_LABEL } }, spec: podSpec },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...meta(DNS_SERVICE_NAME),
      labels: { ...COREDNS_APP_LABEL, 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      selector: { ...COREDNS_APP_LABEL },
      ports: [
        { name: 'dns', port: 53, targetPort: COREDNS_PORT, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: COREDNS_PORT, protocol: 'TCP' },
        { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
      ],
    },
  };
  return [serviceAccount, clusterRole, clusterRoleBinding, configMap, service, deployment] as TypedObject[];
}
