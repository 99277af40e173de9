/**
 * The virtual kube-apiserver's AdmissionConfiguration: the PodSecurity admission plugin enforcing
 * `policies.podSecurityStandard` in every namespace by default, with audit and warn at the same level
 * (vcluster-behavior.md §2.8: vCluster enforces the level and re-checks pods in the syncer). A
 * namespace's own `pod-security.kubernetes.io/*` labels still override the defaults, as in any
 * cluster: that is why the syncer checks every pod again before the host sees it.
 * Pure: start.ts writes the text into the data dir, apiserver.ts passes --admission-control-config-file.
 */
import { stringify } from 'yaml';
import type { PodSecurityStandard } from '../../config/index.js';

export function renderAdmissionConfig(level: PodSecurityStandard): string {
  const config = {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      {
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: {
            enforce: level,
            'enforce-version': 'latest',
            audit: level,
            'audit-version': 'latest',
            warn: level,
            'warn-version': 'latest',
          },
          // nothing vcluster-ts deploys into the virtual cluster needs an exemption
          exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
        },
      },
    ],
  };
  return `# written by vcluster start from policies.podSecurityStandard\n${stringify(config, { lineWidth: 0 })}`;
}
