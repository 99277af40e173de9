/**
 * The isolation objects of a vcluster in its host namespace (vcluster-behavior.md §3.1, vCluster's
 * chart templates resourcequota.yaml, limitrange.yaml, networkpolicy.yaml): ResourceQuota `vc-<name>`,
 * LimitRange `vc-<name>` and NetworkPolicy `vc-<name>`, each unless its `policies.*.enabled` is false.
 * They carry the release labels, so `vcluster delete` removes them with the vcluster's other objects.
 * Pure.
 */
import { policiesOf, type Config } from '../config/index.js';
import type { HostObject } from './host-objects.js';
import { MANAGED_BY_LABEL, releaseLabels } from './naming.js';

type Quantities = Readonly<Record<string, string | number>>;

/** Quantities as the API wants them: strings (YAML gives `cpu: 1` as a number). */
function quantities(values: Quantities): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

export function resourceQuota(name: string, namespace: string, quota: Quantities): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: `vc-${name}`, namespace, labels: releaseLabels(name) },
    spec: { hard: quantities(quota) },
  };
}

export interface LimitRangeValues {
  readonly default: Quantities;
  readonly defaultRequest: Quantities;
  readonly min: Quantities;
  readonly max: Quantities;
}

/** Per container, as the chart does; empty min/max are left out. */
export function limitRange(name: string, namespace: string, values: LimitRangeValues): HostObject {
  const optional = (key: 'min' | 'max'): Record<string, Record<string, string>> =>
    Object.keys(values[key]).length === 0 ? {} : { [key]: quantities(values[key]) };
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: `vc-${name}`, namespace, labels: releaseLabels(name) },
    spec: {
      limits: [
        {
          type: 'Container',
          default: quantities(values.default),
          defaultRequest: quantities(values.defaultRequest),
          ...optional('min'),
          ...optional('max'),
        },
      ],
    },
  };
}

/**
 * The vcluster's pods (managed-by=<name>) may talk to each other and to the vcluster's control plane
 * (vCluster's control-plane pod labels app=vcluster,release=<name>, used by the kubernetes driver), and
 * nothing else: pods of other namespaces, other vclusters and unmanaged pods of the same namespace can
 * neither reach them nor be reached. Enforced only where the host runs a NetworkPolicy engine.
 */
export function networkPolicy(name: string, namespace: string): HostObject {
  const peers = [
    { podSelector: { matchLabels: { [MANAGED_BY_LABEL]: name } } },
    { podSelector: { matchLabels: releaseLabels(name) } },
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `vc-${name}`, namespace, labels: releaseLabels(name) },
    spec: {
      podSelector: { matchLabels: { [MANAGED_BY_LABEL]: name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: peers }],
      egress: [{ to: peers }],
    },
  };
}

/** The isolation objects `vcluster create` applies, from the config. */
export function policyObjects(name: string, namespace: string, config: Config): HostObject[] {
  const enabled = policiesOf(config);
  const p = config.policies;
  return [
    ...(enabled.resourceQuota ? [resourceQuota(name, namespace, p.resourceQuota.quota)] : []),
    ...(enabled.limitRange ? [limitRange(name, namespace, p.limitRange)] : []),
    ...(enabled.networkPolicy ? [networkPolicy(name, namespace)] : []),
  ];
}
