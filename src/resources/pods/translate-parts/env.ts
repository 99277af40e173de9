/**
 * Container environment on the host pod: ConfigMap/Secret references translated, downward-API
 * fields pointed at the bookkeeping annotations, and the `kubernetes` service variables (plus
 * service links of the virtual services) prepended so user variables still override them.
 */
import type {
  Container,
  EnvFromSource,
  EnvVar,
  ObjectFieldSelector,
  Service,
} from '../../../k8s/types.js';
import { hostLabelKey } from '../../../syncer/translate/labels.js';
import type { NameContext } from '../../../syncer/translate/names.js';
import { hostName } from '../../../syncer/translate/names.js';
import { deepCopy } from '../../../syncer/translate/object.js';
import {
  POD_LABELS_ANNOTATION,
  POD_NAME_ANNOTATION,
  POD_NAMESPACE_ANNOTATION,
  POD_SERVICE_ACCOUNT_ANNOTATION,
  POD_UID_ANNOTATION,
} from './pod-annotations.js';
import type { PodReference } from './references.js';

const FIELD_REWRITES: Readonly<Record<string, string>> = {
  'metadata.name': `metadata.annotations['${POD_NAME_ANNOTATION}']`,
  'metadata.namespace': `metadata.annotations['${POD_NAMESPACE_ANNOTATION}']`,
  'metadata.uid': `metadata.annotations['${POD_UID_ANNOTATION}']`,
  'spec.serviceAccountName': `metadata.annotations['${POD_SERVICE_ACCOUNT_ANNOTATION}']`,
  'metadata.labels': `metadata.annotations['${POD_LABELS_ANNOTATION}']`,
};

const LABEL_FIELD = /^metadata\.labels\['(.*)'\]$/;

/** A downward-API field path as the host pod must read it. */
export function hostFieldPath(names: NameContext, fieldPath: string): string {
  const rewritten = FIELD_REWRITES[fieldPath];
  if (rewritten !== undefined) return rewritten;
  const label = LABEL_FIELD.exec(fieldPath);
  if (label?.[1] !== undefined) {
    const key = hostLabelKey(names, label[1]) ?? label[1];
    return `metadata.labels['${key}']`;
  }
  return fieldPath;
}

export function hostFieldRef(names: NameContext, ref: ObjectFieldSelector): ObjectFieldSelector {
  return { ...ref, fieldPath: hostFieldPath(names, ref.fieldPath) };
}

function translateEnvVar(names: NameContext, env: EnvVar, namespace: string, refs: PodReference[]): EnvVar {
  const out = deepCopy(env);
  const from = out.valueFrom;
  if (from === undefined) return out;
  if (from.configMapKeyRef?.name) {
    refs.push({ kind: 'ConfigMap', name: from.configMapKeyRef.name, namespace });
    from.configMapKeyRef.name = hostName(names, from.configMapKeyRef.name, namespace);
  }
  if (from.secretKeyRef?.name) {
    refs.push({ kind: 'Secret', name: from.secretKeyRef.name, namespace });
    from.secretKeyRef.name = hostName(names, from.secretKeyRef.name, namespace);
  }
  if (from.fieldRef !== undefined) from.fieldRef = hostFieldRef(names, from.fieldRef);
  return out;
}

function translateEnvFrom(
  names: NameContext,
  source: EnvFromSource,
  namespace: string,
  refs: PodReference[],
): EnvFromSource {
  const out = deepCopy(source);
  if (out.configMapRef?.name) {
    refs.push({ kind: 'ConfigMap', name: out.configMapRef.name, namespace });
    out.configMapRef.name = hostName(names, out.configMapRef.name, namespace);
  }
  if (out.secretRef?.name) {
    refs.push({ kind: 'Secret', name: out.secretRef.name, namespace });
    out.secretRef.name = hostName(names, out.secretRef.name, namespace);
  }
  return out;
}

/** The `kubernetes` service variables pointing at the vcluster's host Service. */
export function kubernetesServiceEnv(kubeIP: string): EnvVar[] {
  const url = `tcp://${kubeIP}:443`;
  return [
    { name: 'KUBERNETES_PORT', value: url },
    { name: 'KUBERNETES_PORT_443_TCP', value: url },
    { name: 'KUBERNETES_PORT_443_TCP_ADDR', value: kubeIP },
    { name: 'KUBERNETES_PORT_443_TCP_PORT', value: '443' },
    { name: 'KUBERNETES_PORT_443_TCP_PROTO', value: 'tcp' },
    { name: 'KUBERNETES_SERVICE_HOST', value: kubeIP },
    { name: 'KUBERNETES_SERVICE_PORT', value: '443' },
    { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: '443' },
  ];
}

/** Go's net.JoinHostPort: IPv6 addresses in brackets. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function envName(name: string): string {
  return name.toUpperCase().replaceAll('-', '_');
}

/** Kubernetes' service-link variables for the virtual services of the namespace. */
export function serviceLinkEnv(services: readonly Service[]): EnvVar[] {
  const out: EnvVar[] = [];
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    const name = svc.metadata?.name ?? '';
    const ports = svc.spec?.ports ?? [];
    if (!ip || ip === 'None' || name === '' || name === 'kubernetes' || ports.length === 0) continue;
    const prefix = envName(name);
    const first = ports[0];
    if (first === undefined) continue;
    out.push(
      { name: `${prefix}_SERVICE_HOST`, value: ip },
      { name: `${prefix}_SERVICE_PORT`, value: String(first.port) },
    );
    for (const port of ports) {
      if (port.name)
        out.push({ name: `${prefix}_SERVICE_PORT_${envName(port.name)}`, value: String(port.port) });
    }
    const protocol = (first.protocol ?? 'TCP').toLowerCase();
    out.push({ name: `${prefix}_PORT`, value: `${protocol}://${joinHostPort(ip, first.port)}` });
    for (const port of ports) {
      const proto = (port.protocol ?? 'TCP').toLowerCase();
      const base = `${prefix}_PORT_${port.port}_${proto.toUpperCase()}`;
      out.push(
        { name: base, value: `${proto}://${joinHostPort(ip, port.port)}` },
        { name: `${base}_PROTO`, value: proto },
        { name: `${base}_PORT`, value: String(port.port) },
        { name: `${base}_ADDR`, value: ip },
      );
    }
  }
  return out;
}

export interface ContainerEnvOptions {
  readonly names: NameContext;
  readonly namespace: string;
  /** Generated variables (sorted by name and prepended). */
  readonly generated: readonly EnvVar[];
}

/** A container with its env/envFrom translated and the generated variables prepended. */
export function translateContainerEnv<C extends Pick<Container, 'env' | 'envFrom'>>(
  container: C,
  options: ContainerEnvOptions,
  refs: PodReference[],
): C {
  const out = deepCopy(container);
  const env = (container.env ?? []).map((e) => translateEnvVar(options.names, e, options.namespace, refs));
  // Generated variables the container defines itself are left out; the rest come first, sorted,
  // so user variables can refer to them ($(VAR)).
  const own = new Set((container.env ?? []).map((e) => e.name));
  const generated = options.generated
    .filter((e) => !own.has(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const all = [...generated, ...env];
  if (all.length > 0) out.env = all;
  if (container.envFrom !== undefined)
    out.envFrom = container.envFrom.map((s) => translateEnvFrom(options.names, s, options.namespace, refs));
  return out;
}
