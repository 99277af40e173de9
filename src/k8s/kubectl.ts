/** The pinned kubectl as a function, bound to a kubeconfig (and optionally a context). */
import { run, type RunResult } from '../lib/process.js';

export interface Kubectl {
  (args: readonly string[], input?: string): Promise<RunResult>;
}

export function kubectlFor(binary: string, kubeconfig: string, context?: string): Kubectl {
  const base = [`--kubeconfig=${kubeconfig}`, ...(context ? [`--context=${context}`] : [])];
  return (args, input) =>
    run(binary, [...base, ...args], { ...(input !== undefined ? { input } : {}), timeoutMs: 120_000 });
}
