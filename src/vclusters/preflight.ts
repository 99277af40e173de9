/**
 * What `vcluster create` checks on the host before it writes anything: which driver to use when none
 * is asked for, that the kubernetes driver has a node that really runs containers, and that the
 * user may make every object create makes (one SelfSubjectAccessReview per right, through the KubeClient).
 * The decisions are pure functions over what the host returned; the two host reads are at the end.
 */
import { ErrorCode, VClusterError, formatError } from '../lib/errors.js';
import { isForbidden } from '../k8s/errors.js';
import { Kinds, type NewObject, type Node } from '../k8s/types.js';
import type { HostAccess } from './host-access.js';

export type Driver = 'local' | 'kubernetes';

/** The label the embedded host's real nodes carry (src/embedded-host/node). */
export const REAL_NODE_LABEL = 'vcluster-ts.io/node-type';

export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ready: boolean;
  readonly unschedulable: boolean;
}

/** A node kwok simulates: pods "run" there, but no container ever starts. */
export function isSimulated(n: NodeFacts): boolean {
  return n.annotations['kwok.x-k8s.io/node'] === 'fake' || n.labels.type === 'kwok';
}

/** Nodes that can run the control-plane pod: Ready, schedulable, not simulated. */
export function runnableNodes(nodes: readonly NodeFacts[]): NodeFacts[] {
  return nodes.filter((n) => n.ready && !n.unschedulable && !isSimulated(n));
}

/** The embedded host's real node(s): where its locally built images are loaded. */
export function embeddedRealNodes(nodes: readonly NodeFacts[]): NodeFacts[] {
  return nodes.filter((n) => n.labels[REAL_NODE_LABEL] === 'real');
}

/**
 * The driver when --driver is not given: kubernetes when the host has a node that runs our image (the
 * embedded host's real node, where `create` loads it), else local.
 */
export function defaultDriver(nodes: readonly NodeFacts[]): Driver {
  return runnableNodes(embeddedRealNodes(nodes)).length > 0 ? 'kubernetes' : 'local';
}

/** Throws PRECONDITION naming the nodes when none can run pod NAME-0. */
export function assertRunnableNode(context: string, podName: string, nodes: readonly NodeFacts[]): void {
  if (runnableNodes(nodes).length > 0) return;
  const why = nodes.length === 0 ? 'it has no nodes' : nodes.map((n) => `${n.name} (${isSimulated(n) ? 'simulated by kwok' : !n.ready ? 'NotReady' : 'unschedulable'})`).join(', ');
  throw new VClusterError(`no node of host context "${context}" can run pod ${podName}: ${why}`, {
    code: ErrorCode.PRECONDITION,
    hint: 'on the embedded host start a real node (`vcluster host down`, then `vcluster host up --real-nodes 1`), or use --driver local',
  });
}

export interface Right {
  readonly verb: string;
  readonly resource: string;
  readonly group: string;
  /** Namespaced rights are checked in the vcluster's namespace; cluster rights without one. */
  readonly namespaced: boolean;
}

const ns = (verb: string, resource: string, group = ''): Right => ({ verb, resource, group, namespaced: true });
const cluster = (verb: string, resource: string, group = ''): Right => ({ verb, resource, group, namespaced: false });

/** Every right `create` (and a later `delete`) uses for a driver; `namespace` when it must be made. */
export function requiredRights(driver: Driver, o: { readonly createNamespace: boolean; readonly embeddedHost: boolean }): Right[] {
  const rights: Right[] = [cluster('get', 'namespaces'), ns('list', 'services')];
  if (o.createNamespace) rights.push(cluster('create', 'namespaces'));
  for (const r of ['services', 'secrets', 'configmaps', 'serviceaccounts']) rights.push(ns('create', r), ns('delete', r));
  if (driver === 'kubernetes') {
    rights.push(cluster('list', 'nodes'));
    rights.push(ns('create', 'statefulsets', 'apps'), ns('delete', 'statefulsets', 'apps'), ns('patch', 'statefulsets', 'apps'));
    rights.push(ns('create', 'roles', 'rbac.authorization.k8s.io'), ns('create', 'rolebindings', 'rbac.authorization.k8s.io'));
    rights.push(cluster('create', 'clusterroles', 'rbac.authorization.k8s.io'), cluster('create', 'clusterrolebindings', 'rbac.authorization.k8s.io'));
    rights.push(ns('get', 'pods'), ns('create', 'pods/portforward'), ns('create', 'pods/exec'), ns('get', 'pods/log'));
    if (o.embeddedHost) rights.push(cluster('create', 'persistentvolumes'));
  }
  return rights;
}

export function describeRight(r: Right, namespace: string): string {
  const res = r.group ? `${r.resource}.${r.group}` : r.resource;
  return r.namespaced ? `${r.verb} ${res} in namespace ${namespace}` : `${r.verb} ${res} (cluster-wide)`;
}

/** SelfSubjectAccessReview objects for the rights, in order, as one List. */
/** An authorization.k8s.io/v1 SelfSubjectAccessReview: the question in `spec`, the answer in `status`. */
export type AccessReview = NewObject & { spec: { resourceAttributes: Record<string, string | undefined> }; status?: { allowed?: boolean } };

export function accessReviews(rights: readonly Right[], namespace: string): { apiVersion: 'v1'; kind: 'List'; items: AccessReview[] } {
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: rights.map((r) => {
      const [resource, subresource] = r.resource.split('/');
      return {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: {},
        spec: { resourceAttributes: { verb: r.verb, group: r.group, resource, ...(subresource ? { subresource } : {}), ...(r.namespaced ? { namespace } : {}) } },
      };
    }),
  };
}

/** Throws PRECONDITION listing every right the answers deny (answers in the order of `rights`). */
export function assertRights(context: string, namespace: string, rights: readonly Right[], allowed: readonly boolean[]): void {
  const missing = rights.filter((_, i) => allowed[i] !== true);
  if (missing.length === 0) return;
  throw new VClusterError(`the user of host context "${context}" may not ${missing.map((r) => describeRight(r, namespace)).join('; ')}`, {
    code: ErrorCode.PRECONDITION,
    hint: 'ask a cluster admin for these rights (a Role/RoleBinding in that namespace, plus the cluster rights), or choose a namespace where you hold them with -n',
  });
}

export async function readNodes(host: HostAccess): Promise<NodeFacts[]> {
  const { items } = await (await host.client()).list<Node>(Kinds.Node);
  return items.map((n) => ({
    name: n.metadata?.name ?? '',
    labels: n.metadata?.labels ?? {},
    annotations: n.metadata?.annotations ?? {},
    ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    unschedulable: n.spec?.unschedulable === true,
  }));
}

/** The read's result, or undefined when the host refuses it (Forbidden): the rights check names it then. */
export async function readableOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isForbidden(err) || /\bForbidden\b|forbidden:/.test(formatError(err))) return undefined;
    throw err;
  }
}

export async function checkRights(host: HostAccess, namespace: string, rights: readonly Right[]): Promise<void> {
  const client = await host.client();
  const allowed: boolean[] = [];
  for (const review of accessReviews(rights, namespace).items) {
    const answer = await client.create(review);
    allowed.push(answer.status?.allowed === true);
  }
  assertRights(host.context, namespace, rights, allowed);
}
