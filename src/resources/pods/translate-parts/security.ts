/**
 * The syncer's own Pod Security Standard check (`policies.podSecurityStandard`): the virtual
 * kube-apiserver's PodSecurity admission enforces the level, but a namespace label
 * (`pod-security.kubernetes.io/enforce=privileged`) or an apiserver flag can lift it inside the virtual
 * cluster, so every pod is checked again before the host sees it, as vCluster does (vcluster-behavior.md
 * §2.8). The rules are those of k8s.io/pod-security-admission (policy/check_*.go) at version `latest`
 * of Kubernetes v1.36; each violation is phrased for the tenant, naming the field it breaks.
 * Pure.
 */
import type { PodSecurityStandard } from '../../../config/index.js';
import type { Pod } from '../../../k8s/types.js';
import type { Container, PodSpec, Volume } from '../../../k8s/types.js';

type Level = Exclude<PodSecurityStandard, 'privileged'>;

/** What a check sees: the spec, every container (init, regular, ephemeral) and the annotations. */
interface PodView {
  readonly spec: PodSpec;
  readonly containers: readonly Container[];
  readonly annotations: Readonly<Record<string, string>>;
}

type Check = (pod: PodView) => string[];

/** Capabilities a baseline pod may add (check_capabilities_baseline.go). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Sysctls a baseline pod may set (check_sysctls.go, v1.32+). */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

const SELINUX_TYPES: ReadonlySet<string> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

/** Volume sources a restricted pod may use (check_restrictedVolumes.go). */
const RESTRICTED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const quote = (items: readonly string[]): string => items.map((i) => JSON.stringify(i)).join(', ');
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);
const container = (c: Container): string => `container ${JSON.stringify(c.name)}`;

/** hostUsers: false (a user namespace) relaxes procMount, runAsNonRoot and runAsUser (v1.35+). */
const inUserNamespace = (spec: PodSpec): boolean => spec.hostUsers === false;
const isWindows = (spec: PodSpec): boolean => spec.os?.name === 'windows';

/** One message per container that breaks a per-container rule. */
function perContainer(pod: PodView, bad: (c: Container) => string | undefined): string[] {
  return pod.containers.flatMap((c) => {
    const problem = bad(c);
    return problem === undefined ? [] : [`${problem} for ${container(c)}`];
  });
}

// ---- baseline ----

const hostNamespaces: Check = ({ spec }) =>
  (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((field) => spec[field] === true)
    .map((field) => `${field} is not allowed`);

const privileged: Check = (pod) =>
  perContainer(pod, (c) => (c.securityContext?.privileged === true ? 'privileged is not allowed' : undefined));

const hostProcess: Check = (pod) => [
  ...(pod.spec.securityContext?.windowsOptions?.hostProcess === true ? ['windowsOptions.hostProcess is not allowed'] : []),
  ...perContainer(pod, (c) =>
    c.securityContext?.windowsOptions?.hostProcess === true ? 'windowsOptions.hostProcess is not allowed' : undefined,
  ),
];

const baselineCapabilities: Check = (pod) =>
  perContainer(pod, (c) => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    return extra.length === 0
      ? undefined
      : `adding ${plural(extra.length, 'capability', 'capabilities')} ${quote(extra)} is not allowed`;
  });

const hostPathVolumes: Check = ({ spec }) => {
  const names = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined).map((v) => v.name);
  return names.length === 0
    ? []
    : [`hostPath ${plural(names.length, 'volume', 'volumes')} ${quote(names)} ${plural(names.length, 'is', 'are')} not allowed`];
};

const hostPorts: Check = (pod) =>
  perContainer(pod, (c) => {
    const ports = (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0);
    return ports.length === 0 ? undefined : `hostPort ${ports.join(', ')} is not allowed`;
  });

const probeAndLifecycleHosts: Check = (pod) =>
  perContainer(pod, (c) => {
    const handlers = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop];
    const hosts = handlers.flatMap((h) => [h?.httpGet?.host, h?.tcpSocket?.host]).filter((h): h is string => !!h);
    return hosts.length === 0 ? undefined : `probe or lifecycle host ${quote([...new Set(hosts)])} is not allowed`;
  });

const procMountOf = (pod: PodView): string[] =>
  perContainer(pod, (c) => {
    const mount = c.securityContext?.procMount;
    return mount === undefined || mount === 'Default' ? undefined : `procMount ${JSON.stringify(mount)} is not allowed`;
  });

const procMountBaseline: Check = (pod) => (inUserNamespace(pod.spec) ? [] : procMountOf(pod));

const seLinuxOptions: Check = (pod) => {
  const problem = (o: { type?: string; user?: string; role?: string } | undefined): string | undefined => {
    if (o === undefined) return undefined;
    const bad = [
      ...(SELINUX_TYPES.has(o.type ?? '') ? [] : [`type ${JSON.stringify(o.type)}`]),
      ...(o.user ? ['user'] : []),
      ...(o.role ? ['role'] : []),
    ];
    return bad.length === 0 ? undefined : `seLinuxOptions ${bad.join(', ')} ${plural(bad.length, 'is', 'are')} not allowed`;
  };
  const podProblem = problem(pod.spec.securityContext?.seLinuxOptions);
  return [...(podProblem ? [`${podProblem} for the pod`] : []), ...perContainer(pod, (c) => problem(c.securityContext?.seLinuxOptions))];
};

const validSeccomp = (type: string): boolean => type === 'RuntimeDefault' || type === 'Localhost';

const seccompBaseline: Check = (pod) => {
  const podType = pod.spec.securityContext?.seccompProfile?.type;
  return [
    ...(podType !== undefined && !validSeccomp(podType) ? [`seccompProfile ${JSON.stringify(podType)} is not allowed for the pod`] : []),
    ...perContainer(pod, (c) => {
      const type = c.securityContext?.seccompProfile?.type;
      return type !== undefined && !validSeccomp(type) ? `seccompProfile ${JSON.stringify(type)} is not allowed` : undefined;
    }),
  ];
};

const appArmor: Check = (pod) => {
  const allowed = (type: string): boolean => type === 'RuntimeDefault' || type === 'Localhost';
  const podType = pod.spec.securityContext?.appArmorProfile?.type;
  const annotations = Object.entries(pod.annotations)
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && v !== '' && v !== 'runtime/default' && !v.startsWith('localhost/'))
    .map(([k, v]) => `AppArmor annotation ${k}=${JSON.stringify(v)} is not allowed`);
  return [
    ...(podType !== undefined && !allowed(podType) ? [`AppArmor profile ${JSON.stringify(podType)} is not allowed for the pod`] : []),
    ...perContainer(pod, (c) => {
      const type = c.securityContext?.appArmorProfile?.type;
      return type !== undefined && !allowed(type) ? `AppArmor profile ${JSON.stringify(type)} is not allowed` : undefined;
    }),
    ...annotations.sort(),
  ];
};

const sysctls: Check = ({ spec }) => {
  const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !SAFE_SYSCTLS.has(n));
  return bad.length === 0 ? [] : [`${plural(bad.length, 'sysctl', 'sysctls')} ${quote(bad)} ${plural(bad.length, 'is', 'are')} not allowed`];
};

// ---- restricted (each replaces the baseline check of the same concern) ----

function volumeSource(volume: Volume): string {
  return Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
}

const restrictedVolumes: Check = ({ spec }) =>
  (spec.volumes ?? [])
    .filter((v) => !RESTRICTED_VOLUME_SOURCES.has(volumeSource(v)))
    .map((v) => `${volumeSource(v)} volume ${JSON.stringify(v.name)} is not allowed`);

const allowPrivilegeEscalation: Check = (pod) =>
  isWindows(pod.spec)
    ? []
    : perContainer(pod, (c) =>
        c.securityContext?.allowPrivilegeEscalation === false ? undefined : 'allowPrivilegeEscalation must be false',
      );

const restrictedCapabilities: Check = (pod) =>
  isWindows(pod.spec)
    ? []
    : perContainer(pod, (c) => {
        const caps = c.securityContext?.capabilities;
        const problems = [
          ...((caps?.drop ?? []).includes('ALL') ? [] : ['capabilities.drop must include "ALL"']),
          ...((caps?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')
            ? [`adding ${quote((caps?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE'))} is not allowed`]
            : []),
        ];
        return problems.length === 0 ? undefined : problems.join(' and ');
      });

const runAsNonRoot: Check = (pod) => {
  if (inUserNamespace(pod.spec)) return [];
  const podValue = pod.spec.securityContext?.runAsNonRoot;
  return [
    ...(podValue === false ? ['runAsNonRoot=false is not allowed for the pod'] : []),
    ...perContainer(pod, (c) => {
      const value = c.securityContext?.runAsNonRoot;
      if (value === false) return 'runAsNonRoot=false is not allowed';
      return value === undefined && podValue !== true ? 'runAsNonRoot must be true (on the pod or the container)' : undefined;
    }),
  ];
};

const runAsUser: Check = (pod) => {
  if (inUserNamespace(pod.spec)) return [];
  return [
    ...(pod.spec.securityContext?.runAsUser === 0 ? ['runAsUser=0 is not allowed for the pod'] : []),
    ...perContainer(pod, (c) => (c.securityContext?.runAsUser === 0 ? 'runAsUser=0 is not allowed' : undefined)),
  ];
};

const seccompRestricted: Check = (pod) => {
  if (isWindows(pod.spec)) return [];
  const podType = pod.spec.securityContext?.seccompProfile?.type;
  const podSet = podType !== undefined && validSeccomp(podType);
  return [
    ...(podType !== undefined && !validSeccomp(podType) ? [`seccompProfile ${JSON.stringify(podType)} is not allowed for the pod`] : []),
    ...perContainer(pod, (c) => {
      const type = c.securityContext?.seccompProfile?.type;
      if (type !== undefined) return validSeccomp(type) ? undefined : `seccompProfile ${JSON.stringify(type)} is not allowed`;
      return podSet ? undefined : 'seccompProfile must be RuntimeDefault or Localhost (on the pod or the container)';
    }),
  ];
};

const BASELINE: readonly Check[] = [
  hostNamespaces,
  privileged,
  hostProcess,
  baselineCapabilities,
  hostPathVolumes,
  hostPorts,
  probeAndLifecycleHosts,
  procMountBaseline,
  seLinuxOptions,
  seccompBaseline,
  appArmor,
  sysctls,
];

/** Restricted = baseline with four checks replaced by stricter ones, plus three of its own. */
const RESTRICTED: readonly Check[] = [
  hostNamespaces,
  privileged,
  hostProcess,
  restrictedCapabilities,
  restrictedVolumes,
  hostPorts,
  probeAndLifecycleHosts,
  procMountOf,
  seLinuxOptions,
  seccompRestricted,
  appArmor,
  sysctls,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
];

const CHECKS: Readonly<Record<Level, readonly Check[]>> = { baseline: BASELINE, restricted: RESTRICTED };

/** Every rule of `level` the pod breaks, in check order; [] when it may run (always for `privileged`). */
export function podSecurityViolations(pod: Pod, level: PodSecurityStandard): string[] {
  if (level === 'privileged' || pod.spec === undefined) return [];
  const spec = pod.spec;
  const view: PodView = {
    spec,
    containers: [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])],
    annotations: pod.metadata?.annotations ?? {},
  };
  return CHECKS[level].flatMap((check) => check(view));
}

/** The tenant-facing message: `hostNetwork is not allowed (policies.podSecurityStandard=baseline)`. */
export function podSecurityMessage(violations: readonly string[], level: PodSecurityStandard): string {
  return `${violations.join('; ')} (policies.podSecurityStandard=${level})`;
}
