import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kineOptionsFromFlags, type KineFlags } from '../cli/commands/kine.js';
import { UsageError } from '../lib/errors.js';
import { describeStore, parseDuration, parseEndpoint, parseListenAddress } from './config.js';

describe('parseEndpoint', () => {
  const cases: [string, string, ReturnType<typeof parseEndpoint>][] = [
    ['sqlite URL', 'sqlite:///data/state.db', { kind: 'sqlite', path: '/data/state.db' }],
    ['kine DSN params are ignored', 'sqlite:///data/state.db?_journal=WAL&cache=shared', { kind: 'sqlite', path: '/data/state.db' }],
    ['bare absolute path', '/data/state.db', { kind: 'sqlite', path: '/data/state.db' }],
    ['postgres over a unix socket', 'postgres://kine@/k8s?host=/run/pg', { kind: 'postgres', url: 'postgres://kine@/k8s?host=/run/pg' }],
    ['postgresql:// with host and port', 'postgresql://u:p@db:5432/kine', { kind: 'postgres', url: 'postgresql://u:p@db:5432/kine' }],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.deepEqual(parseEndpoint(input), want));
  const bad: [string, string][] = [
    ['another database', 'mysql://x/y'],
    ['postgres without a database', 'postgres://u@host/'],
  ];
  for (const [name, input] of bad) {
    it(`rejects ${name} naming the flag`, () => assert.throws(() => parseEndpoint(input), (e: unknown) => e instanceof UsageError && e.message.startsWith('--endpoint')));
  }
  it('hides the password when describing a store', () => assert.equal(describeStore({ kind: 'postgres', url: 'postgres://u:secret@h/db' }), 'postgres://u:***@h/db'));
  for (const input of ['postgres://u:secret@host/', 'mysql://u:secret@tcp(h:3306)/kine']) {
    it(`names ${input.split(':')[0] ?? ''} endpoints in errors without the password`, () =>
      assert.throws(() => parseEndpoint(input), (e: unknown) => e instanceof UsageError && e.message.includes('u:***@') && !e.message.includes('secret')));
  }
});

describe('parseListenAddress', () => {
  const cases: [string, string, ReturnType<typeof parseListenAddress>][] = [
    ['unix://', 'unix:///d/kine.sock', { kind: 'unix', path: '/d/kine.sock' }],
    ['unix:', 'unix:/d/kine.sock', { kind: 'unix', path: '/d/kine.sock' }],
    ['host:port', '127.0.0.1:2379', { kind: 'tcp', host: '127.0.0.1', port: 2379 }],
    ['http://', 'http://127.0.0.1:0', { kind: 'tcp', host: '127.0.0.1', port: 0 }],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.deepEqual(parseListenAddress(input), want));
});

describe('parseDuration', () => {
  const cases: [string, number][] = [['500ms', 500], ['5s', 5000], ['2m', 120_000], ['0', 0]];
  for (const [input, want] of cases) it(input, () => assert.equal(parseDuration(input, '--x'), want));
});

describe('kine flags', () => {
  const good: KineFlags = {
    endpoint: 'sqlite:///tmp/x/state.db',
    listenAddress: 'unix:///tmp/x/kine.sock',
    durability: 'normal',
    compactInterval: '0',
    compactMinRetain: '1000',
    compactBatchSize: '1000',
    watchProgressNotifyInterval: '5s',
    emulatedEtcdVersion: '3.6.16',
    metrics: false,
  };
  it('builds options', () => {
    const o = kineOptionsFromFlags(good);
    assert.equal(o.durability, 'NORMAL');
    assert.equal(o.watchProgressNotifyIntervalMs, 5000);
    assert.equal(o.transport, undefined); // our own HTTP/2 unless asked
  });
  it('selects the node:http2 transport', () => assert.equal(kineOptionsFromFlags({ ...good, transport: 'node-http2' }).transport, 'node-http2'));
  const bad: [keyof KineFlags, string, string][] = [
    ['durability', 'EXTRA', '--durability'],
    ['listenAddress', 'nonsense', '--listen-address'],
    ['endpoint', 'mysql://db', '--endpoint'],
    ['compactInterval', 'soon', '--compact-interval'],
    ['compactBatchSize', '-5', '--compact-batch-size'],
    ['compactBatchSize', '3', '--compact-batch-size'],
    ['watchProgressNotifyInterval', '5', '--watch-progress-notify-interval'],
    ['emulatedEtcdVersion', 'latest', '--emulated-etcd-version'],
    ['transport', 'grpc-js', '--transport'],
  ];
  for (const [field, value, flag] of bad) {
    it(`${flag}=${value} is a UsageError naming the flag`, () => {
      assert.throws(() => kineOptionsFromFlags({ ...good, [field]: value }), (e: unknown) => e instanceof UsageError && e.message.startsWith(flag));
    });
  }
});
