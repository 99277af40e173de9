/**
 * `vcluster create NAME`: validates everything first, then creates the namespace (if needed), the host
 * objects (with the isolation objects of policies.*) and the data dir, starts the control plane with
 * the local driver and waits until it serves.
 * Any failure after the first write undoes what this call created, so nothing is left half-made.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { backingStoreOf, loadConfig, renderEffectiveConfig, type Config } from '../config/index.js';
import { ErrorCode, VClusterError, formatError } from '../lib/errors.js';
import { freePorts } from '../lib/net.js';
import { ensurePki } from '../controlplane/pki/store.js';
import { virtualClusterPkiSpec } from '../controlplane/plan.js';
import { writeVClusterState } from '../controlplane/state.js';
import type { LifecycleContext } from './context.js';
import { deleteAllOf } from '../k8s/delete.js';
import { ignoreNotFound } from '../k8s/errors.js';
import { Kinds, type Namespace, type Service } from '../k8s/types.js';
import { applyToHost, assertReachable, flattenedKubeconfig, hostAccess, type HostAccess } from './host-access.js';
import { RELEASE_HOST_KINDS, configMap, configSecret, vclusterService, workloadServiceAccount } from './host-objects.js';
import { startLocal, stopLocal } from './local-driver.js';
import { deployKubernetes, undeployKubernetes } from '../drivers/kubernetes/deploy.js';
import { ensureControlPlaneImages } from '../drivers/kubernetes/images.js';
import { policyObjects } from './policy-objects.js';
import { assertRunnableNode, checkRights, defaultDriver, embeddedRealNodes, readableOrUndefined, readNodes, requiredRights, type Driver } from './preflight.js';
import { missingBinaries } from '../binaries/locate.js';
import { CREATED_NAMESPACE_ANNOTATION, resolveNamespace, validateVClusterName } from './naming.js';
import { findLocal, vclusterDataDir } from './registry.js';
import { detectServiceCidr } from './service-cidr.js';

export interface CreateOptions {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly values: readonly string[];
  readonly set: readonly string[];
  /** local: detached processes on this machine; kubernetes: StatefulSet <name> in the host. @default kubernetes when the host has a real node of the embedded host, else local */
  readonly driver?: Driver;
}

export interface CreateResult {
  readonly name: string;
  readonly namespace: string;
  readonly hostContext: string;
  readonly apiServer: string;
  readonly seconds: number;
}

interface ExistingVCluster {
  readonly name: string;
  readonly namespace: string;
}

async function vclustersIn(host: HostAccess, namespace: string): Promise<ExistingVCluster[]> {
  const { items } = await (await host.client()).list<Service>(Kinds.Service, { namespace, labelSelector: 'app=vcluster' });
  return items.map((svc) => svc.metadata?.labels?.release ?? '').filter((n) => n.length > 0).map((name) => ({ name, namespace }));
}

/** The namespace, or undefined when there is none. */
async function getNamespace(host: HostAccess, namespace: string): Promise<Namespace | undefined> {
  return ignoreNotFound((await host.client()).get<Namespace>(Kinds.Namespace, { name: namespace }));
}

async function namespaceExists(host: HostAccess, namespace: string): Promise<boolean> {
  return (await getNamespace(host, namespace)) !== undefined;
}

/** A namespace being deleted (e.g. by a `vcluster delete` a moment ago) cannot take objects: wait it out. */
async function waitNamespaceNotTerminating(ctx: LifecycleContext, host: HostAccess, namespace: string): Promise<void> {
  const phase = async (): Promise<string> => (await getNamespace(host, namespace))?.status?.phase ?? '';
  if ((await phase()) !== 'Terminating') return;
  ctx.progress(`waiting for namespace ${namespace} to finish terminating`);
  const deadline = Date.now() + NAMESPACE_TERMINATION_TIMEOUT_MS;
  while ((await phase()) === 'Terminating') {
    if (Date.now() > deadline) {
      throw new VClusterError(`namespace ${namespace} is still terminating after ${NAMESPACE_TERMINATION_TIMEOUT_MS / 1000} s`, { code: ErrorCode.TIMEOUT, hint: 'try again later, or choose another namespace with -n' });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const NAMESPACE_TERMINATION_TIMEOUT_MS = 120_000;

function storeName(config: Config): string {
  const store = backingStoreOf(config);
  return store.type === 'embedded-database' ? 'embedded-database' : store.type;
}

export async function createVCluster(ctx: LifecycleContext, opts: CreateOptions): Promise<CreateResult> {
  const started = Date.now();
  // 1. Everything that can be checked without writing.
  const name = validateVClusterName(opts.name);
  const config = await loadConfig({ files: opts.values, set: opts.set });
  const host = await hostAccess(ctx.binaries.path('kubectl'), ctx.userKubeconfig, ctx.contextFlag);
  const namespace = resolveNamespace(name, opts.namespace, host.contextNamespace);
  await assertReachable(host);
  // The rights first: a user who may not read the namespace or the nodes learns every missing right at once.
  const nodes = (await readableOrUndefined(() => readNodes(host))) ?? [];
  const driver = opts.driver ?? defaultDriver(nodes);
  const embeddedHost = embeddedRealNodes(nodes).length > 0;
  const namespaceKnown = await readableOrUndefined(() => namespaceExists(host, namespace));
  await checkRights(host, namespace, requiredRights(driver, { createNamespace: namespaceKnown === false, embeddedHost }));
  await waitNamespaceNotTerminating(ctx, host, namespace);
  const existing = (await namespaceExists(host, namespace)) ? await vclustersIn(host, namespace) : [];
  if (existing.some((v) => v.name === name)) {
    throw new VClusterError(`vcluster ${name} already exists in namespace ${namespace}`, { code: ErrorCode.ALREADY_EXISTS, hint: `connect with \`vcluster connect ${name} -n ${namespace}\`, or delete it first` });
  }
  if (existing.length > 0) {
    throw new VClusterError(`namespace ${namespace} already holds vcluster ${existing[0]!.name}; only one vcluster may run in a namespace`, {
      code: ErrorCode.ALREADY_EXISTS,
      hint: 'choose another namespace with -n',
    });
  }
  const dir = vclusterDataDir(ctx.home, host.context, namespace, name);
  if (await findLocal(ctx.home, host.context, namespace, name)) {
    throw new VClusterError(`a local data dir for vcluster ${name} already exists: ${dir.root}`, {
      code: ErrorCode.ALREADY_EXISTS,
      hint: `resume it with \`vcluster resume ${name} -n ${namespace}\`, or remove it with \`vcluster delete ${name} -n ${namespace}\``,
    });
  }
  if (driver === 'kubernetes') {
    assertRunnableNode(host.context, `${name}-0`, nodes);
    const missing = embeddedHost ? await missingBinaries(ctx.binaries, ['ctr']) : [];
    if (missing.length > 0) {
      throw new VClusterError(`missing binaries to load the control-plane images into the embedded host's real node: ${missing.join(', ')}`, { code: ErrorCode.PRECONDITION, hint: 'run `vcluster binaries ensure`' });
    }
  }
  const serviceCidr = config.networking.serviceCIDR || (await detectServiceCidr(await host.client()));
  ctx.progress(`creating vcluster ${name} in namespace ${namespace} of context ${host.context} (driver ${driver}${opts.driver ? '' : ', the default for this host'})`);

  // 2. Writes, each recorded for the rollback.
  const undo: (() => Promise<unknown>)[] = [];
  try {
    let createdNamespace = false;
    if (!(await namespaceExists(host, namespace))) {
      const client = await host.client();
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, annotations: { [CREATED_NAMESPACE_ANNOTATION]: 'true' } } });
      createdNamespace = true;
      undo.push(() => client.delete(Kinds.Namespace, { name: namespace }));
      ctx.progress(`created namespace ${namespace}`);
    }
    const yamlText = renderEffectiveConfig({ ...config, networking: { ...config.networking, serviceCIDR: serviceCidr } });
    const objects = [...(driver === 'local' ? [vclusterService(name, namespace)] : []), workloadServiceAccount(name, namespace), configSecret(name, namespace, yamlText, storeName(config)), configMap(name, namespace, yamlText)];
    undo.push(async () => deleteAllOf(await host.client(), RELEASE_HOST_KINDS, { namespace, labelSelector: `app=vcluster,release=${name}`, ignoreNotFound: true }));
    for (const obj of objects) await (await host.client()).create(obj);
    // Isolation (policies.*): created, or brought up to date if an earlier run left them behind.
    const policies = policyObjects(name, namespace, config);
    if (policies.length > 0) {
      await applyToHost(await host.client(), policies);
      ctx.progress(`applied ${policies.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')} in namespace ${namespace}`);
    }

    await mkdir(dir.root, { recursive: true, mode: 0o700 });
    undo.push(() => rm(dir.root, { recursive: true, force: true }));
    await writeFile(dir.configFile, yamlText);
    if (driver === 'kubernetes') {
      if (embeddedHost && ctx.images) await ensureControlPlaneImages(ctx, ctx.images);
      undo.push(() => undeployKubernetes(host, name, namespace));
      const state = await deployKubernetes(host, {
        name,
        namespace,
        config,
        configYaml: yamlText,
        serviceCidr,
        hostContext: host.context,
        createdNamespace,
        embeddedHost,
        localPkiDir: dir.pkiDir,
        progress: ctx.progress,
      });
      // a local record: connect reads the admin certificate here, list and delete find the driver
      await writeVClusterState(dir.stateFile, state);
      return { name, namespace, hostContext: host.context, apiServer: `pod ${namespace}/${name}-0:${state.ports.apiServer}`, seconds: (Date.now() - started) / 1000 };
    }
    await writeFile(dir.hostKubeconfig, await flattenedKubeconfig(host), { mode: 0o600 });
    const [apiServer, controllerManager, metrics, kubeletProxy] = await freePorts(4);
    await writeVClusterState(dir.stateFile, {
      name,
      namespace,
      hostContext: host.context,
      createdNamespace,
      ports: { apiServer: apiServer!, controllerManager: controllerManager!, metrics: metrics!, kubeletProxy: kubeletProxy! },
      serviceCidr,
      driver: 'local',
      phase: 'starting',
      paused: false,
      createdAt: new Date().toISOString(),
    });
    // Issued here rather than by the long-running `vcluster start`, which then only reads it.
    // The ClusterIP of Service NAME is where pods reach the virtual API in-cluster (KUBERNETES_SERVICE_HOST,
    // through the relay `vcluster start` runs on the embedded host): a SAN of the serving certificate.
    const pkiSpec = virtualClusterPkiSpec(name, serviceCidr, config);
    const clusterIp = (await (await host.client()).get<Service>(Kinds.Service, { namespace, name })).spec?.clusterIP ?? '';
    await ensurePki(dir.pkiDir, clusterIp ? { ...pkiSpec, extraSans: [...(pkiSpec.extraSans ?? []), clusterIp] } : pkiSpec);
    undo.push(() => stopLocal(ctx, dir));
    const state = await startLocal(ctx, dir, `vcluster ${name}`);
    return { name, namespace, hostContext: host.context, apiServer: `https://127.0.0.1:${state.ports.apiServer}`, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    ctx.progress(`create failed, undoing what it made: ${formatError(err).split('\n')[0]}`);
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
}
