/** What every lifecycle service needs. */
import type { BinarySet } from '../binaries/locate.js';

export interface LifecycleContext {
  /** VCLUSTER_HOME: where local data dirs live. */
  readonly home: string;
  readonly binaries: BinarySet;
  /** argv prefix that runs this CLI: [node, .../bin/vcluster.js]. */
  readonly cliArgv: readonly string[];
  /** The user's kubeconfig file (connect writes contexts into it). */
  readonly userKubeconfig: string;
  /** --context, if given. */
  readonly contextFlag: string | undefined;
  readonly progress: (line: string) => void;
  /** Where control-plane images are built from and kept (the kubernetes driver on the embedded host). */
  readonly images?: { readonly repoRoot: string; readonly cacheRoot: string };
}
