import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideSync, type DecideInput } from './decide.js';
import { GVK } from './translate/gvk.js';
import type { KubeObject } from './translate/object.js';

const virtual = (
  uid = 'v1',
  rv = '10',
  extra: Partial<NonNullable<KubeObject['metadata']>> = {},
): KubeObject => ({ metadata: { name: 'p', namespace: 'default', uid, resourceVersion: rv, ...extra } });
const host = (
  uid = 'v1',
  rv = '20',
  extra: Partial<NonNullable<KubeObject['metadata']>> = {},
): KubeObject => ({
  metadata: {
    name: 'p-x-default-x-vc',
    namespace: 'h',
    resourceVersion: rv,
    annotations: { 'vcluster.loft.sh/object-uid': uid, 'vcluster.loft.sh/object-kind': '/v1, Kind=Pod' },
    ...extra,
  },
});

describe('decideSync', () => {
  const base = { gvk: GVK.Pod, hostManaged: true };
  const cases: { name: string; input: DecideInput<KubeObject>; want: string }[] = [
    { name: 'neither side', input: { ...base, virtual: undefined, host: undefined }, want: 'nothing' },
    { name: 'only virtual', input: { ...base, virtual: virtual(), host: undefined }, want: 'sync-to-host' },
    { name: 'both', input: { ...base, virtual: virtual(), host: host() }, want: 'sync' },
    { name: 'only host', input: { ...base, virtual: undefined, host: host() }, want: 'sync-to-virtual' },
    {
      name: 'virtual recreated (uid differs)',
      input: { ...base, virtual: virtual('v2'), host: host('v1') },
      want: 'delete-host',
    },
    {
      name: 'uid differs but deletion disabled',
      input: { ...base, virtual: virtual('v2'), host: host('v1'), disableUidDeletion: true },
      want: 'sync',
    },
    {
      name: 'uid differs, host already deleting',
      input: {
        ...base,
        virtual: virtual('v2'),
        host: host('v1', '20', { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      },
      want: 'requeue',
    },
    {
      name: 'unmanaged host object holds the name',
      input: { ...base, hostManaged: false, virtual: virtual(), host: host() },
      want: 'host-name-taken',
    },
    {
      name: 'unmanaged host object alone',
      input: { ...base, hostManaged: false, virtual: undefined, host: host() },
      want: 'nothing',
    },
    {
      name: 'virtual controlled-by is ignored',
      input: {
        ...base,
        virtual: virtual('v1', '10', { labels: { 'vcluster.loft.sh/controlled-by': 'vcluster' } }),
        host: undefined,
      },
      want: 'nothing',
    },
    {
      name: 'controlled-by annotation naming this syncer is still ours',
      input: {
        ...base,
        syncerName: 'pod',
        virtual: virtual('v1', '10', { annotations: { 'vcluster.loft.sh/controlled-by': 'pod' } }),
        host: undefined,
      },
      want: 'sync-to-host',
    },
    {
      name: 'controlled-by annotation naming another controller is ignored',
      input: {
        ...base,
        syncerName: 'pod',
        virtual: virtual('v1', '10', { annotations: { 'vcluster.loft.sh/controlled-by': 'other' } }),
        host: undefined,
      },
      want: 'nothing',
    },
    {
      name: 'uid differs and the host has no kind annotation: delete',
      input: {
        ...base,
        virtual: virtual('v2'),
        host: {
          metadata: { name: 'p-x-default-x-vc', annotations: { 'vcluster.loft.sh/object-uid': 'v1' } },
        },
      },
      want: 'delete-host',
    },
    {
      name: 'uid differs but another kind: keep',
      input: {
        ...base,
        virtual: virtual('v2'),
        host: {
          metadata: {
            name: 'p',
            annotations: {
              'vcluster.loft.sh/object-uid': 'v1',
              'vcluster.loft.sh/object-kind': '/v1, Kind=Secret',
            },
          },
        },
      },
      want: 'sync',
    },
    {
      name: 'skip-backsync host',
      input: {
        ...base,
        virtual: undefined,
        host: { metadata: { name: 'x', annotations: { 'vcluster.loft.sh/skip-backsync': 'true' } } },
      },
      want: 'nothing',
    },
    {
      name: 'cache ahead of informer',
      input: { ...base, virtual: virtual('v1', '10'), host: host(), virtualOld: virtual('v1', '11') },
      want: 'requeue',
    },
    {
      name: 'cache behind is fine',
      input: { ...base, virtual: virtual('v1', '12'), host: host(), virtualOld: virtual('v1', '11') },
      want: 'sync',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(decideSync(c.input).action, c.want));
});
