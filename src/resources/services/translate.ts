/**
 * Services (vcluster-behavior.md §2.8 Services): spec to the host with a translated selector and
 * no IPs or nodePorts (the host allocates them), the ClusterIP taken back from the host, status
 * back, and the virtual `default/kubernetes` mirroring the vcluster's own host Service.
 */
import type {
  EndpointSlice,
  Endpoints,
  Service,
  ServicePort,
  ServiceSpec,
  ServiceStatus,
} from '../../syncer/translate/kube-types.js';
import { copyBidirectional } from '../../syncer/patcher/bidirectional.js';
import { jsonEqual, toJson } from '../../syncer/patcher/json.js';
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

/** Virtual `default/kubernetes` Endpoints from the host Endpoints of the vcluster's Service. */
export function kubernetesEndpoints(hostEndpoints: Endpoints): Endpoints {
  const subsets = (hostEndpoints.subsets ?? [])
    .map((subset) => ({
      addresses: (subset.addresses ?? []).map((a) => ({ ip: a.ip })),
      ports: (subset.ports ?? []).filter((p) => p.name === 'https').map((p) => deepCopy(p)),
    }))
    .filter((s) => s.ports.length > 0 && s.addresses.length > 0);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [SKIP_MIRROR_LABEL]: 'true' } },
    subsets,
  };
}

/** `default/kubernetes` is never synced by the generic service syncer (it mirrors the vcluster Service). */
export function isKubernetesService(ref: { readonly namespace?: string; readonly name: string }): boolean {
  return ref.namespace === 'default' && ref.name === 'kubernetes';
}

/**
 * The EndpointSlice of virtual `default/kubernetes`, built from the same host Endpoints (the
 * virtual apiserver runs with --endpoint-reconciler-type=none, so nothing else writes it).
 */
export function kubernetesEndpointSlice(hostEndpoints: Endpoints): EndpointSlice {
  const endpoints = kubernetesEndpoints(hostEndpoints);
  const subsets = endpoints.subsets ?? [];
  const addresses = [...new Set(subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)))];
  const port = subsets[0]?.ports?.[0];
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: {
        'kubernetes.io/service-name': 'kubernetes',
        'endpointslice.kubernetes.io/managed-by': 'vcluster',
      },
    },
    addressType: addresses.some((ip) => ip.includes(':')) ? 'IPv6' : 'IPv4',
    endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  };
  if (port !== undefined)
    slice.ports = [{ name: 'https', port: port.port, protocol: port.protocol ?? 'TCP' }];
  return slice;
}
