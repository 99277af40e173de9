/**
 * Events flow host → virtual only (vcluster-behavior.md §2.8 Events): an event about a synced
 * object is copied into the object's virtual namespace with every host name replaced by the
 * virtual one, so tenants never see host names.
 */
import type { Event, ObjectReference } from '../../k8s/types.js';
import { FORCE_SYNC_ANNOTATION } from '../../syncer/translate/constants.js';
import { deepCopy } from '../../syncer/translate/object.js';

/** Involved-object kinds whose events are synced. */
// vCluster lists "Endpoint" (not a real kind, so its Endpoints events never sync); both spellings
// are accepted here so events about Endpoints reach the tenant.
export const SYNCED_EVENT_KINDS: readonly string[] = [
  'Pod',
  'Service',
  'Endpoint',
  'Endpoints',
  'Secret',
  'ConfigMap',
];

/** Where force-synced events whose object cannot be resolved go. */
export const FORCE_SYNCED_EVENT_NAMESPACE = 'default';

export function isSyncedEventKind(kind: string | undefined): boolean {
  return kind !== undefined && SYNCED_EVENT_KINDS.includes(kind);
}

/** The virtual object an event's host involved object stands for. */
export interface EventTarget {
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/** Replaces "hostNs/hostName" and then "hostName" with the virtual forms. */
export function rewriteMessage(
  message: string,
  host: { name: string; namespace: string },
  virtual: { name: string; namespace: string },
): string {
  if (host.name === '') return message;
  return message
    .replaceAll(`${host.namespace}/${host.name}`, `${virtual.namespace}/${virtual.name}`)
    .replaceAll(host.name, virtual.name);
}

/** The event name with the host object-name prefix replaced by the virtual name. */
export function virtualEventName(
  hostEventName: string,
  hostObjectName: string,
  virtualObjectName: string,
): string {
  if (hostObjectName !== '' && hostEventName.startsWith(hostObjectName))
    return virtualObjectName + hostEventName.slice(hostObjectName.length);
  return hostEventName;
}

/**
 * The virtual copy of a host event; `target` is the resolved virtual involved object (undefined
 * when it did not resolve). Unresolved events are dropped unless force-synced, which go to
 * namespace "default" unchanged. Returns undefined when the event must not be synced.
 */
export function toVirtualEvent(host: Event, target: EventTarget | undefined): Event | undefined {
  const forced = host.metadata.annotations?.[FORCE_SYNC_ANNOTATION] === 'true';
  if (target === undefined || !isSyncedEventKind(host.involvedObject.kind)) {
    if (!forced) return undefined;
    // vCluster's forced path: the event lands in "default" with a bare involved object.
    return {
      ...eventBody(host),
      metadata: { name: host.metadata.name ?? '', namespace: FORCE_SYNCED_EVENT_NAMESPACE },
      involvedObject: { namespace: FORCE_SYNCED_EVENT_NAMESPACE },
    };
  }
  const hostRef = { name: host.involvedObject.name ?? '', namespace: host.involvedObject.namespace ?? '' };
  const involvedObject: ObjectReference = {
    ...deepCopy(host.involvedObject),
    name: target.name,
    namespace: target.namespace,
  };
  if (target.uid === undefined) delete involvedObject.uid;
  else involvedObject.uid = target.uid;
  if (target.resourceVersion === undefined) delete involvedObject.resourceVersion;
  else involvedObject.resourceVersion = target.resourceVersion;
  const out: Event = {
    ...eventBody(host),
    metadata: {
      name: virtualEventName(host.metadata.name ?? '', hostRef.name, target.name),
      namespace: target.namespace,
    },
    involvedObject,
  };
  if (host.message !== undefined) out.message = rewriteMessage(host.message, hostRef, target);
  return out;
}

function eventBody(host: Event): Omit<Event, 'metadata' | 'involvedObject'> {
  const copy = deepCopy(host);
  const body: Partial<Event> = { apiVersion: 'v1', kind: 'Event' };
  for (const key of [
    'action',
    'count',
    'eventTime',
    'firstTimestamp',
    'lastTimestamp',
    'message',
    'reason',
    'related',
    'reportingComponent',
    'reportingInstance',
    'series',
    'source',
    'type',
  ] as const) {
    if (copy[key] !== undefined) Object.assign(body, { [key]: copy[key] });
  }
  return body;
}
