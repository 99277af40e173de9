/**
 * Nodes (vcluster-behavior.md §2.8 Nodes): by default a fake Node for every host node that runs a
 * tenant pod (same name, synthetic status, the fake kubelet's addresses); optionally a virtual Node
 * mirroring a real host node. Pure: ids and the time are passed in.
 */
import type {
  Node,
  NodeAddress,
  NodeCondition,
  Pod,
  Service,
  ServicePort,
  Taint,
} from '../../k8s/types.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { kubeletServiceName, safeConcatName, type NameContext } from '../../syncer/translate/names.js';

export const FAKE_NODE_LABEL = 'vcluster.loft.sh/fake-node';
export const ORIGINAL_TAINTS_ANNOTATION = 'vcluster.loft.sh/original-taints';
export const NODE_DNS_SUFFIX = 'nodes.vcluster.com';
export const KUBELET_PORT = 10250;

export const FAKE_NODE_RESOURCES = {
  cpu: '16',
  memory: '32Gi',
  'ephemeral-storage': '100Gi',
  pods: '110',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
} as const;

export interface FakeNodeOptions {
  /** The virtual apiserver's version, reported as kubelet and kube-proxy version. */
  readonly kubeletVersion: string;
  /** The address of the syncer's kubelet proxy for this node (an IP); omitted when absent. */
  readonly internalIP?: string;
  /**
   * Whether to also report the `<node>.nodes.vcluster.com` hostname (vCluster's proxyKubelets.byHostname).
   * @default false: a made-up name must never reach a resolver, so nodes advertise IPs only
   */
  readonly byHostname?: boolean;
  /** status.daemonEndpoints.kubeletEndpoint.Port: the syncer's kubelet proxy port. @default 10250 */
  readonly kubeletPort?: number;
  /** Random ids chosen by the caller (machineID, systemUUID, bootID). */
  readonly ids: { readonly machineID: string; readonly systemUUID: string; readonly bootID: string };
  /** Heartbeat / transition time of the conditions (RFC 3339). */
  readonly now: string;
}

/** `<node name with . → ->.nodes.vcluster.com`. */
export function fakeKubeletHostname(nodeName: string): string {
  return `${nodeName.replaceAll('.', '-')}.${NODE_DNS_SUFFIX}`;
}

/** The addresses of the fake kubelet endpoint for a node. */
export function fakeNodeAddresses(
  nodeName: string,
  options: Pick<FakeNodeOptions, 'internalIP' | 'byHostname'>,
): NodeAddress[] {
  const out: NodeAddress[] = [];
  if (options.byHostname ?? false) out.push({ type: 'Hostname', address: fakeKubeletHostname(nodeName) });
  if (options.internalIP) out.push({ type: 'InternalIP', address: options.internalIP });
  return out;
}

function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): NodeCondition {
  return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now };
}

export function fakeNode(name: string, options: FakeNodeOptions): Node {
  const { now } = options;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        [FAKE_NODE_LABEL]: 'true',
        'kubernetes.io/hostname': safeConcatName('fake', name),
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'false',
      },
    },
    spec: {},
    status: {
      capacity: { ...FAKE_NODE_RESOURCES },
      allocatable: { ...FAKE_NODE_RESOURCES },
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
          now,
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
        condition(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
          now,
        ),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now),
      ],
      addresses: fakeNodeAddresses(name, options),
      daemonEndpoints: { kubeletEndpoint: { Port: options.kubeletPort ?? KUBELET_PORT } },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kernelVersion: '4.19.76-fakelinux',
        osImage: 'Fake Kubernetes Image',
        containerRuntimeVersion: 'docker://19.3.12',
        kubeletVersion: options.kubeletVersion,
        kubeProxyVersion: options.kubeletVersion,
        machineID: options.ids.machineID,
        systemUUID: options.ids.systemUUID,
        bootID: options.ids.bootID,
      },
      images: [],
    },
  };
}

function isDaemonSetPod(pod: Pod): boolean {
  return (pod.metadata?.ownerReferences ?? []).some(
    (ref) => ref.kind === 'DaemonSet' && ref.controller === true,
  );
}

/** The fake node stays while a non-DaemonSet pod (virtual, or managed host) runs on it. */
export function fakeNodeNeeded(nodeName: string, pods: readonly Pod[]): boolean {
  return pods.some((pod) => pod.spec?.nodeName === nodeName && !isDaemonSetPod(pod));
}

/** The kubelet endpoint a virtual node should advertise, as a status fragment (for comparison and update). */
export function kubeletEndpointStatus(internalIP: string, kubeletPort: number): Pick<NonNullable<Node['status']>, 'addresses' | 'daemonEndpoints'> {
  return { addresses: fakeNodeAddresses('', { internalIP }), daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } };
}

/** Node names that should exist as fake nodes, sorted. */
export function neededFakeNodes(pods: readonly Pod[]): string[] {
  const names = new Set<string>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (node && !isDaemonSetPod(pod)) names.add(node);
  }
  return [...names].sort();
}

export interface RealNodeOptions extends Pick<FakeNodeOptions, 'internalIP' | 'byHostname' | 'kubeletPort'> {
  readonly vclusterName: string;
  /** Drop status.images (fromHost.nodes.clearImageStatus). */
  readonly clearImageStatus?: boolean;
  /** Taints tolerated by enforced tolerations are hidden from the tenant (`key` or `key=value:Effect` forms matched by key+effect). */
  readonly hiddenTaints?: readonly Pick<Taint, 'key' | 'effect'>[];
}

/**
 * A virtual Node mirroring a real host node (fromHost.nodes): labels and annotations copied, the
 * managed-by marker added, status copied with the fake kubelet endpoint's addresses.
 */
export function virtualNodeFromHost(host: Node, options: RealNodeOptions): Node {
  const name = host.metadata?.name ?? '';
  const status = deepCopy(host.status ?? {});
  status.addresses = fakeNodeAddresses(name, options);
  status.daemonEndpoints = { kubeletEndpoint: { Port: options.kubeletPort ?? KUBELET_PORT } };
  if (options.clearImageStatus) delete status.images;
  const hidden = options.hiddenTaints ?? [];
  const taints = (host.spec?.taints ?? []).filter(
    (t) =>
      !hidden.some(
        (h) => h.key === t.key && (h.effect === undefined || h.effect === '' || h.effect === t.effect),
      ),
  );
  const spec = deepCopy(host.spec ?? {});
  if (taints.length > 0) spec.taints = deepCopy(taints);
  else delete spec.taints;
  delete spec.providerID;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { ...(host.metadata?.labels ?? {}), [MARKER_LABEL]: options.vclusterName },
      ...(host.metadata?.annotations === undefined ? {} : { annotations: { ...host.metadata.annotations } }),
    },
    spec,
    status,
  };
}

export const BELONGS_TO_LABEL = 'vcluster.loft.sh/belongs-to';
export const NODE_LABEL = 'vcluster.loft.sh/node';

/**
 * The per-node host Service whose ClusterIP is the fake node's InternalIP (proxyKubelets.byIP):
 * `<vc>-node-<node>` in the host namespace, port 10250 → the vcluster's proxy port 8443, selecting
 * what the vcluster's own host Service selects (no selector there: no target port either), owned
 * by that Service (controller: false).
 */
export function kubeletService(names: NameContext, nodeName: string, vclusterService: Service): Service {
  const selector = vclusterService.spec?.selector;
  const port: ServicePort = { name: 'kubelet', port: KUBELET_PORT };
  if (selector !== undefined) port.targetPort = 8443;
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: kubeletServiceName(names, nodeName),
      namespace: names.hostNamespace,
      labels: { [BELONGS_TO_LABEL]: names.vclusterName, [NODE_LABEL]: nodeName },
    },
    spec: { ports: [port], ...(selector === undefined ? {} : { selector: { ...selector } }) },
  };
  const owner = vclusterService.metadata;
  if (owner?.name && owner.uid && service.metadata !== undefined) {
    service.metadata.ownerReferences = [
      { apiVersion: 'v1', kind: 'Service', name: owner.name, uid: owner.uid, controller: false },
    ];
  }
  return service;
}
