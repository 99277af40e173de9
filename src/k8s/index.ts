/** src/k8s: the only place that imports @kubernetes/client-node. */
export * from './types.js';
export * from './errors.js';
export {
  openKubeClient,
  createKubeClient,
  PATCH_CONTENT_TYPES,
  type KubeClient,
  type ClosableKubeClient,
  type OpenKubeClientOptions,
  type CreateKubeClientOptions,
  type RequestOptions,
  type ListOptions,
  type ObjectList,
  type WriteOptions,
  type PatchType,
  type PatchOptions,
  type DeleteOptions,
  type RawGetOptions,
  type WatchOptions,
} from './client.js';
export { IndexedCache, NAMESPACE_INDEX, type IndexFunc, type CacheDelta } from './cache.js';
export {
  Informer,
  InformerFactory,
  listWatchSource,
  defaultBackoff,
  stripManagedFields,
  type ObjectTransform,
  type ListWatchSource,
  type ListWatchScope,
  type InformerHandlers,
  type InformerOptions,
  type DelayFunc,
} from './informer.js';
export * from './kubeconfig.js';
export * from './delete.js';
export { throttleFor, unlimited, type Throttle } from './throttle.js';
export { transportFromKubeConfig, type Transport, type HttpRequest, type HttpResponse } from './transport.js';
