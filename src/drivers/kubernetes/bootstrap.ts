/**
 * A first start without a seed: a Helm install (chart/) cannot carry a PKI, so when neither the seed
 * nor /data holds a state.json, `vcluster start --in-cluster-host` makes what `vcluster create` would
 * have put into Secret vc-seed-<name>: the name from $VCLUSTER_NAME (the chart sets it to the release
 * name), the namespace from the pod's service account, the host's service CIDR (detected as create
 * does, through the pod's host access), the PKI with the SANs deploy.ts uses (name, name.ns,
 * name.ns.svc, the ClusterIP of Service <name>) and state.json as deploy.ts writes it. config.yaml
 * comes from the seed (the chart's Secret vc-seed-<name> holds only it), else the defaults.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathExists } from '../../lib/path-exists.js';
import { defaultConfig, loadConfig, renderEffectiveConfig } from '../../config/index.js';
import type { DataDir } from '../../controlplane/datadir.js';
import { ensurePki } from '../../controlplane/pki/store.js';
import { virtualClusterPkiSpec } from '../../controlplane/plan.js';
import { writeVClusterState, type VClusterState } from '../../controlplane/state.js';
import { openKubeClient } from '../../k8s/client.js';
import { Kinds, type Service } from '../../k8s/types.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { validateNamespace, validateVClusterName } from '../../vclusters/naming.js';
import { detectServiceCidr } from '../../vclusters/service-cidr.js';
import { NAME_ENV, podServingSans, podState } from './render.js';

/** The host context recorded in a bootstrapped state.json: there is no CLI context, only the pod's own access. */
export const IN_CLUSTER_CONTEXT = 'in-cluster';
const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Whether this start must bootstrap: no state.json in the data dir after the seed was applied. Pure. */
export function needsBootstrap(dataHasState: boolean, inClusterHost: boolean): boolean {
  return !dataHasState && inClusterHost;
}

/** The vcluster's name ($VCLUSTER_NAME) and namespace (the service account's namespace file). Pure. */
export function bootstrapIdentity(
  vclusterName: string | undefined,
  namespaceFileText: string,
): { name: string; namespace: string } {
  const name = vclusterName?.trim() ?? '';
  if (!name) {
    throw new VClusterError(`no seed and no ${NAME_ENV}: cannot bootstrap the vcluster`, {
      code: ErrorCode.PRECONDITION,
      hint: `set env ${NAME_ENV} on the syncer container (the chart sets it to the release name), or create the vcluster with \`vcluster create\``,
    });
  }
  return { name: validateVClusterName(name), namespace: validateNamespace(namespaceFileText.trim()) };
}

export interface BootstrapInput {
  readonly dir: DataDir;
  /** $VCLUSTER_NAME (the chart sets it to the release name). */
  readonly vclusterName: string | undefined;
  readonly log: Logger;
  readonly namespaceFile?: string;
}

/**
 * Makes state.json, config.yaml (when the seed gave none) and the PKI in the data dir. Needs the data
 * dir's host.kubeconfig (written by --in-cluster-host first). Returns the state written.
 */
export async function bootstrapDataDir(b: BootstrapInput): Promise<VClusterState> {
  const nsText = await readFile(b.namespaceFile ?? SA_NAMESPACE_FILE, 'utf8').catch((err: unknown) => {
    throw new VClusterError(
      `bootstrap: read the pod's namespace from ${b.namespaceFile ?? SA_NAMESPACE_FILE}`,
      { cause: err, code: ErrorCode.PRECONDITION },
    );
  });
  const { name, namespace } = bootstrapIdentity(b.vclusterName, nsText);
  const log = b.log.child({ vcluster: name, namespace });
  if (!(await pathExists(b.dir.configFile))) {
    await writeFile(b.dir.configFile, renderEffectiveConfig(defaultConfig()));
    log.info({ file: b.dir.configFile }, 'bootstrap: no config in the seed, wrote the defaults');
  }
  const config = await loadConfig({ files: [b.dir.configFile] });
  const host = await openKubeClient({ kubeconfigPath: b.dir.hostKubeconfig });
  let serviceCidr: string;
  let clusterIp: string;
  try {
    serviceCidr = config.networking.serviceCIDR || (await detectServiceCidr(host, namespace));
    clusterIp = (await host.get<Service>(Kinds.Service, { namespace, name })).spec?.clusterIP ?? '';
  } finally {
    host.close();
  }
  const spec = virtualClusterPkiSpec(name, serviceCidr, config);
  await ensurePki(b.dir.pkiDir, {
    ...spec,
    extraSans: [...(spec.extraSans ?? []), ...podServingSans(name, namespace, clusterIp)],
  });
  const state = podState({ name, namespace, hostContext: IN_CLUSTER_CONTEXT, createdNamespace: false, serviceCidr, now: new Date() });
  await writeVClusterState(b.dir.stateFile, state);
  log.info(
    { serviceCidr, clusterIp, pki: b.dir.pkiDir },
    'bootstrap: issued the PKI and wrote state.json (no seed: a Helm install)',
  );
  return state;
}

/** Runs the bootstrap when the data dir has no state.json yet; returns whether it ran. */
export async function bootstrapIfNeeded(
  b: BootstrapInput & { readonly inClusterHost: boolean },
): Promise<boolean> {
  if (!needsBootstrap(await pathExists(b.dir.stateFile), b.inClusterHost)) return false;
  await bootstrapDataDir(b);
  return true;
}
