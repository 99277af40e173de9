import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, constants as h2, type IncomingHttpHeaders } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { GrpcCallError, GrpcClient } from './client.js';
import { FRAME_HEADER_BYTES, FrameDecoder, sealFrame } from './framing.js';
import { decode, encode, message } from './protobuf.js';
import { GrpcServer } from './grpc-server.js';
import { Flag, FrameType, frame, H2Error, PREFACE, rstStreamFrame, settingsFrame } from './http2/frames.js';
import { encodeHeaders } from './http2/hpack.js';
import { GrpcCode } from './status.js';

const Req = message('Req', { n: [1, 'int64'], text: [2, 'string'] });
const Res = message('Res', { n: [1, 'int64'], text: [2, 'string'] });
const dir = mkdtempSync(join(tmpdir(), 'grpc-test-'));
const sock = join(dir, 'grpc.sock');
const closed: string[] = [];
let counted = 0;

function newServer(): GrpcServer {
  const s = new GrpcServer({
    log: silentLogger(),
    maxReceiveBytes: 1024,
    toStatus: (err) => ({ code: GrpcCode.INVALID_ARGUMENT, details: err instanceof Error ? err.message : String(err) }),
  });
  s.unary('/t.S/Double', Req, Res, (req) => ({ n: Number(req.n ?? 0) * 2, text: req.text }));
  s.unary('/t.S/Later', Req, Res, async (req) => {
    await new Promise((r) => setTimeout(r, 5));
    return { n: req.n };
  });
  s.unary('/t.S/Count', Req, Res, () => ({ n: ++counted }));
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

let server = newServer();
await server.listen({ path: sock });
const client = new GrpcClient(`unix://${sock}`, { timeoutMs: 2000 });
after(async () => {
  client.close();
  await server.close(100);
  rmSync(dir, { recursive: true, force: true });
});

async function status(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
    return { code: 0, details: '' };
  } catch (err) {
    assert.ok(err instanceof GrpcCallError, String(err));
    return err.status;
  }
}

describe('GrpcServer with GrpcClient on a unix socket', () => {
  it('answers unary calls, sync and async, many at once', async () => {
    assert.deepEqual(await client.unary('/t.S/Double', Req, Res, { n: 21, text: 'é' }), { n: 42, text: 'é' });
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => client.unary('/t.S/Later', Req, Res, { n: i + 1 })));
    assert.deepEqual(all.map((r) => r.n), Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('carries a handler error as status and message, percent-encoded on the wire', async () => {
    assert.deepEqual(await status(client.unary('/t.S/Fail', Req, Res, {})), { code: GrpcCode.INVALID_ARGUMENT, details: '100% broken: naïve' });
  });

  it('answers unknown services and methods with UNIMPLEMENTED', async () => {
    assert.deepEqual(await status(client.unary('/t.Nope/X', Req, Res, {})), { code: GrpcCode.UNIMPLEMENTED, details: 'unknown service t.Nope' });
    assert.deepEqual(await status(client.unary('/t.S/X', Req, Res, {})), { code: GrpcCode.UNIMPLEMENTED, details: 'unknown method X for service t.S' });
  });

  it('refuses an oversized message with RESOURCE_EXHAUSTED and an undecodable one with INTERNAL', async () => {
    const big = await status(client.unary('/t.S/Double', Req, Res, { text: 'x'.repeat(2000) }));
    assert.equal(big.code, GrpcCode.RESOURCE_EXHAUSTED);
    assert.match(big.details, /larger than max \(\d+ vs\. 1024\)/);
    const raw = await rawUnary('/t.S/Double', Buffer.from([0x0b]));
    assert.equal(raw.status, String(GrpcCode.INTERNAL));
    assert.match(raw.message, /error unmarshalling request/);
  });

  it('streams both ways and ends a stream with a status', async () => {
    const got = await rawStream('/t.S/Echo', [{ n: 1 }, { n: 5 }, { text: 'stop' }, { n: 9 }]);
    assert.deepEqual(got.messages, [{ n: 2 }, { n: 6 }]);
    assert.equal(got.status, String(GrpcCode.OUT_OF_RANGE));
    assert.equal(got.message, 'asked to stop');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(closed.includes('echo'), 'the handler saw the stream close');
  });

  it('calls no method for a request the client reset in the same read, and closes a bidi call it reset', async () => {
    const socket = netConnect(sock);
    await new Promise((r) => socket.once('connect', r));
    let got = Buffer.alloc(0);
    let pingAcked = false;
    socket.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      while (got.length >= 9 && got.length >= 9 + got.readUIntBE(0, 3)) {
        if (got[3] === FrameType.PING && got[4] === Flag.ACK) pingAcked = true;
        got = got.subarray(9 + got.readUIntBE(0, 3));
      }
    });
    const headers = (id: number, path: string): Buffer =>
      frame(FrameType.HEADERS, Flag.END_HEADERS, id, encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', path], ['content-type', 'application/grpc']]));
    const msg = sealFrame(encode(Req, { n: 1 }, FRAME_HEADER_BYTES));
    const closedBefore = closed.length;
    socket.write(
      Buffer.concat([
        PREFACE,
        settingsFrame([]),
        headers(1, '/t.S/Count'),
        frame(FrameType.DATA, Flag.END_STREAM, 1, msg),
        rstStreamFrame(1, H2Error.CANCEL),
        headers(3, '/t.S/Echo'),
        frame(FrameType.DATA, 0, 3, msg),
        rstStreamFrame(3, H2Error.CANCEL),
        frame(FrameType.PING, 0, 0, Buffer.alloc(8)),
      ]),
    );
    // the PING's answer leaves after the server has handled every frame before it
    const deadline = Date.now() + 2000;
    while ((!pingAcked || closed.length === closedBefore) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(pingAcked, 'PING answered');
    assert.deepEqual(closed.slice(closedBefore), ['echo'], 'the reset bidi call was closed');
    assert.deepEqual(await client.unary('/t.S/Count', Req, Res, {}), { n: 1 }, 'the reset unary call never ran');
    socket.destroy();
  });

  it('reconnects after the server restarts', async () => {
    await server.close(100);
    assert.equal((await status(client.unary('/t.S/Double', Req, Res, { n: 1 }))).code, GrpcCode.UNAVAILABLE);
    server = newServer();
    await server.listen({ path: sock });
    assert.deepEqual(await client.unary('/t.S/Double', Req, Res, { n: 2 }), { n: 4 });
  });
});

function rawUnary(path: string, payload: Buffer): Promise<{ status: string; message: string }> {
  return new Promise((resolve, reject) => {
    const s = connect('http://localhost', { createConnection: () => netConnect(sock) });
    const req = s.request({ [h2.HTTP2_HEADER_METHOD]: 'POST', [h2.HTTP2_HEADER_PATH]: path, 'content-type': 'application/grpc' });
    req.on('response', (h) => {
      s.close();
      resolve({ status: String(h['grpc-status']), message: decodeURIComponent(String(h['grpc-message'])) });
    });
    req.on('error', reject);
    const f = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
    payload.copy(f, FRAME_HEADER_BYTES);
    req.end(sealFrame(f));
  });
}

function rawStream(path: string, msgs: Record<string, unknown>[]): Promise<{ messages: Record<string, unknown>[]; status: string; message: string }> {
  return new Promise((resolve, reject) => {
    const s = connect('http://localhost', { createConnection: () => netConnect(sock) });
    const req = s.request({ [h2.HTTP2_HEADER_METHOD]: 'POST', [h2.HTTP2_HEADER_PATH]: path, 'content-type': 'application/grpc' });
    const frames = new FrameDecoder(1 << 20);
    const messages: Record<string, unknown>[] = [];
    req.on('data', (c: Buffer) => {
      for (const m of frames.push(c)) messages.push(decode(Res, m));
    });
    req.on('trailers', (t: IncomingHttpHeaders) => {
      s.close();
      resolve({ messages, status: String(t['grpc-status']), message: decodeURIComponent(String(t['grpc-message'])) });
    });
    req.on('error', reject);
    for (const m of msgs) req.write(sealFrame(encode(Req, m, FRAME_HEADER_BYTES)));
  });
}


