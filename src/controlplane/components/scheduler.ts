import { kubeconfigServingArgs, mergeArgs, type ComponentSpec } from './spec.js';

export interface SchedulerConfig {
  readonly binary: string;
  readonly kubeconfig: string;
  readonly securePort: number;
  readonly certDir: string;
  readonly extraArgs?: readonly string[];
}

export function buildScheduler(c: SchedulerConfig): ComponentSpec {
  const defaults = [
    ...kubeconfigServingArgs(c.kubeconfig, c.securePort, c.certDir),
    '--leader-elect=false',
  ];
  return {
    name: 'kube-scheduler',
    command: c.binary,
    args: mergeArgs(defaults, c.extraArgs),
    readiness: { kind: 'http', url: `https://127.0.0.1:${c.securePort}/healthz`, insecure: true },
  };
}
