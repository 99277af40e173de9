/** etcd Lease service: grant, revoke, keep-alive stream, time-to-live, list. */
import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger.js';
import type { Backend } from '../backend/backend.js';
import { toGrpcStatus } from '../errors.js';
import { header, unary } from './handlers.js';
import { asObject, boolField, intField } from './wire.js';

export function leaseService(backend: Backend, log: Logger): UntypedServiceImplementation {
  return {
    LeaseGrant: unary(log, 'LeaseGrant', (raw) => {
      const o = asObject(raw, 'lease grant request');
      const l = backend.leaseGrant(intField(o, 'TTL'), intField(o, 'ID'));
      return { header: header(backend.revision()), ID: l.id, TTL: l.ttl, error: '' };
    }),
    LeaseRevoke: unary(log, 'LeaseRevoke', (raw) => {
      const o = asObject(raw, 'lease revoke request');
      return { header: header(backend.leaseRevoke(intField(o, 'ID'))) };
    }),
    LeaseTimeToLive: unary(log, 'LeaseTimeToLive', (raw) => {
      const o = asObject(raw, 'lease time-to-live request');
      const id = intField(o, 'ID');
      const t = backend.leaseTimeToLive(id);
      if (t === undefined) return { header: header(backend.revision()), ID: id, TTL: -1 };
      return { header: header(backend.revision()), ID: id, TTL: t.ttl, grantedTTL: t.grantedTtl, keys: boolField(o, 'keys') ? t.keys : [] };
    }),
    LeaseLeases: unary(log, 'LeaseLeases', () => ({
      header: header(backend.revision()),
      leases: backend.leaseList().map((ID) => ({ ID })),
    })),
    LeaseKeepAlive: (call: ServerDuplexStream<unknown, unknown>) => {
      call.on('data', (raw: unknown) => {
        try {
          const id = intField(asObject(raw, 'lease keep-alive request'), 'ID');
          const ttl = backend.leaseKeepAlive(id);
          call.write({ header: header(backend.revision()), ID: id, TTL: ttl });
        } catch (err) {
          const s = toGrpcStatus(err);
          call.destroy(Object.assign(new Error(s.details), { code: s.code, details: s.details }));
        }
      });
      call.on('end', () => call.end());
      call.on('error', (err) => log.debug({ err }, 'lease keep-alive stream error'));
    },
  };
}
