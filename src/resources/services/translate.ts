/**
 * Services (vcluster-behavior.md §2.8 Services): spec to the host with a translated selector and
 * no IPs or nodePorts (the host allocates them), the ClusterIP taken back from the host, status
 * back, and the virtual `default/kubernetes` mirroring the vcluster's own host Service.
 */
import type {
  EndpointAddress,
  EndpointSlice,
  Endpoints,
  Service,
  ServicePort,
  ServiceSpec,
  ServiceStatus,
} from '../../k8s/types.js';
import { copyBidirectional } from '../../syncer/patcher/bidirectional.js';
import { jsonEqual, toJson } from '../../lib/json.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { BLOCK_DELETION_ANNOTATION } from '../../syncer/translate/constants.js';
import { hostLabels, virtualLabels } from '../../syncer/translate/labels.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { compact, namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

/** Annotations never copied to the host Service. */
export const EXCLUDED_SERVICE_ANNOTATIONS = ['field.cattle.io/publicEndpoints'] as const;

/** Spec fields copied whole in both directions (virtual wins a tie). */
export const BIDIRECTIONAL_SPEC_FIELDS = [
  'type',
  'externalIPs',
  'externalName',
  'loadBalancerIP',
  'ports',
  'publishNotReadyAddresses',
  'externalTrafficPolicy',
  'sessionAffinity',
  'sessionAffinityConfig',
  'loadBalancerSourceRanges',
  'healthCheckNodePort',
] as const satisfies readonly (keyof ServiceSpec)[];

function stripNodePorts(ports: ServicePort[] | undefined): ServicePort[] | undefined {
  return ports?.map((p) => {
    const out = deepCopy(p);
    delete out.nodePort;
    return out;
  });
}

/** The host selector: virtual selector keys translated, plus the tenant markers. */
export function hostServiceSelector(
  options: TranslateOptions,
  selector: Record<string, string> | undefined,
  virtualNamespace: string,
  existingHostSelector?: Record<string, string>,
): Record<string, string> | undefined {
  if (selector === undefined) return undefined;
  return hostLabels(options.names, selector, {
    virtualNamespace,
    isMetadata: false,
    ...(existingHostSelector === undefined ? {} : { hostLabels: existingHostSelector }),
  });
}

/** The host copy of a virtual Service. */
export function toHostService(virtual: Service, options: TranslateOptions): Service {
  const namespace = virtual.metadata?.namespace ?? '';
  const spec: ServiceSpec = deepCopy(virtual.spec ?? {});
  const selector = hostServiceSelector(options, spec.selector, namespace);
  if (selector === undefined) delete spec.selector;
  else spec.selector = selector;
  if (spec.clusterIP !== 'None') delete spec.clusterIP;
  delete spec.clusterIPs;
  delete spec.ipFamilies;
  delete spec.ipFamilyPolicy;
  const ports = stripNodePorts(spec.ports);
  if (ports !== undefined) spec.ports = ports;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.Service, {
      excludeAnnotations: EXCLUDED_SERVICE_ANNOTATIONS,
    }),
    spec,
  };
}

/** True when the virtual Service must be recreated with the host's ClusterIP. */
export function clusterIpDiffers(virtual: Service, host: Service): boolean {
  const hostIp = host.spec?.clusterIP;
  return hostIp !== undefined && hostIp !== '' && virtual.spec?.clusterIP !== hostIp;
}

const samePort = (a: ServicePort, b: ServicePort): boolean =>
  a.port === b.port && (a.protocol ?? 'TCP') === (b.protocol ?? 'TCP') && a.name === b.name;

/**
 * True when a port of the virtual Service has another nodePort than its host twin's (or the
 * healthCheckNodePort differs): the virtual side then takes the host's, as vCluster's Service create
 * interceptor makes them equal.
 */
export function nodePortsDiffer(virtual: Service, host: Service): boolean {
  const hostPorts = host.spec?.ports ?? [];
  const differs = (virtual.spec?.ports ?? []).some((p) => {
    const match = hostPorts.find((hp) => samePort(hp, p));
    return match?.nodePort !== undefined && match.nodePort !== p.nodePort;
  });
  const hc = host.spec?.healthCheckNodePort;
  return differs || (hc !== undefined && hc !== virtual.spec?.healthCheckNodePort);
}

/** The virtual Service with the host twin's nodePorts (and healthCheckNodePort); nodePorts may be updated in place. */
export function withHostNodePorts(virtual: Service, host: Service): Service {
  const out = deepCopy(virtual);
  const hostPorts = host.spec?.ports ?? [];
  const spec: ServiceSpec = out.spec ?? {};
  if (spec.ports !== undefined) {
    spec.ports = spec.ports.map((p) => {
      const match = hostPorts.find((hp) => samePort(hp, p));
      return match?.nodePort === undefined ? p : { ...p, nodePort: match.nodePort };
    });
  }
  if (host.spec?.healthCheckNodePort !== undefined) spec.healthCheckNodePort = host.spec.healthCheckNodePort;
  out.spec = spec;
  return out;
}

/**
 * The host Service as first asked for: the virtual ClusterIP (the two clusters share the service CIDR)
 * and, with `nodePorts`, the virtual nodePorts (the same node-port range), so both sides agree without
 * a rewrite. The host may refuse either (taken): the caller then asks with less.
 */
export function hostServiceRequest(virtual: Service, translated: Service, nodePorts: boolean): Service | undefined {
  const ip = virtual.spec?.clusterIP;
  if (!ip || ip === 'None') return undefined;
  const spec: ServiceSpec = { ...deepCopy(translated.spec ?? {}), clusterIP: ip, clusterIPs: [...(virtual.spec?.clusterIPs ?? [ip])] };
  if (nodePorts) {
    const virtualPorts = virtual.spec?.ports ?? [];
    if (spec.ports !== undefined) {
      spec.ports = spec.ports.map((p) => {
        const nodePort = virtualPorts.find((vp) => samePort(vp, p))?.nodePort;
        return nodePort === undefined ? p : { ...p, nodePort };
      });
    }
    if (virtual.spec?.healthCheckNodePort !== undefined) spec.healthCheckNodePort = virtual.spec.healthCheckNodePort;
  }
  return { ...translated, spec };
}

/** The virtual Service to (re)create so that its IPs and nodePorts equal the host's. */
export function withHostAllocations(virtual: Service, host: Service): Service {
  const out = deepCopy(virtual);
  const spec: ServiceSpec = out.spec ?? {};
  const hostSpec = host.spec ?? {};
  Object.assign(
    spec,
    compact({
      clusterIP: hostSpec.clusterIP,
      clusterIPs: hostSpec.clusterIPs === undefined ? undefined : [...hostSpec.clusterIPs],
      ipFamilies: hostSpec.ipFamilies === undefined ? undefined : [...hostSpec.ipFamilies],
      ipFamilyPolicy: hostSpec.ipFamilyPolicy,
      healthCheckNodePort: hostSpec.healthCheckNodePort,
    }),
  );
  if (spec.ports !== undefined && hostSpec.ports !== undefined) {
    spec.ports = spec.ports.map((p) => {
      const match = hostSpec.ports?.find(
        (hp) => hp.port === p.port && (hp.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && hp.name === p.name,
      );
      return match?.nodePort === undefined ? p : { ...p, nodePort: match.nodePort };
    });
  }
  out.spec = spec;
  if (out.metadata !== undefined) {
    delete out.metadata.resourceVersion;
    delete out.metadata.uid;
    delete out.metadata.creationTimestamp;
  }
  return out;
}

export interface ServiceSyncInput {
  readonly virtualOld: Service | undefined;
  readonly virtual: Service;
  readonly hostOld: Service | undefined;
  readonly host: Service;
}

function pick(spec: ServiceSpec | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of BIDIRECTIONAL_SPEC_FIELDS) out[field] = spec?.[field];
  return out;
}

/** The desired virtual and host Services after a bidirectional spec sync and status back-sync. */
export function syncService(
  input: ServiceSyncInput,
  options: TranslateOptions,
): { virtual: Service; host: Service } {
  const virtual = deepCopy(input.virtual);
  const host = deepCopy(input.host);
  const fields = copyBidirectional({
    virtualOld: input.virtualOld === undefined ? undefined : pick(input.virtualOld.spec),
    virtual: pick(input.virtual.spec),
    hostOld: input.hostOld === undefined ? undefined : pick(input.hostOld.spec),
    host: pick(input.host.spec),
  });
  virtual.spec = { ...(virtual.spec ?? {}), ...(compact(fields.virtual) as ServiceSpec) };
  host.spec = { ...(host.spec ?? {}), ...(compact(fields.host) as ServiceSpec) };
  for (const field of BIDIRECTIONAL_SPEC_FIELDS) {
    if (fields.virtual[field] === undefined) delete virtual.spec[field];
    if (fields.host[field] === undefined) delete host.spec[field];
  }
  // Selector: virtual → host unless only the host changed.
  const namespace = input.virtual.metadata?.namespace ?? '';
  const virtualSelectorChanged =
    input.virtualOld === undefined ||
    !jsonEqual(toJson(input.virtualOld.spec?.selector), toJson(input.virtual.spec?.selector));
  const hostSelectorChanged =
    input.hostOld !== undefined &&
    !jsonEqual(toJson(input.hostOld.spec?.selector), toJson(input.host.spec?.selector));
  if (virtualSelectorChanged || !hostSelectorChanged) {
    const selector = hostServiceSelector(
      options,
      input.virtual.spec?.selector,
      namespace,
      input.host.spec?.selector,
    );
    if (selector === undefined) delete host.spec.selector;
    else host.spec.selector = selector;
  } else {
    // only the host selector changed: it flows back (markers dropped, hashed keys restored)
    const selector = input.host.spec?.selector;
    if (selector === undefined) delete virtual.spec.selector;
    else virtual.spec.selector = virtualLabels(options.names, selector);
  }
  // a non-LoadBalancer host service carries no load-balancer IP
  if (host.spec.type !== 'LoadBalancer') delete host.spec.loadBalancerIP;
  // the create interceptor's deletion guard is no longer needed once both sides exist
  if (host.metadata?.annotations?.[BLOCK_DELETION_ANNOTATION] !== undefined) {
    const annotations = { ...host.metadata.annotations };
    delete annotations[BLOCK_DELETION_ANNOTATION];
    host.metadata = { ...host.metadata, annotations };
  }
  const status = virtualStatus(input.host.status, host.spec.type);
  if (status === undefined) delete virtual.status;
  else virtual.status = status;
  return { virtual, host };
}

/** The host status as the virtual status; load-balancer ingress only for LoadBalancer services. */
export function virtualStatus(
  hostStatus: ServiceStatus | undefined,
  type: string | undefined,
): ServiceStatus | undefined {
  if (hostStatus === undefined) return undefined;
  const status = deepCopy(hostStatus);
  if (type !== 'LoadBalancer' && status.loadBalancer !== undefined) status.loadBalancer = {};
  return status;
}

/** The spec fields of virtual `default/kubernetes` taken from the vcluster's host Service. */
export function kubernetesServiceSpec(virtual: Service, vclusterHostService: Service): Service {
  const out = deepCopy(virtual);
  const hostSpec = vclusterHostService.spec ?? {};
  const spec: ServiceSpec = out.spec ?? {};
  Object.assign(
    spec,
    compact({
      clusterIP: hostSpec.clusterIP,
      clusterIPs: hostSpec.clusterIPs === undefined ? undefined : [...hostSpec.clusterIPs],
      ipFamilies: hostSpec.ipFamilies === undefined ? undefined : [...hostSpec.ipFamilies],
      ipFamilyPolicy: hostSpec.ipFamilyPolicy,
    }),
  );
  spec.ports = kubernetesServicePorts(hostSpec.ports);
  out.spec = spec;
  return out;
}

/** The vcluster Service's ports as `default/kubernetes` shows them: no `kubelet` port, no nodePorts. */
export function kubernetesServicePorts(ports: readonly ServicePort[] | undefined): ServicePort[] {
  return (ports ?? [])
    .filter((p) => p.name !== 'kubelet')
    .map((p) =>
      compact({
        name: p.name,
        protocol: p.protocol,
        appProtocol: p.appProtocol,
        port: p.port,
        targetPort: p.targetPort,
      }),
    );
}

/**
 * What keeping virtual `default/kubernetes` equal to the vcluster's host Service takes: a
 * recreate when its cluster IPs differ (they are immutable), an update when only the ports
 * differ, nothing otherwise.
 */
export function kubernetesServiceAction(
  virtual: Service,
  vclusterHostService: Service,
): 'recreate' | 'update' | 'none' {
  const v = virtual.spec ?? {};
  const h = vclusterHostService.spec ?? {};
  const ipsDiffer =
    v.clusterIP !== h.clusterIP || !jsonEqual(toJson(v.clusterIPs ?? null), toJson(h.clusterIPs ?? null));
  if (ipsDiffer) return 'recreate';
  return jsonEqual(toJson(v.ports ?? []), toJson(kubernetesServicePorts(h.ports))) ? 'none' : 'update';
}

export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';

function bareAddresses(addresses: readonly EndpointAddress[] | undefined): EndpointAddress[] {
  return (addresses ?? []).map((a) => {
    const out = deepCopy(a);
    delete out.hostname;
    delete out.nodeName;
    delete out.targetRef;
    return out;
  });
}

/**
 * Virtual `default/kubernetes` Endpoints from the host Endpoints of the vcluster's Service, as
 * vCluster's k8sdefaultendpoint controller builds them: every subset kept with only its `https`
 * ports, addresses without hostname, nodeName and targetRef (empty lists omitted, as Go's omitempty).
 */
export function kubernetesEndpoints(hostEndpoints: Endpoints): Endpoints {
  const subsets = (hostEndpoints.subsets ?? []).map((subset) => {
    const addresses = bareAddresses(subset.addresses);
    const notReadyAddresses = bareAddresses(subset.notReadyAddresses);
    const ports = (subset.ports ?? []).filter((p) => p.name === 'https').map((p) => deepCopy(p));
    return compact({
      addresses: addresses.length > 0 ? addresses : undefined,
      notReadyAddresses: notReadyAddresses.length > 0 ? notReadyAddresses : undefined,
      ports: ports.length > 0 ? ports : undefined,
    });
  });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [SKIP_MIRROR_LABEL]: 'true' } },
    subsets,
  };
}

/**
 * The EndpointSlice of virtual `default/kubernetes` (the virtual apiserver runs with
 * --endpoint-reconciler-type=none, so nothing else writes it), built from the virtual Endpoints
 * with Kubernetes' endpoints adapter: first subset only, IPv6 only when every address is IPv6.
 */
export function kubernetesEndpointSlice(endpoints: Endpoints): EndpointSlice {
  const name = endpoints.metadata?.name ?? 'kubernetes';
  const subset = endpoints.subsets?.[0];
  const ready = subset?.addresses ?? [];
  const notReady = subset?.notReadyAddresses ?? [];
  const all = [...ready, ...notReady];
  const addressType = all.length > 0 && all.every((a) => a.ip.includes(':')) ? 'IPv6' : 'IPv4';
  const matches = (ip: string): boolean => ip.includes(':') === (addressType === 'IPv6');
  const toEndpoint = (a: EndpointAddress, isReady: boolean): EndpointSlice['endpoints'][number] =>
    compact({
      addresses: [a.ip],
      conditions: { ready: isReady },
      targetRef: a.targetRef,
      nodeName: a.nodeName,
    });
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
    addressType,
    endpoints: [
      ...ready.filter((a) => matches(a.ip)).map((a) => toEndpoint(a, true)),
      ...notReady.filter((a) => matches(a.ip)).map((a) => toEndpoint(a, false)),
    ],
  };
  if (subset?.ports !== undefined && subset.ports.length > 0) {
    slice.ports = subset.ports.map((p) => compact({ port: p.port, name: p.name, protocol: p.protocol }));
  }
  return slice;
}

/** `default/kubernetes` is never synced by the generic service syncer (it mirrors the vcluster Service). */
export function isKubernetesService(ref: { readonly namespace?: string; readonly name: string }): boolean {
  return ref.namespace === 'default' && ref.name === 'kubernetes';
}
