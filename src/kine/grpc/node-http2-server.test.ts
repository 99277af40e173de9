/**
 * The node:http2 transport (./node-http2-server.ts) answers as our own (./server.ts): the same
 * routes and cases against both, then kine itself over each transport driven by the npm etcd3
 * client (put, get, txn, watch).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, constants as h2, type IncomingHttpHeaders } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { silentLogger } from '../../lib/logger.js';
import { DEFAULTS, KINE_TRANSPORTS, type KineTransport } from '../config.js';
import { startKine } from '../server/etcd-server.js';
import { GrpcCallError, GrpcClient } from './client.js';
import { FRAME_HEADER_BYTES, FrameDecoder, sealFrame } from './framing.js';
import { NodeHttp2GrpcServer } from './node-http2-server.js';
import { decode, encode, message } from './protobuf.js';
import { GrpcServer, type GrpcServerOptions, type GrpcTransport } from './grpc-server.js';
import { GrpcCode } from './status.js';

const Req = message('Req', { n: [1, 'int64'], text: [2, 'string'] });
const Res = message('Res', { n: [1, 'int64'], text: [2, 'string'] });
const dir = mkdtempSync(join(tmpdir(), 'grpc-node-http2-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TRANSPORTS: Record<KineTransport, (o: GrpcServerOptions) => GrpcTransport> = {
  own: (o) => new GrpcServer(o),
  'node-http2': (o) => new NodeHttp2GrpcServer(o),
};

function withRoutes(s: GrpcTransport, closed: string[]): GrpcTransport {
  s.unary('/t.S/Double', Req, Res, (req) => ({ n: Number(req.n ?? 0) * 2, text: req.text }));
  s.unary('/t.S/Later', Req, Res, async (req) => {
    await new Promise((r) => setTimeout(r, 5));
    return { n: req.n };
  });
  s.unary('/t.S/Fail', Req, Res, () => {
    throw new Error('100% broken: naïve');
  });
  s.bidi('/t.S/Echo', Req, Res, (call) => ({
    message: (req) => {
      if (req.text === 'stop') call.end({ code: GrpcCode.OUT_OF_RANGE, details: 'asked to stop' });
      else call.write({ n: Number(req.n ?? 0) + 1 });
    },
    end: () => call.end(),
    close: () => closed.push('echo'),
  }));
  return s;
}

async function status(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
    return { code: 0, details: '' };
  } catch (err) {
    assert.ok(err instanceof GrpcCallError, String(err));
    return err.status;
  }
}

function rawRequest(sock: string, path: string, contentType: string, body: Buffer[], end: boolean) {
  const s = connect('http://localhost', { createConnection: () => netConnect(sock) });
  const req = s.request({ [h2.HTTP2_HEADER_METHOD]: 'POST', [h2.HTTP2_HEADER_PATH]: path, 'content-type': contentType });
  for (const b of body) req.write(b);
  if (end) req.end();
  return { s, req };
}

/** A stream's messages and final status (from the trailers, or from the headers of a trailers-only answer). */
function rawCall(sock: string, path: string, body: Buffer[], end: boolean): Promise<{ httpStatus: number; messages: Record<string, unknown>[]; status: string; message: string }> {
  return new Promise((resolve, reject) => {
    const { s, req } = rawRequest(sock, path, 'application/grpc', body, end);
    const frames = new FrameDecoder(1 << 20);
    const messages: Record<string, unknown>[] = [];
    let httpStatus = 0;
    const done = (h: IncomingHttpHeaders): void => {
      s.close();
      resolve({ httpStatus, messages, status: String(h['grpc-status']), message: decodeURIComponent(String(h['grpc-message'] ?? '')) });
    };
    req.on('response', (h) => {
      httpStatus = Number(h[':status']);
      if (h['grpc-status'] !== undefined) done(h);
    });
    req.on('data', (c: Buffer) => {
      for (const m of frames.push(c)) messages.push(decode(Res, m));
    });
    req.on('trailers', done);
    req.on('error', reject);
  });
}

for (const [name, make] of Object.entries(TRANSPORTS)) {
  describe(`gRPC routes over the ${name} transport`, () => {
    const sock = join(dir, `${name}.sock`);
    const closed: string[] = [];
    const server = withRoutes(
      make({
        log: silentLogger(),
        maxReceiveBytes: 1024,
        toStatus: (err) => ({ code: GrpcCode.INVALID_ARGUMENT, details: err instanceof Error ? err.message : String(err) }),
      }),
      closed,
    );
    const client = new GrpcClient(`unix://${sock}`, { timeoutMs: 2000 });
    after(async () => {
      client.close();
      await server.close(100);
    });

    it('answers unary calls, sync and async, many at once', async () => {
      assert.equal(await server.listen({ path: sock }), 0);
      assert.deepEqual(await client.unary('/t.S/Double', Req, Res, { n: 21, text: 'é' }), { n: 42, text: 'é' });
      const all = await Promise.all(Array.from({ length: 50 }, (_, i) => client.unary('/t.S/Later', Req, Res, { n: i + 1 })));
      assert.deepEqual(all.map((r) => r.n), Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('carries a handler error as status and message', async () => {
      assert.deepEqual(await status(client.unary('/t.S/Fail', Req, Res, {})), { code: GrpcCode.INVALID_ARGUMENT, details: '100% broken: naïve' });
    });

    it('answers unknown services and methods with UNIMPLEMENTED, oversized messages with RESOURCE_EXHAUSTED', async () => {
      assert.deepEqual(await status(client.unary('/t.Nope/X', Req, Res, {})), { code: GrpcCode.UNIMPLEMENTED, details: 'unknown service t.Nope' });
      assert.deepEqual(await status(client.unary('/t.S/X', Req, Res, {})), { code: GrpcCode.UNIMPLEMENTED, details: 'unknown method X for service t.S' });
      const big = await status(client.unary('/t.S/Double', Req, Res, { text: 'x'.repeat(2000) }));
      assert.equal(big.code, GrpcCode.RESOURCE_EXHAUSTED);
    });

    it('answers a request without a message with INTERNAL, and one that is not gRPC with 415', async () => {
      const empty = await rawCall(sock, '/t.S/Double', [], true);
      assert.equal(empty.status, String(GrpcCode.INTERNAL));
      const text = await new Promise<number>((resolve, reject) => {
        const { s, req } = rawRequest(sock, '/t.S/Double', 'text/plain', [Buffer.from('hi')], true);
        req.on('response', (h) => {
          s.close();
          resolve(Number(h[':status']));
        });
        req.on('error', reject);
      });
      assert.equal(text, 415);
    });

    it('streams both ways and ends a stream with a status', async () => {
      const msgs = [{ n: 1 }, { n: 5 }, { text: 'stop' }, { n: 9 }].map((m) => sealFrame(encode(Req, m, FRAME_HEADER_BYTES)));
      const got = await rawCall(sock, '/t.S/Echo', msgs, false);
      assert.equal(got.httpStatus, 200);
      assert.deepEqual(got.messages, [{ n: 2 }, { n: 6 }]);
      assert.equal(got.status, String(GrpcCode.OUT_OF_RANGE));
      assert.equal(got.message, 'asked to stop');
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(closed.includes('echo'), 'the handler saw the stream close');
    });

    it('ends a stream the client half-closed with OK', async () => {
      const got = await rawCall(sock, '/t.S/Echo', [sealFrame(encode(Req, { n: 41 }, FRAME_HEADER_BYTES))], true);
      assert.deepEqual(got.messages, [{ n: 42 }]);
      assert.equal(got.status, '0');
    });
  });
}

/** The npm etcd3 client (on @grpc/grpc-js) against kine: what it gets back from put, get, txn and watch. */
async function etcdScript(url: string): Promise<unknown[]> {
  const e3 = new Etcd3({ hosts: url });
  const out: unknown[] = [];
  try {
    const events: string[] = [];
    const watcher = await e3.watch().prefix('/w/').create();
    const twoEvents = new Promise<void>((resolve) => {
      watcher.on('put', (kv) => {
        events.push(`put ${kv.key.toString()}=${kv.value.toString()}`);
        if (events.length === 2) resolve();
      });
    });
    await e3.put('/w/a').value('1');
    out.push(await e3.get('/w/a').string());
    const txn = await e3.if('/w/a', 'Value', '==', '1').then(e3.put('/w/a').value('2')).else(e3.get('/w/a')).commit();
    out.push(txn.succeeded);
    const miss = await e3.if('/w/a', 'Value', '==', '1').then(e3.put('/w/a').value('3')).commit();
    out.push(miss.succeeded);
    out.push(await e3.getAll().prefix('/w/').strings());
    await twoEvents;
    out.push(events);
    await watcher.cancel();
  } finally {
    e3.close();
  }
  return out;
}

describe('kine over each transport, driven by the etcd3 client', { timeout: 60_000 }, () => {
  for (const transport of KINE_TRANSPORTS) {
    it(`serves put, get, txn and watch over ${transport}`, async () => {
      const sub = join(dir, `kine-${transport}`);
      const controller = new AbortController();
      const kine = await startKine(
        {
          store: { kind: 'sqlite', path: join(sub, 'state.db') },
          listen: { kind: 'unix', path: join(sub, 'kine.sock') },
          durability: 'NORMAL',
          compactIntervalMs: 0,
          compactMinRetain: DEFAULTS.compactMinRetain,
          compactBatchSize: DEFAULTS.compactBatchSize,
          watchProgressNotifyIntervalMs: DEFAULTS.watchProgressNotifyIntervalMs,
          emulatedEtcdVersion: DEFAULTS.emulatedEtcdVersion,
          maxRequestBytes: DEFAULTS.maxRequestBytes,
          transport,
        },
        silentLogger(),
        controller.signal,
      );
      try {
        const got = await etcdScript(`unix:${join(sub, 'kine.sock')}`);
        assert.deepEqual(got, ['1', true, false, { '/w/a': '2' }, ['put /w/a=1', 'put /w/a=2']]);
      } finally {
        controller.abort();
        await kine.stopped;
      }
    });
  }
});
