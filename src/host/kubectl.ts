/** The pinned kubectl, run against the host's admin kubeconfig. */
import { run, type RunResult } from '../lib/process.js';

export interface Kubectl {
  (args: readonly string[], input?: string): Promise<RunResult>;
}

export function kubectlFor(binary: string, kubeconfig: string): Kubectl {
  return (args, input) =>
    run(binary, [`--kubeconfig=${kubeconfig}`, ...args], { ...(input !== undefined ? { input } : {}), timeoutMs: 120_000 });
}
