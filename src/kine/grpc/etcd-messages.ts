/**
 * The etcd v3 messages kine serves, with etcd v3.6's field numbers (go.etcd.io/etcd/api/v3
 * etcdserverpb and mvccpb; the same as proto/etcd/*.proto), and the RPC table by gRPC path.
 */
import { message, type MessageSpec } from './protobuf.js';

const ResponseHeader = message('ResponseHeader', {
  cluster_id: [1, 'uint64'],
  member_id: [2, 'uint64'],
  revision: [3, 'int64'],
  raft_term: [4, 'uint64'],
});

const KeyValue = message('KeyValue', {
  key: [1, 'bytes'],
  create_revision: [2, 'int64'],
  mod_revision: [3, 'int64'],
  version: [4, 'int64'],
  value: [5, 'bytes'],
  lease: [6, 'int64'],
});

const Event = message('Event', {
  type: [1, 'enum', ['PUT', 'DELETE']],
  kv: [2, 'message', () => KeyValue],
  prev_kv: [3, 'message', () => KeyValue],
});

const RangeRequest = message('RangeRequest', {
  key: [1, 'bytes'],
  range_end: [2, 'bytes'],
  limit: [3, 'int64'],
  revision: [4, 'int64'],
  sort_order: [5, 'enum', ['NONE', 'ASCEND', 'DESCEND']],
  sort_target: [6, 'enum', ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE']],
  serializable: [7, 'bool'],
  keys_only: [8, 'bool'],
  count_only: [9, 'bool'],
  min_mod_revision: [10, 'int64'],
  max_mod_revision: [11, 'int64'],
  min_create_revision: [12, 'int64'],
  max_create_revision: [13, 'int64'],
});

const RangeResponse = message(
  'RangeResponse',
  { header: [1, 'message', () => ResponseHeader], kvs: [2, 'message', () => KeyValue], more: [3, 'bool'], count: [4, 'int64'] },
  { repeated: ['kvs'] },
);

const PutRequest = message('PutRequest', {
  key: [1, 'bytes'],
  value: [2, 'bytes'],
  lease: [3, 'int64'],
  prev_kv: [4, 'bool'],
  ignore_value: [5, 'bool'],
  ignore_lease: [6, 'bool'],
});

const PutResponse = message('PutResponse', { header: [1, 'message', () => ResponseHeader], prev_kv: [2, 'message', () => KeyValue] });

const DeleteRangeRequest = message('DeleteRangeRequest', { key: [1, 'bytes'], range_end: [2, 'bytes'], prev_kv: [3, 'bool'] });

const DeleteRangeResponse = message(
  'DeleteRangeResponse',
  { header: [1, 'message', () => ResponseHeader], deleted: [2, 'int64'], prev_kvs: [3, 'message', () => KeyValue] },
  { repeated: ['prev_kvs'] },
);

const RequestOp: MessageSpec = message(
  'RequestOp',
  {
    request_range: [1, 'message', () => RangeRequest],
    request_put: [2, 'message', () => PutRequest],
    request_delete_range: [3, 'message', () => DeleteRangeRequest],
    request_txn: [4, 'message', () => TxnRequest],
  },
  { oneof: ['request_range', 'request_put', 'request_delete_range', 'request_txn'] },
);

const ResponseOp: MessageSpec = message(
  'ResponseOp',
  {
    response_range: [1, 'message', () => RangeResponse],
    response_put: [2, 'message', () => PutResponse],
    response_delete_range: [3, 'message', () => DeleteRangeResponse],
    response_txn: [4, 'message', () => TxnResponse],
  },
  { oneof: ['response_range', 'response_put', 'response_delete_range', 'response_txn'] },
);

const Compare = message(
  'Compare',
  {
    result: [1, 'enum', ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL']],
    target: [2, 'enum', ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE']],
    key: [3, 'bytes'],
    version: [4, 'int64'],
    create_revision: [5, 'int64'],
    mod_revision: [6, 'int64'],
    value: [7, 'bytes'],
    lease: [8, 'int64'],
    range_end: [64, 'bytes'],
  },
  { oneof: ['version', 'create_revision', 'mod_revision', 'value', 'lease'] },
);

const TxnRequest: MessageSpec = message(
  'TxnRequest',
  { compare: [1, 'message', () => Compare], success: [2, 'message', () => RequestOp], failure: [3, 'message', () => RequestOp] },
  { repeated: ['compare', 'success', 'failure'] },
);

const TxnResponse: MessageSpec = message(
  'TxnResponse',
  { header: [1, 'message', () => ResponseHeader], succeeded: [2, 'bool'], responses: [3, 'message', () => ResponseOp] },
  { repeated: ['responses'] },
);

const CompactionRequest = message('CompactionRequest', { revision: [1, 'int64'], physical: [2, 'bool'] });
const HeaderOnly = (name: string): MessageSpec => message(name, { header: [1, 'message', () => ResponseHeader] });
const Empty = (name: string): MessageSpec => message(name, {});

const WatchCreateRequest = message(
  'WatchCreateRequest',
  {
    key: [1, 'bytes'],
    range_end: [2, 'bytes'],
    start_revision: [3, 'int64'],
    progress_notify: [4, 'bool'],
    filters: [5, 'enum', ['NOPUT', 'NODELETE']],
    prev_kv: [6, 'bool'],
    watch_id: [7, 'int64'],
    fragment: [8, 'bool'],
  },
  { repeated: ['filters'] },
);

const WatchCancelRequest = message('WatchCancelRequest', { watch_id: [1, 'int64'] });
const WatchProgressRequest = Empty('WatchProgressRequest');

const WatchRequest = message(
  'WatchRequest',
  {
    create_request: [1, 'message', () => WatchCreateRequest],
    cancel_request: [2, 'message', () => WatchCancelRequest],
    progress_request: [3, 'message', () => WatchProgressRequest],
  },
  { oneof: ['create_request', 'cancel_request', 'progress_request'] },
);

const WatchResponse = message(
  'WatchResponse',
  {
    header: [1, 'message', () => ResponseHeader],
    watch_id: [2, 'int64'],
    created: [3, 'bool'],
    canceled: [4, 'bool'],
    compact_revision: [5, 'int64'],
    cancel_reason: [6, 'string'],
    fragment: [7, 'bool'],
    events: [11, 'message', () => Event],
  },
  { repeated: ['events'] },
);

const LeaseGrantResponse = message('LeaseGrantResponse', {
  header: [1, 'message', () => ResponseHeader],
  ID: [2, 'int64'],
  TTL: [3, 'int64'],
  error: [4, 'string'],
});
const LeaseKeepAliveResponse = message('LeaseKeepAliveResponse', { header: [1, 'message', () => ResponseHeader], ID: [2, 'int64'], TTL: [3, 'int64'] });
const LeaseTimeToLiveResponse = message(
  'LeaseTimeToLiveResponse',
  { header: [1, 'message', () => ResponseHeader], ID: [2, 'int64'], TTL: [3, 'int64'], grantedTTL: [4, 'int64'], keys: [5, 'bytes'] },
  { repeated: ['keys'] },
);
const LeaseStatus = message('LeaseStatus', { ID: [1, 'int64'] });
const LeaseLeasesResponse = message(
  'LeaseLeasesResponse',
  { header: [1, 'message', () => ResponseHeader], leases: [2, 'message', () => LeaseStatus] },
  { repeated: ['leases'] },
);

const Member = message(
  'Member',
  { ID: [1, 'uint64'], name: [2, 'string'], peerURLs: [3, 'string'], clientURLs: [4, 'string'], isLearner: [5, 'bool'] },
  { repeated: ['peerURLs', 'clientURLs'] },
);
const MemberListResponse = message(
  'MemberListResponse',
  { header: [1, 'message', () => ResponseHeader], members: [2, 'message', () => Member] },
  { repeated: ['members'] },
);

const ALARM_TYPES = ['NONE', 'NOSPACE', 'CORRUPT'];
const AlarmRequest = message('AlarmRequest', {
  action: [1, 'enum', ['GET', 'ACTIVATE', 'DEACTIVATE']],
  memberID: [2, 'uint64'],
  alarm: [3, 'enum', ALARM_TYPES],
});
const AlarmMember = message('AlarmMember', { memberID: [1, 'uint64'], alarm: [2, 'enum', ALARM_TYPES] });
const AlarmResponse = message(
  'AlarmResponse',
  { header: [1, 'message', () => ResponseHeader], alarms: [2, 'message', () => AlarmMember] },
  { repeated: ['alarms'] },
);

const StatusResponse = message(
  'StatusResponse',
  {
    header: [1, 'message', () => ResponseHeader],
    version: [2, 'string'],
    dbSize: [3, 'int64'],
    leader: [4, 'uint64'],
    raftIndex: [5, 'uint64'],
    raftTerm: [6, 'uint64'],
    raftAppliedIndex: [7, 'uint64'],
    errors: [8, 'string'],
    dbSizeInUse: [9, 'int64'],
    isLearner: [10, 'bool'],
    storageVersion: [11, 'string'],
    dbSizeQuota: [12, 'int64'],
  },
  { repeated: ['errors'] },
);

export const EtcdMessages = {
  ResponseHeader, KeyValue, Event, RangeRequest, RangeResponse, PutRequest, PutResponse, DeleteRangeRequest,
  DeleteRangeResponse, RequestOp, ResponseOp, Compare, TxnRequest, TxnResponse, CompactionRequest, WatchRequest,
  WatchResponse, LeaseGrantResponse, LeaseKeepAliveResponse, LeaseTimeToLiveResponse, LeaseLeasesResponse,
  MemberListResponse, AlarmRequest, AlarmResponse, StatusResponse,
} as const;

export interface RpcSpec {
  readonly path: string;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
  /** Bidirectional streaming (Watch, LeaseKeepAlive); otherwise unary. */
  readonly streaming: boolean;
}

function rpc(service: string, method: string, request: MessageSpec, response: MessageSpec, streaming = false): RpcSpec {
  return { path: `/etcdserverpb.${service}/${method}`, request, response, streaming };
}

/** Every RPC kine serves. */
export const ETCD_RPCS = {
  Range: rpc('KV', 'Range', RangeRequest, RangeResponse),
  Put: rpc('KV', 'Put', PutRequest, PutResponse),
  DeleteRange: rpc('KV', 'DeleteRange', DeleteRangeRequest, DeleteRangeResponse),
  Txn: rpc('KV', 'Txn', TxnRequest, TxnResponse),
  Compact: rpc('KV', 'Compact', CompactionRequest, HeaderOnly('CompactionResponse')),
  Watch: rpc('Watch', 'Watch', WatchRequest, WatchResponse, true),
  LeaseGrant: rpc('Lease', 'LeaseGrant', message('LeaseGrantRequest', { TTL: [1, 'int64'], ID: [2, 'int64'] }), LeaseGrantResponse),
  LeaseRevoke: rpc('Lease', 'LeaseRevoke', message('LeaseRevokeRequest', { ID: [1, 'int64'] }), HeaderOnly('LeaseRevokeResponse')),
  LeaseKeepAlive: rpc('Lease', 'LeaseKeepAlive', message('LeaseKeepAliveRequest', { ID: [1, 'int64'] }), LeaseKeepAliveResponse, true),
  LeaseTimeToLive: rpc('Lease', 'LeaseTimeToLive', message('LeaseTimeToLiveRequest', { ID: [1, 'int64'], keys: [2, 'bool'] }), LeaseTimeToLiveResponse),
  LeaseLeases: rpc('Lease', 'LeaseLeases', Empty('LeaseLeasesRequest'), LeaseLeasesResponse),
  MemberList: rpc('Cluster', 'MemberList', message('MemberListRequest', { linearizable: [1, 'bool'] }), MemberListResponse),
  Alarm: rpc('Maintenance', 'Alarm', AlarmRequest, AlarmResponse),
  Status: rpc('Maintenance', 'Status', Empty('StatusRequest'), StatusResponse),
} as const;

export type EtcdRpcName = keyof typeof ETCD_RPCS;
