/** Registry entry of the events controller (sync.fromHost.events): host events about the synced kinds' objects. */
import { Kinds, type Event } from '../../k8s/types.js';
import type { SyncerEntry } from '../../syncer/engine/registry.js';
import { eventsController } from './syncer.js';

/** Last in the registry: it follows every synced kind built before it. */
export const EVENTS_ENTRY: SyncerEntry = {
  name: 'events',
  enabled: (config) => config.sync.fromHost.events.enabled,
  create: (deps) => {
    const hostEvents = deps.hostInformers.informerFor<Event>(Kinds.Event, { namespace: deps.names.hostNamespace });
    return { controller: eventsController(deps.contextFor('events'), hostEvents, deps.synced) };
  },
};
