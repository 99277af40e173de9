import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { isNotFound, KubeApiError } from './errors.js';
import { transportFromKubeConfig, type Transport } from './transport.js';

/** A loopback HTTP server whose behaviour each test sets. */
describe('transport over a loopback server', () => {
  let server: Server;
  let transport: Transport;
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => undefined;
  const seenSockets = new Set<unknown>();

  before(async () => {
    server = createServer((req, res) => {
      seenSockets.add(req.socket);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => handler(req, res, body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    transport = await transportFromKubeConfig(kc, { userAgent: 'test-agent' });
  });

  after(async () => {
    transport.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends JSON with auth, user agent and query, reads the answer', async () => {
    let seen: { method?: string; url?: string; auth?: string; ua?: string; type?: string; body?: string } =
      {};
    handler = (req, res, body) => {
      seen = {
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        ua: req.headers['user-agent'],
        type: req.headers['content-type'],
        body,
      };
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    };
    const res = await transport.request({
      method: 'PATCH',
      path: '/api/v1/x',
      query: { a: 'b c', skip: undefined },
      body: { k: 1 },
      contentType: 'application/merge-patch+json',
    });
    assert.deepEqual(seen, {
      method: 'PATCH',
      url: '/api/v1/x?a=b+c',
      auth: 'Bearer secret-token',
      ua: 'test-agent',
      type: 'application/merge-patch+json',
      body: '{"k":1}',
    });
    assert.equal(res.body, '{"ok":true}');
  });

  it('non-2xx answers become KubeApiError with the Status', async () => {
    handler = (_req, res) => {
      res.statusCode = 404;
      res.end(
        JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404, message: 'pods "p" not found' }),
      );
    };
    await assert.rejects(
      transport.request({ method: 'GET', path: '/api/v1/namespaces/d/pods/p' }),
      (err: unknown) => {
        assert.ok(err instanceof KubeApiError);
        assert.ok(isNotFound(err));
        assert.equal(err.message, 'pods "p" not found');
        return true;
      },
    );
  });

  it('reuses one keep-alive connection', async () => {
    handler = (_req, res) => res.end('{}');
    seenSockets.clear();
    for (let i = 0; i < 5; i++) await transport.request({ method: 'GET', path: '/x' });
    assert.equal(seenSockets.size, 1);
  });

  it('resends once when the server dropped the idle keep-alive socket', async () => {
    handler = (_req, res) => res.end('{}');
    await transport.request({ method: 'GET', path: '/warm' });
    let n = 0;
    handler = (req, res) => {
      if (n++ === 0)
        req.socket.destroy(); // as if the server closed the idle connection
      else res.end('{"second":true}');
    };
    const res = await transport.request({ method: 'POST', path: '/create', body: {} });
    assert.equal(res.body, '{"second":true}');
    assert.equal(n, 2);
  });

  it('streams lines split across chunks, then ends', async () => {
    handler = (_req, res) => {
      res.write('{"type":"ADDED","object":{"a":1}}\n{"type":"MOD');
      setTimeout(() => {
        res.write('IFIED","object":{"a":2}}\n');
        res.end('{"type":"DELETED","object":{"a":3}}');
      }, 20);
    };
    const lines: string[] = [];
    await transport.stream({ method: 'GET', path: '/watch', signal: new AbortController().signal }, (l) =>
      lines.push(l),
    );
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { type: string }).type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
  });

  it('an aborted stream resolves', async () => {
    handler = (_req, res) => res.write('{"type":"ADDED","object":{}}\n'); // never ends
    const ac = new AbortController();
    const lines: string[] = [];
    const done = transport.stream({ method: 'GET', path: '/watch', signal: ac.signal }, (l) => {
      lines.push(l);
      ac.abort();
    });
    await done;
    assert.equal(lines.length, 1);
  });

  it('a stream answered with an error status rejects', async () => {
    handler = (_req, res) => {
      res.statusCode = 410;
      res.end(
        JSON.stringify({ kind: 'Status', reason: 'Expired', code: 410, message: 'too old resource version' }),
      );
    };
    await assert.rejects(
      transport.stream({ method: 'GET', path: '/watch' }, () => undefined),
      { message: 'too old resource version' },
    );
  });
});
