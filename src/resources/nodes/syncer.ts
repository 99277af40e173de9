/**
 * Nodes in the virtual cluster. By default fake nodes stand for the host nodes tenant pods run on (the
 * pod syncer creates them when it binds a pod) and are removed once no pod uses them. With
 * sync.fromHost.nodes, real host nodes matching the selector are mirrored instead (all of them with
 * selector.all, else those running tenant pods).
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import type { Informer } from '../../k8s/informer.js';
import { Kinds, type Node, type Pod, type TypedObject } from '../../k8s/types.js';
import { Controller } from '../../runtime/controller.js';
import type { Request, Result } from '../../runtime/reconcile.js';
import { jsonEqual, toJson } from '../../lib/json.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import type { SyncContext } from '../../syncer/types.js';
import type { KubeletEndpoints } from '../../syncer/kubelet-proxy/endpoints.js';
import { FAKE_NODE_LABEL, fakeNodeNeeded, kubeletEndpointStatus, virtualNodeFromHost } from './translate.js';

export interface NodesControllerOptions {
  readonly virtualNodes: Informer<Node>;
  readonly virtualPods: Informer<Pod>;
  /** Real node sync: the host nodes matching the selector (undefined = fake nodes only). */
  readonly hostNodes?: Informer<Node>;
  /** selector.all, or selector labels given: mirror every matching host node, not only those running tenant pods. */
  readonly all?: boolean;
  readonly clearImageStatus?: boolean;
  /** The syncer's kubelet proxy: every virtual node advertises its address and port (kept up to date). */
  readonly kubelet?: KubeletEndpoints;
}

/** Fake nodes younger than this are never collected. */
const NODE_GC_GRACE_MS = 10_000;

const typed = (n: Node): Node & TypedObject => n as Node & TypedObject;

export function nodesController(ctx: SyncContext, o: NodesControllerOptions): Controller {
  const ours = (n: Node | undefined): boolean =>
    n?.metadata?.labels?.[FAKE_NODE_LABEL] === 'true' || n?.metadata?.labels?.[MARKER_LABEL] === ctx.names.vclusterName;

  const reconcile = async ({ name }: Request): Promise<Result> => {
    const current = o.virtualNodes.get(name);
    const used = fakeNodeNeeded(name, o.virtualPods.list());
    const host = o.hostNodes?.get(name);
    if (!current) o.kubelet?.release(name);
    if (o.hostNodes && host && (o.all === true || used)) {
      const endpoint = o.kubelet ? { internalIP: await o.kubelet.addressOf(name), kubeletPort: o.kubelet.port } : {};
      const desired = virtualNodeFromHost(host, { vclusterName: ctx.names.vclusterName, ...endpoint, ...(o.clearImageStatus ? { clearImageStatus: true } : {}) });
      if (!current) {
        try {
          const created = await ctx.virtual.create(typed({ ...desired, status: {} }));
          await ctx.virtual.updateStatus(typed({ ...created, status: desired.status ?? {} }));
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
        return {};
      }
      let node = current;
      const wantMeta = { labels: desired.metadata?.labels ?? {}, annotations: desired.metadata?.annotations ?? {} };
      if (!jsonEqual(toJson(wantMeta), toJson({ labels: current.metadata?.labels ?? {}, annotations: current.metadata?.annotations ?? {} })) || !jsonEqual(toJson(desired.spec ?? {}), toJson(current.spec ?? {}))) {
        node = await ctx.virtual.update(typed({ ...current, metadata: { ...current.metadata, ...wantMeta }, spec: desired.spec ?? {} }));
      }
      if (!jsonEqual(toJson(desired.status ?? {}), toJson(node.status ?? {}))) await ctx.virtual.updateStatus(typed({ ...node, status: desired.status ?? {} }));
      return {};
    }
    if (current && ours(current) && used && o.kubelet) {
      // a fake node made before the kubelet proxy (or its port) existed: advertise the proxy
      const want = kubeletEndpointStatus(await o.kubelet.addressOf(name), o.kubelet.port);
      const have = { addresses: current.status?.addresses, daemonEndpoints: current.status?.daemonEndpoints };
      if (!jsonEqual(toJson(want), toJson(have))) {
        await ctx.virtual.updateStatus(typed({ ...current, status: { ...(current.status ?? {}), ...want } }));
        ctx.log.info({ node: name, address: want.addresses?.[0]?.address, port: o.kubelet.port }, 'node now advertises the kubelet proxy');
      }
      return {};
    }
    if (current && ours(current) && !used) {
      // A node is created just before its first pod is bound: give the binding time to reach the cache.
      const age = Date.now() - Date.parse(current.metadata?.creationTimestamp ?? '');
      if (Number.isFinite(age) && age < NODE_GC_GRACE_MS) return { requeueAfterMs: NODE_GC_GRACE_MS - age };
      await ignoreNotFound(ctx.virtual.delete(Kinds.Node, { name }));
      o.kubelet?.release(name);
      ctx.log.info({ node: name }, 'removed a node no tenant pod uses');
    }
    return {};
  };

  const controller = new Controller({ name: 'nodes', reconciler: { reconcile }, log: ctx.log, workers: 2 });
  const byName = (n: Node): void => {
    if (n.metadata?.name) controller.enqueue({ name: n.metadata.name });
  };
  const byPod = (p: Pod): void => {
    if (p.spec?.nodeName) controller.enqueue({ name: p.spec.nodeName });
  };
  o.virtualNodes.addHandlers({ onAdd: byName, onUpdate: (_old, n) => byName(n), onDelete: byName });
  o.virtualPods.addHandlers({ onAdd: byPod, onUpdate: (old, p) => (byPod(old), byPod(p)), onDelete: byPod });
  o.hostNodes?.addHandlers({ onAdd: byName, onUpdate: (_old, n) => byName(n), onDelete: byName });
  return controller;
}
