/** etcd Maintenance (Status, Alarm) and Cluster (MemberList) for a single-member "cluster". */
import type { Logger } from '../../lib/logger.js';
import { then, type Backend } from '../backend/backend.js';
import { CLUSTER_ID, MEMBER_ID, RAFT_TERM, header, unary, type UnaryMethods } from './handlers.js';

export interface MaintenanceOptions {
  readonly backend: Backend;
  readonly log: Logger;
  /** Status.version; >= 3.5.13 makes kube-apiserver use RequestWatchProgress. */
  readonly emulatedVersion: string;
  /** The URL clients reach us on, for MemberList. */
  readonly clientUrl: () => string;
}

export function maintenanceService(o: MaintenanceOptions): UnaryMethods {
  const { backend, log } = o;
  return {
    Status: unary(log, 'Status', () =>
      then(backend.dbSize(), (size) => {
        const rev = backend.currentRevision();
        return {
          header: header(rev),
          version: o.emulatedVersion,
          dbSize: size.size,
          leader: MEMBER_ID,
          raftIndex: rev,
          raftTerm: RAFT_TERM,
          raftAppliedIndex: rev,
          errors: [],
          dbSizeInUse: size.inUse,
          isLearner: false,
          storageVersion: '3.6.0',
          dbSizeQuota: 0,
        };
      }),
    ),
    // A single-node SQLite store raises no alarms; GET lists none, ACTIVATE/DEACTIVATE are no-ops.
    Alarm: unary(log, 'Alarm', () => ({ header: header(backend.currentRevision()), alarms: [] })),
  };
}

export function clusterService(o: MaintenanceOptions): UnaryMethods {
  return {
    MemberList: unary(o.log, 'MemberList', () => ({
      header: { ...header(o.backend.currentRevision()), cluster_id: CLUSTER_ID },
      members: [{ ID: MEMBER_ID, name: 'kine', peerURLs: [o.clientUrl()], clientURLs: [o.clientUrl()], isLearner: false }],
    })),
  };
}
