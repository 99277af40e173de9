import { mergeArgs, type ComponentSpec } from './spec.js';

export interface SchedulerConfig {
  readonly binary: string;
  readonly kubeconfig: string;
  readonly securePort: number;
  readonly certDir: string;
  readonly extraArgs?: readonly string[];
}

export function buildScheduler(c: SchedulerConfig): ComponentSpec {
  const defaults = [
    `--kubeconfig=${c.kubeconfig}`,
    `--authentication-kubeconfig=${c.kubeconfig}`,
    `--authorization-kubeconfig=${c.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${c.securePort}`,
    `--cert-dir=${c.certDir}`,
    '--leader-elect=false',
  ];
  return {
    name: 'kube-scheduler',
    command: c.binary,
    args: mergeArgs(defaults, c.extraArgs),
    readiness: { kind: 'http', url: `https://127.0.0.1:${c.securePort}/healthz`, insecure: true },
  };
}
