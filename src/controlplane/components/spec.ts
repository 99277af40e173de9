/**
 * A component is described apart from being run: a pure ComponentSpec (command, args, env, readiness),
 * built by the functions in this folder and run by ../supervisor.
 */

/** How the supervisor learns that a started component is ready. */
export type ReadinessProbe =
  | { readonly kind: 'http'; readonly url: string; readonly caFile?: string; readonly insecure?: boolean }
  | { readonly kind: 'unix-socket'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  /** Ready once the component has written this file (the caller removes it before the start). */
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'none' };

export interface ComponentSpec {
  /** Also the pid file (pids/<name>.pid) and log file (logs/<name>.log) name. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly readiness: ReadinessProbe;
  /** How long to wait for readiness. @default 120_000 */
  readonly readyTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL on stop. @default 10_000 */
  readonly stopGraceMs?: number;
  /**
   * Restart the component when it dies after it was ready, with backoff, instead of failing the whole
   * supervisor — until it dies more than `maxRestarts` times within `windowMs`.
   */
  readonly restart?: { readonly maxRestarts: number; readonly windowMs: number };
}

/** The control plane's components heal themselves: 5 restarts a minute before the supervisor gives up. */
export const RESTART_ON_FAILURE = { maxRestarts: 5, windowMs: 60_000 } as const;

/**
 * Merges extra `--flag=value` arguments into defaults: an extra flag replaces every default with the
 * same name; other extras are appended. Mirrors how vCluster merges distro extraArgs.
 */
export function mergeArgs(defaults: readonly string[], extra: readonly string[] = []): string[] {
  const flagName = (a: string): string | undefined => (a.startsWith('--') ? a.slice(2).split('=')[0] : undefined);
  const overridden = new Set(extra.map(flagName).filter((n): n is string => n !== undefined));
  return [...defaults.filter((a) => !overridden.has(flagName(a) ?? '\0')), ...extra];
}

/** Flags kube-controller-manager and kube-scheduler share: one kubeconfig for everything, loopback serving. */
export function kubeconfigServingArgs(kubeconfig: string, securePort: number, certDir: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${securePort}`,
    `--cert-dir=${certDir}`,
  ];
}
