import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import { silentLogger } from '../../../lib/logger.js';
import { H2Connection, type H2Stream, type StreamHandler } from './connection.js';
import { Flag, FrameType, frame, H2Error, PREFACE, rstStreamFrame, Setting, settingsFrame, windowUpdateFrame } from './frames.js';
import { encodeHeaders, HpackDecoder, type HeaderList } from './hpack.js';
import type { H2Limits } from './limits.js';

interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Buffer;
}

/** A raw HTTP/2 client: writes bytes, collects the server's frames and which socket read each came in. */
class RawClient {
  readonly frames: (Frame & { readonly read: number })[] = [];
  private buf = Buffer.alloc(0);
  private reads = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly socket: Socket) {
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      this.reads++;
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 9) {
        const len = this.buf.readUIntBE(0, 3);
        if (this.buf.length < 9 + len) break;
        this.frames.push({ type: this.buf[3] ?? 0, flags: this.buf[4] ?? 0, stream: this.buf.readUInt32BE(5), payload: this.buf.subarray(9, 9 + len), read: this.reads });
        this.buf = this.buf.subarray(9 + len);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async until(pred: (f: Frame[]) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 3000;
    while (!pred(this.frames)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.map((f) => [f.type, f.flags, f.stream]))}`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  request(stream: number, path: string, body?: Buffer, extraFlags = 0): void {
    const block = encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', path], ['content-type', 'application/grpc']]);
    this.socket.write(frame(FrameType.HEADERS, Flag.END_HEADERS | (body === undefined ? Flag.END_STREAM : 0) | extraFlags, stream, block));
    if (body !== undefined) this.socket.write(frame(FrameType.DATA, Flag.END_STREAM, stream, body));
  }
}

let servers: Server[] = [];
let sockets: Socket[] = [];
afterEach(() => {
  // a failed assertion skips a test's own cleanup: close everything here, or the runner hangs
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  sockets = [];
  servers = [];
});

/** A server whose every stream echoes its body back (`respond`), or does what `onStream` says. */
async function start(
  onStream: (s: H2Stream, h: HeaderList) => StreamHandler,
  clientSettings: [number, number][] = [],
  limits: Partial<H2Limits> = {},
  serverQueue?: { queuedBytes: number },
): Promise<{ client: RawClient; conns: H2Connection[]; writes: () => number }> {
  const conns: H2Connection[] = [];
  let writes = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    // count the server's socket writes (each is one write/writev syscall for the frames it carries)
    const target = socket as unknown as { write: (b: Buffer) => boolean };
    const write = target.write.bind(socket);
    target.write = (b: Buffer): boolean => {
      writes++;
      return write(b);
    };
    conns.push(new H2Connection(socket, { log: silentLogger(), onStream, limits, ...(serverQueue === undefined ? {} : { serverQueue }) }));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const socket = connect(typeof addr === 'object' && addr !== null ? addr.port : 0, '127.0.0.1');
  await once(socket, 'connect');
  const client = new RawClient(socket);
  socket.write(Buffer.concat([PREFACE, settingsFrame(clientSettings)]));
  await client.until((f) => f.some((x) => x.type === FrameType.SETTINGS && (x.flags & Flag.ACK) !== 0), 'SETTINGS ACK');
  return { client, conns, writes: () => writes };
}

const RESPONSE = encodeHeaders([[':status', '200'], ['content-type', 'application/grpc']]);
const OK = encodeHeaders([['grpc-status', '0']]);

/** Answers each request with its body, then trailers: as a unary gRPC reply does. */
function echo(s: H2Stream): StreamHandler {
  const chunks: Buffer[] = [];
  return {
    data: (c) => chunks.push(c),
    end: () => {
      s.headers(RESPONSE);
      s.data(Buffer.concat(chunks));
      s.trailers(OK);
    },
    reset: () => undefined,
  };
}

describe('H2Connection', () => {
  it('sends SETTINGS and a connection WINDOW_UPDATE first, and ACKs the client SETTINGS', async () => {
    const { client } = await start(echo);
    const [first, second] = client.frames;
    assert.equal(first?.type, FrameType.SETTINGS);
    assert.equal(first?.flags, 0);
    assert.equal(second?.type, FrameType.WINDOW_UPDATE);
    assert.equal(second?.stream, 0);
    client.socket.destroy();
  });

  it('answers a request with HEADERS, DATA and END_STREAM trailers in one socket write', async () => {
    const { client, writes } = await start(echo);
    const before = writes();
    client.request(1, '/svc/Echo', Buffer.from('hello'));
    await client.until((f) => f.some((x) => x.stream === 1 && x.type === FrameType.HEADERS && (x.flags & Flag.END_STREAM) !== 0), 'trailers');
    const mine = client.frames.filter((x) => x.stream === 1);
    assert.deepEqual(
      mine.map((x) => [x.type, x.flags]),
      [
        [FrameType.HEADERS, Flag.END_HEADERS],
        [FrameType.DATA, 0],
        [FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM],
      ],
    );
    assert.equal(mine[1]?.payload.toString(), 'hello');
    assert.equal(writes() - before, 1, 'the server wrote the answer with one socket write');
    assert.equal(new Set(mine.map((x) => x.read)).size, 1, 'all three frames arrived in one read');
    assert.deepEqual(new HpackDecoder().decode(mine[0]?.payload ?? Buffer.alloc(0), 1 << 20), [[':status', '200'], ['content-type', 'application/grpc']]);
    client.socket.destroy();
  });

  it('sends what a commit publishes on one stream and the answers its promises resolve on another in one write', async () => {
    let watch: H2Stream | undefined;
    const { client, writes } = await start((s, h) => {
      if (h.some(([n, v]) => n === ':path' && v === '/svc/Watch')) {
        watch = s;
        s.headers(RESPONSE);
        return { data: () => undefined, end: () => undefined, reset: () => undefined };
      }
      return {
        data: () => undefined,
        end: () => {
          // as kine's group commit: the flush runs in setImmediate, publishes the event at once and
          // answers through a chain of promise reactions
          setImmediate(() => {
            watch?.data(Buffer.from('event'));
            void Promise.resolve()
              .then(() => Promise.resolve())
              .then(() => {
                s.headers(RESPONSE);
                s.data(Buffer.from('answer'));
                s.trailers(OK);
              });
          });
        },
        reset: () => undefined,
      };
    });
    client.request(1, '/svc/Watch', undefined);
    await client.until((f) => f.some((x) => x.stream === 1 && x.type === FrameType.HEADERS), 'watch headers');
    await new Promise((r) => setTimeout(r, 20));
    const before = writes();
    client.request(3, '/svc/Txn', Buffer.from('x'));
    await client.until((f) => f.some((x) => x.stream === 3 && (x.flags & Flag.END_STREAM) !== 0), 'answer');
    assert.equal(writes() - before, 1, 'event and answer in one socket write');
    assert.ok(client.frames.some((x) => x.stream === 1 && x.type === FrameType.DATA && x.payload.toString() === 'event'));
    client.socket.destroy();
  });

  it('answers synchronously from the last DATA frame without resetting the finished stream', async () => {
    const { client } = await start((s) => ({
      data: (c) => {
        s.headers(RESPONSE);
        s.data(c);
        s.trailers(OK);
      },
      end: () => undefined,
      reset: () => undefined,
    }));
    client.request(1, '/svc/Get', Buffer.from('k'));
    await client.until((f) => f.some((x) => x.stream === 1 && (x.flags & Flag.END_STREAM) !== 0), 'answer');
    client.request(3, '/svc/Get', Buffer.from('k2'));
    await client.until((f) => f.some((x) => x.stream === 3 && (x.flags & Flag.END_STREAM) !== 0), 'second answer');
    assert.deepEqual(
      client.frames.filter((x) => x.stream === 1).map((x) => x.type),
      [FrameType.HEADERS, FrameType.DATA, FrameType.HEADERS],
      'no RST_STREAM after the trailers: the client had already ended its side',
    );
    client.socket.destroy();
  });

  it('decodes a header block split over HEADERS and CONTINUATION', async () => {
    let seen: HeaderList = [];
    const { client } = await start((s, h) => {
      seen = h;
      return echo(s);
    });
    const block = encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', '/a/B'], ['content-type', 'application/grpc'], ['x-long', 'y'.repeat(200)]]);
    client.socket.write(frame(FrameType.HEADERS, 0, 1, block.subarray(0, 50)));
    client.socket.write(frame(FrameType.CONTINUATION, 0, 1, block.subarray(50, 120)));
    client.socket.write(frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(120)));
    client.socket.write(frame(FrameType.DATA, Flag.END_STREAM, 1, Buffer.from('x')));
    await client.until((f) => f.some((x) => x.stream === 1 && (x.flags & Flag.END_STREAM) !== 0), 'answer');
    assert.equal(seen.find(([n]) => n === 'x-long')?.[1], 'y'.repeat(200));
    client.socket.destroy();
  });

  it('holds DATA to the client window and sends the trailers only after the last byte', async () => {
    const { client } = await start(echo, [[Setting.INITIAL_WINDOW_SIZE, 10]]);
    client.request(1, '/svc/Echo', Buffer.from('abcdefghijklmnopqrstuvwxy')); // 25 bytes
    await client.until((f) => f.some((x) => x.stream === 1 && x.type === FrameType.DATA), 'first DATA');
    await new Promise((r) => setTimeout(r, 50));
    const data = (): Buffer => Buffer.concat(client.frames.filter((x) => x.stream === 1 && x.type === FrameType.DATA).map((x) => x.payload));
    assert.equal(data().toString(), 'abcdefghij');
    assert.ok(!client.frames.some((x) => x.stream === 1 && (x.flags & Flag.END_STREAM) !== 0), 'no trailers while data is held back');
    client.socket.write(windowUpdateFrame(1, 10));
    await client.until(() => data().length === 20, '20 bytes');
    client.socket.write(windowUpdateFrame(1, 100));
    await client.until((f) => f.some((x) => x.stream === 1 && (x.flags & Flag.END_STREAM) !== 0), 'trailers');
    assert.equal(data().toString(), 'abcdefghijklmnopqrstuvwxy');
    client.socket.destroy();
  });

  it('answers PING with the same payload and tells the handler when the client resets its stream', async () => {
    let resets = 0;
    const { client } = await start(() => ({ data: () => undefined, end: () => undefined, reset: () => resets++ }));
    client.socket.write(frame(FrameType.PING, 0, 0, Buffer.from('12345678')));
    await client.until((f) => f.some((x) => x.type === FrameType.PING), 'PING ACK');
    const ping = client.frames.find((x) => x.type === FrameType.PING);
    assert.equal(ping?.flags, Flag.ACK);
    assert.equal(ping?.payload.toString(), '12345678');
    client.request(1, '/svc/Stream', undefined, 0);
    const rst = Buffer.alloc(4);
    rst.writeUInt32BE(H2Error.CANCEL);
    client.socket.write(frame(FrameType.RST_STREAM, 0, 1, rst));
    const deadline = Date.now() + 2000;
    while (resets === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(resets, 1);
    client.socket.destroy();
  });

  it('ends the connection with GOAWAY on a bad preface, an oversized frame or a bad header block', async () => {
    const cases: [string, Buffer, number][] = [
      ['an oversized frame', frame(FrameType.DATA, 0, 1, Buffer.alloc(20000)), H2Error.FRAME_SIZE_ERROR],
      ['a bad header block', frame(FrameType.HEADERS, Flag.END_HEADERS, 1, Buffer.from([0x80])), H2Error.COMPRESSION_ERROR],
      ['HEADERS on an even stream', frame(FrameType.HEADERS, Flag.END_HEADERS, 2, encodeHeaders([[':path', '/']])), H2Error.PROTOCOL_ERROR],
      ['PUSH_PROMISE from a client', frame(FrameType.PUSH_PROMISE, 0, 1, Buffer.alloc(4)), H2Error.PROTOCOL_ERROR],
    ];
    for (const [what, bytes, code] of cases) {
      const { client } = await start(echo);
      client.socket.write(bytes);
      await client.until((f) => f.some((x) => x.type === FrameType.GOAWAY), `GOAWAY after ${what}`);
      const g = client.frames.find((x) => x.type === FrameType.GOAWAY);
      assert.equal(g?.payload.readUInt32BE(4), code, what);
      client.socket.destroy();
    }
    const conns: H2Connection[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      conns.push(new H2Connection(socket, { log: silentLogger(), onStream: echo }));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    const socket = connect(typeof addr === 'object' && addr !== null ? addr.port : 0, '127.0.0.1');
    const raw = new RawClient(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await raw.until((f) => f.some((x) => x.type === FrameType.GOAWAY), 'GOAWAY after an HTTP/1.1 request');
    assert.equal(raw.frames.find((x) => x.type === FrameType.GOAWAY)?.payload.readUInt32BE(4), H2Error.PROTOCOL_ERROR);
    socket.destroy();
  });

  it('refuses new streams after goAway() and closes once the open ones finish', async () => {
    let held: H2Stream | undefined;
    const { client, conns } = await start((s) => {
      held = s;
      return { data: () => undefined, end: () => undefined, reset: () => undefined };
    });
    client.request(1, '/svc/Hold');
    await client.until(() => held !== undefined, 'stream 1 at the server');
    conns[0]?.goAway();
    await client.until((f) => f.some((x) => x.type === FrameType.GOAWAY), 'GOAWAY');
    assert.equal(client.frames.find((x) => x.type === FrameType.GOAWAY)?.payload.readUInt32BE(0), 1, 'last stream id');
    client.request(3, '/svc/Late');
    await client.until((f) => f.some((x) => x.type === FrameType.RST_STREAM && x.stream === 3), 'stream 3 refused');
    assert.equal(client.frames.find((x) => x.type === FrameType.RST_STREAM && x.stream === 3)?.payload.readUInt32BE(0), H2Error.REFUSED_STREAM);
    assert.equal(client.closed, false);
    held?.headers(RESPONSE);
    held?.trailers(OK);
    await client.until(() => client.closed, 'socket closed');
  });
});

/** The error code of the GOAWAY the server sent, if any. */
function goawayCode(client: RawClient): number | undefined {
  const g = client.frames.find((x) => x.type === FrameType.GOAWAY);
  return g?.payload.readUInt32BE(4);
}
const rstCodes = (client: RawClient, stream: number): number[] =>
  client.frames.filter((x) => x.type === FrameType.RST_STREAM && x.stream === stream).map((x) => x.payload.readUInt32BE(0));
const hang = (): StreamHandler => ({ data: () => undefined, end: () => undefined, reset: () => undefined });
const ping = (n: number): Buffer => frame(FrameType.PING, 0, 0, Buffer.alloc(8, n));

describe('H2Connection bounds', () => {
  it('advertises MAX_CONCURRENT_STREAMS and refuses a stream beyond it with REFUSED_STREAM', async () => {
    const { client } = await start(() => hang(), [], { maxConcurrentStreams: 2 });
    const settings = client.frames[0]?.payload ?? Buffer.alloc(0);
    assert.equal(settings.readUInt16BE(0), Setting.MAX_CONCURRENT_STREAMS);
    assert.equal(settings.readUInt32BE(2), 2);
    for (const id of [1, 3, 5]) client.request(id, '/a/B');
    await client.until((f) => f.some((x) => x.type === FrameType.RST_STREAM), 'RST_STREAM');
    assert.deepEqual(rstCodes(client, 5), [H2Error.REFUSED_STREAM]);
    assert.deepEqual(rstCodes(client, 1), []);
  });

  it('answers a burst of stream resets (rapid reset) with GOAWAY ENHANCE_YOUR_CALM', async () => {
    const { client } = await start(() => hang(), [], { resetBurst: 20, resetsPerSecond: 1 });
    const frames: Buffer[] = [];
    for (let id = 1; id < 100; id += 2) {
      frames.push(frame(FrameType.HEADERS, Flag.END_HEADERS, id, encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', '/a/B']])));
      frames.push(rstStreamFrame(id, H2Error.CANCEL));
    }
    client.socket.write(Buffer.concat(frames));
    await client.until(() => client.closed, 'close');
    assert.equal(goawayCode(client), H2Error.ENHANCE_YOUR_CALM);
  });

  it('answers a PING flood with GOAWAY ENHANCE_YOUR_CALM', async () => {
    const { client } = await start(() => hang(), [], { maxPendingControlFrames: 50 });
    client.socket.write(Buffer.concat(Array.from({ length: 200 }, (_, i) => ping(i))));
    await client.until(() => client.closed, 'close');
    assert.equal(goawayCode(client), H2Error.ENHANCE_YOUR_CALM);
  });

  it('resets a stream whose DATA overruns the window we granted with FLOW_CONTROL_ERROR', async () => {
    const { client } = await start(() => hang(), [], { streamWindowBytes: 100 });
    const settings = client.frames[0]?.payload ?? Buffer.alloc(0);
    assert.equal(settings.readUInt16BE(6), Setting.INITIAL_WINDOW_SIZE);
    assert.equal(settings.readUInt32BE(8), 100);
    client.socket.write(frame(FrameType.HEADERS, Flag.END_HEADERS, 1, encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', '/a/B']])));
    client.socket.write(frame(FrameType.DATA, 0, 1, Buffer.alloc(101)));
    await client.until(() => rstCodes(client, 1).length > 0, 'RST_STREAM');
    assert.deepEqual(rstCodes(client, 1), [H2Error.FLOW_CONTROL_ERROR]);
  });

  it('resets a stream whose window a WINDOW_UPDATE takes above 2^31-1, and ends the connection for the connection window', async () => {
    const { client } = await start(() => hang());
    client.request(1, '/a/B', undefined, 0);
    client.socket.write(Buffer.concat([windowUpdateFrame(1, 0x7fffffff), windowUpdateFrame(1, 0x7fffffff)]));
    await client.until(() => rstCodes(client, 1).length > 0, 'RST_STREAM');
    assert.deepEqual(rstCodes(client, 1), [H2Error.FLOW_CONTROL_ERROR]);
    client.socket.write(Buffer.concat([windowUpdateFrame(0, 0x7fffffff), windowUpdateFrame(0, 0x7fffffff)]));
    await client.until(() => client.closed, 'close');
    assert.equal(goawayCode(client), H2Error.FLOW_CONTROL_ERROR);
  });

  it('ends the connection with STREAM_CLOSED on HEADERS for a closed stream, and serves stream 0x7fffffff', async () => {
    const { client } = await start(echo);
    client.request(0x7fffffff, '/a/B', Buffer.from('x'));
    await client.until((f) => f.some((x) => x.stream === 0x7fffffff && (x.flags & Flag.END_STREAM) !== 0), 'answer');
    client.request(0x7fffffff, '/a/B', Buffer.from('x'));
    await client.until(() => client.closed, 'close');
    assert.equal(goawayCode(client), H2Error.STREAM_CLOSED);
  });

  it('resets malformed requests with PROTOCOL_ERROR without handing them to the application', async () => {
    let served = 0;
    const { client } = await start((s) => {
      served++;
      return echo(s);
    });
    const bad: [string, string][][] = [
      [[':method', 'POST'], [':scheme', 'http'], [':path', '/a'], [':path', '/b']],
      [[':method', 'POST'], [':scheme', 'http'], [':path', '/a'], ['Content-Type', 'x']],
      [[':method', 'POST'], [':scheme', 'http'], ['x', 'y'], [':path', '/a']],
      [[':method', 'POST'], [':scheme', 'http'], [':path', '/a'], ['connection', 'close']],
      [[':method', 'POST'], [':scheme', 'http'], [':path', '/a'], [':status', '200']],
    ];
    bad.forEach((h, i) => client.socket.write(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1 + 2 * i, encodeHeaders(h))));
    await client.until((f) => f.filter((x) => x.type === FrameType.RST_STREAM).length === bad.length, 'resets');
    for (let i = 0; i < bad.length; i++) assert.deepEqual(rstCodes(client, 1 + 2 * i), [H2Error.PROTOCOL_ERROR]);
    assert.equal(served, 0);
    // content-length that the body does not match
    const h = encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', '/a'], ['content-length', '1']]);
    client.socket.write(Buffer.concat([frame(FrameType.HEADERS, Flag.END_HEADERS, 11, h), frame(FrameType.DATA, Flag.END_STREAM, 11, Buffer.from('abc'))]));
    await client.until(() => rstCodes(client, 11).length > 0, 'content-length reset');
    assert.deepEqual(rstCodes(client, 11), [H2Error.PROTOCOL_ERROR]);
  });

  it('stops sending to a client that does not read, then drops it past the byte bound', async () => {
    let stream: H2Stream | undefined;
    const { client, conns } = await start(
      (s) => {
        stream = s;
        return hang();
      },
      [[Setting.INITIAL_WINDOW_SIZE, 0x7fffffff]],
      { writeHighWaterBytes: 64 << 10, maxQueuedBytes: 4 << 20 },
    );
    client.socket.write(windowUpdateFrame(0, 0x7fffffff - 65535));
    client.request(1, '/a/B');
    client.socket.pause(); // never read again
    await client.until(() => stream !== undefined, 'stream');
    let closed = false;
    client.socket.on('close', () => (closed = true));
    for (let i = 0; i < 200 && !closed && conns[0]?.activeStreams !== 0; i++) {
      stream?.data(Buffer.alloc(256 << 10));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(conns[0]?.activeStreams, 0, 'the connection was dropped and its stream reset');
  });

  it('resets a request whose RST_STREAM comes in the same read before its handler gets any of it', async () => {
    const calls: string[] = [];
    const { client } = await start((s, h) => {
      const path = h.find(([n]) => n === ':path')?.[1] ?? '';
      calls.push(`open ${path}`);
      const answer = echo(s);
      return {
        data: (c) => {
          calls.push(`data ${path}`);
          answer.data(c);
        },
        end: () => {
          calls.push(`end ${path}`);
          answer.end();
        },
        reset: () => calls.push(`reset ${path}`),
      };
    });
    const headers = (id: number, path: string): Buffer =>
      frame(FrameType.HEADERS, Flag.END_HEADERS, id, encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', path]]));
    client.socket.write(
      Buffer.concat([
        headers(1, '/a/Unary'),
        frame(FrameType.DATA, Flag.END_STREAM, 1, Buffer.from('x')),
        headers(3, '/a/Bidi'),
        frame(FrameType.DATA, 0, 3, Buffer.from('y')),
        rstStreamFrame(1, H2Error.CANCEL),
        rstStreamFrame(3, H2Error.CANCEL),
        headers(5, '/a/Kept'),
        frame(FrameType.DATA, Flag.END_STREAM, 5, Buffer.from('z')),
      ]),
    );
    await client.until((f) => f.some((x) => x.stream === 5 && (x.flags & Flag.END_STREAM) !== 0), 'answer on stream 5');
    assert.deepEqual(calls, ['open /a/Unary', 'reset /a/Unary', 'open /a/Bidi', 'reset /a/Bidi', 'open /a/Kept', 'data /a/Kept', 'end /a/Kept']);
    assert.deepEqual(
      client.frames.filter((x) => x.stream === 1 || x.stream === 3),
      [],
      'nothing sent on the streams the client reset',
    );
  });

  it('resets a stream whose send window stays shut past the stall limit and frees its queue', async () => {
    const queue = { queuedBytes: 0 };
    let resets = 0;
    const { client, conns } = await start(
      (s, h) => {
        if (h.some(([n, v]) => n === ':path' && v === '/a/Small')) return echo(s);
        return {
          data: () => undefined,
          end: () => {
            s.headers(RESPONSE);
            s.data(Buffer.alloc(100, 1));
            s.trailers(OK);
          },
          reset: () => resets++,
        };
      },
      [[Setting.INITIAL_WINDOW_SIZE, 10]],
      { flowControlStallMs: 100 },
      queue,
    );
    client.request(1, '/a/Big');
    await client.until((f) => f.some((x) => x.stream === 1 && x.type === FrameType.DATA), 'first DATA');
    const firstData = Date.now();
    assert.equal(queue.queuedBytes, 90, 'the 90 bytes the window holds back are counted against the server queue');
    await client.until(() => rstCodes(client, 1).length > 0, 'RST_STREAM');
    assert.ok(Date.now() - firstData >= 80, 'not reset before the stall limit');
    assert.deepEqual(rstCodes(client, 1), [H2Error.CANCEL]);
    assert.equal(resets, 1, 'the handler learns of the reset');
    assert.equal(queue.queuedBytes, 0, 'the queued bytes are released');
    assert.equal(conns[0]?.activeStreams, 0);
    assert.equal(goawayCode(client), undefined, 'only the stream, not the connection');
    client.request(3, '/a/Small', Buffer.from('hi'));
    await client.until((f) => f.some((x) => x.stream === 3 && (x.flags & Flag.END_STREAM) !== 0), 'answer on stream 3');
  });

  it('does not reset a stream whose window the peer keeps opening, however long the answer takes', async () => {
    const { client } = await start(
      (s) => ({
        data: () => undefined,
        end: () => {
          s.headers(RESPONSE);
          s.data(Buffer.alloc(100, 1));
          s.trailers(OK);
        },
        reset: () => undefined,
      }),
      [[Setting.INITIAL_WINDOW_SIZE, 10]],
      { flowControlStallMs: 200 },
    );
    client.request(1, '/a/Big');
    for (let i = 0; i < 9; i++) {
      await new Promise((r) => setTimeout(r, 40));
      client.socket.write(windowUpdateFrame(1, 10));
    }
    await client.until((f) => f.some((x) => x.stream === 1 && (x.flags & Flag.END_STREAM) !== 0), 'trailers');
    assert.deepEqual(rstCodes(client, 1), []);
    const sent = client.frames.filter((x) => x.stream === 1 && x.type === FrameType.DATA).reduce((n, x) => n + x.payload.length, 0);
    assert.equal(sent, 100);
  });

  it('drops a peer that keeps the connection window shut past the stall limit with GOAWAY', async () => {
    const queue = { queuedBytes: 0 };
    let resets = 0;
    const { client } = await start(
      (s) => ({
        data: () => undefined,
        end: () => {
          s.headers(RESPONSE);
          s.data(Buffer.alloc(70_000, 1)); // more than the connection's initial window of 65535
        },
        reset: () => resets++,
      }),
      [[Setting.INITIAL_WINDOW_SIZE, 1 << 20]],
      { flowControlStallMs: 100 },
      queue,
    );
    client.request(1, '/a/Big');
    await client.until(() => client.closed, 'close');
    assert.equal(goawayCode(client), H2Error.ENHANCE_YOUR_CALM);
    const sent = client.frames.filter((x) => x.stream === 1 && x.type === FrameType.DATA).reduce((n, x) => n + x.payload.length, 0);
    assert.equal(sent, 65535, 'the connection window was used up');
    assert.equal(resets, 1);
    assert.equal(queue.queuedBytes, 0, 'the queued bytes are released');
  });

  it('closes a connection that sends no preface in time', async () => {
    const server = createServer((socket) => {
      sockets.push(socket);
      new H2Connection(socket, { log: silentLogger(), onStream: () => hang(), limits: { prefaceTimeoutMs: 50 } });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    const socket = connect(typeof addr === 'object' && addr !== null ? addr.port : 0, '127.0.0.1');
    const client = new RawClient(socket);
    socket.write(PREFACE.subarray(0, 10));
    await client.until(() => client.closed, 'close');
  });
});
