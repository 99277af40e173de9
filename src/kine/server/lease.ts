/** etcd Lease service: grant, revoke, keep-alive stream, time-to-live, list. */
import type { Logger } from '../../lib/logger.js';
import { then, type Backend } from '../backend/backend.js';
import { toGrpcStatus } from '../errors.js';
import type { BidiMethod } from '../grpc/grpc-server.js';
import { header, unary, type UnaryMethods } from './handlers.js';
import { asObject, boolField, intField } from './wire.js';

export function leaseService(backend: Backend, log: Logger): UnaryMethods {
  return {
    LeaseGrant: unary(log, 'LeaseGrant', (raw) => {
      const o = asObject(raw, 'lease grant request');
      return then(backend.leaseGrant(intField(o, 'TTL'), intField(o, 'ID')), (l) => ({
        header: header(backend.currentRevision()),
        ID: l.id,
        TTL: l.ttl,
        error: '',
      }));
    }),
    LeaseRevoke: unary(log, 'LeaseRevoke', (raw) => {
      const o = asObject(raw, 'lease revoke request');
      return then(backend.leaseRevoke(intField(o, 'ID')), (rev) => ({ header: header(rev) }));
    }),
    LeaseTimeToLive: unary(log, 'LeaseTimeToLive', (raw) => {
      const o = asObject(raw, 'lease time-to-live request');
      const id = intField(o, 'ID');
      const t = backend.leaseTimeToLive(id);
      if (t === undefined) return { header: header(backend.currentRevision()), ID: id, TTL: -1 };
      return { header: header(backend.currentRevision()), ID: id, TTL: t.ttl, grantedTTL: t.grantedTtl, keys: boolField(o, 'keys') ? t.keys : [] };
    }),
    LeaseLeases: unary(log, 'LeaseLeases', () => ({
      header: header(backend.currentRevision()),
      leases: backend.leaseList().map((ID) => ({ ID })),
    })),
  };
}

/** LeaseKeepAlive: one response per request; an unknown lease ends the stream with etcd's error. */
export function leaseKeepAlive(backend: Backend): BidiMethod {
  return (call) => ({
    message: (raw) => {
      try {
        const id = intField(asObject(raw, 'lease keep-alive request'), 'ID');
        const ttl = backend.leaseKeepAlive(id);
        call.write({ header: header(backend.currentRevision()), ID: id, TTL: ttl });
      } catch (err) {
        call.end(toGrpcStatus(err));
      }
    },
    end: () => call.end(),
    close: () => undefined,
  });
}
