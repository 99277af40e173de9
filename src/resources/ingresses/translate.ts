/**
 * Ingresses, virtual → host (vcluster-behavior.md §2.8 Ingresses): backend Service (and resource) names
 * and TLS secretNames translated to their host twins, ingressClassName kept; the nginx annotations that
 * name a Secret (`name` or `ns/name`) translated. The Secrets an Ingress names go to the host with it.
 * Pure.
 */
import type { Ingress, IngressBackend } from '../../k8s/types.js';
import type { SecretRef } from '../shared/referenced-syncer.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName } from '../../syncer/translate/names.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { compact, namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

/** Annotations whose value names a Secret: `name` (the Ingress's namespace) or `namespace/name`. */
export const INGRESS_SECRET_ANNOTATIONS: readonly string[] = [
  'nginx.ingress.kubernetes.io/auth-secret',
  'nginx.ingress.kubernetes.io/auth-tls-secret',
  'nginx.ingress.kubernetes.io/proxy-ssl-secret',
];


function parseSecretAnnotation(value: string, virtualNamespace: string): SecretRef | undefined {
  const parts = value.split('/');
  if (parts.length === 1 && parts[0]) return { namespace: virtualNamespace, name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  return undefined;
}

function translateBackend(options: TranslateOptions, backend: IngressBackend, ns: string): IngressBackend {
  const out = deepCopy(backend);
  if (out.service?.name) out.service.name = hostName(options.names, out.service.name, ns);
  if (out.resource?.name) out.resource.name = hostName(options.names, out.resource.name, ns);
  return out;
}

/** The Secrets a virtual Ingress names (TLS and the nginx annotations), deduplicated. */
export function ingressSecretRefs(virtual: Ingress): SecretRef[] {
  const ns = virtual.metadata?.namespace ?? '';
  const refs: SecretRef[] = [];
  for (const tls of virtual.spec?.tls ?? []) if (tls.secretName) refs.push({ namespace: ns, name: tls.secretName });
  for (const key of INGRESS_SECRET_ANNOTATIONS) {
    const value = virtual.metadata?.annotations?.[key];
    const ref = value === undefined ? undefined : parseSecretAnnotation(value, ns);
    if (ref) refs.push(ref);
  }
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.namespace}/${r.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The host values of the Secret-naming annotations (`ns/name` → `<host ns>/<host name>`). */
export function hostSecretAnnotations(options: TranslateOptions, virtual: Ingress): Record<string, string> {
  const ns = virtual.metadata?.namespace ?? '';
  const out: Record<string, string> = {};
  for (const key of INGRESS_SECRET_ANNOTATIONS) {
    const value = virtual.metadata?.annotations?.[key];
    if (value === undefined) continue;
    const ref = parseSecretAnnotation(value, ns);
    if (ref === undefined) out[key] = value;
    else if (value.includes('/')) out[key] = `${options.names.hostNamespace}/${hostName(options.names, ref.name, ref.namespace)}`;
    else out[key] = hostName(options.names, ref.name, ref.namespace);
  }
  return out;
}

/** The host copy of a virtual Ingress: `<name>-x-<ns>-x-<vc>`, spec translated, no status. */
export function toHostIngress(virtual: Ingress, options: TranslateOptions): Ingress {
  const ns = virtual.metadata?.namespace ?? '';
  const meta = namespacedHostMeta(options, virtual.metadata, GVK.Ingress);
  meta.annotations = { ...(meta.annotations ?? {}), ...hostSecretAnnotations(options, virtual) };
  const spec = deepCopy(virtual.spec ?? {});
  if (spec.defaultBackend) spec.defaultBackend = translateBackend(options, spec.defaultBackend, ns);
  for (const rule of spec.rules ?? []) {
    for (const path of rule.http?.paths ?? []) path.backend = translateBackend(options, path.backend, ns);
  }
  for (const tls of spec.tls ?? []) if (tls.secretName) tls.secretName = hostName(options.names, tls.secretName, ns);
  return compact({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta, spec });
}
