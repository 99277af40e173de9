/**
 * /etc/hosts rewriting for pods with a subdomain (the host pod has none): an init container writes
 * a hosts file with the pod's FQDN into an emptyDir mounted over /etc/hosts in every container.
 */
import type { Container, PodSpec, Volume, VolumeMount } from '../../../k8s/types.js';

export const REWRITE_HOSTS_NAME = 'vcluster-rewrite-hosts';
export const DEFAULT_REWRITE_HOSTS_IMAGE = 'mirror.gcr.io/library/alpine:3.20';

export function rewriteHostsInitContainer(
  hostname: string,
  subdomain: string,
  namespace: string,
  clusterDomain: string,
  image: string,
): Container {
  const fqdn = `${hostname}.${subdomain}.${namespace}.svc.${clusterDomain}`;
  const script = `sed -E -e 's/^(\\d+.\\d+.\\d+.\\d+\\s+)${hostname}$/\\1 ${fqdn} ${hostname}/' /etc/hosts > /hosts/hosts`;
  return {
    name: REWRITE_HOSTS_NAME,
    image,
    command: ['sh'],
    args: ['-c', script],
    volumeMounts: [{ name: REWRITE_HOSTS_NAME, mountPath: '/hosts' }],
    resources: { limits: { cpu: '30m', memory: '64Mi' }, requests: { cpu: '30m', memory: '64Mi' } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65534,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

const HOSTS_MOUNT: VolumeMount = { name: REWRITE_HOSTS_NAME, mountPath: '/etc/hosts', subPath: 'hosts' };

/** The spec with the init container prepended, the emptyDir added and /etc/hosts mounted everywhere. */
export function withRewrittenHosts(spec: PodSpec, init: Container): PodSpec {
  const mount = (c: Container): Container => ({
    ...c,
    volumeMounts: [...(c.volumeMounts ?? []), { ...HOSTS_MOUNT }],
  });
  const volume: Volume = { name: REWRITE_HOSTS_NAME, emptyDir: {} };
  return {
    ...spec,
    initContainers: [init, ...(spec.initContainers ?? []).map(mount)],
    containers: spec.containers.map(mount),
    volumes: [...(spec.volumes ?? []), volume],
  };
}
