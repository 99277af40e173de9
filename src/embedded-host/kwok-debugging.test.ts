import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { criLogLine, kwokDebuggingContents, kwokDebuggingFiles, renderKwokDebugging } from './kwok-debugging.js';

describe('what simulated pods answer', () => {
  const files = kwokDebuggingFiles('/data/host');
  it('renders ClusterLogs, ClusterAttach, ClusterExec and ClusterPortForward for every pod', () => {
    const docs = parseAllDocuments(renderKwokDebugging(files, { runExecAsNobody: true })).map((d) => d.toJS() as { kind: string; apiVersion: string; spec: Record<string, unknown> });
    assert.deepEqual(docs.map((d) => d.kind), ['ClusterLogs', 'ClusterAttach', 'ClusterExec', 'ClusterPortForward']);
    for (const d of docs) {
      assert.equal(d.apiVersion, 'kwok.x-k8s.io/v1alpha1');
      assert.equal(d.spec.selector, undefined, 'no selector: every simulated pod');
    }
    assert.deepEqual(docs[0]!.spec, { logs: [{ logsFile: '/data/host/kwok/simulated.log', previousLogsFile: '/data/host/kwok/simulated-previous.log' }] });
    assert.deepEqual(docs[2]!.spec, { execs: [{ local: { securityContext: { runAsUser: 65534, runAsGroup: 65534 } } }] });
    assert.deepEqual(docs[3]!.spec, { forwards: [{ command: ['cat', '/data/host/kwok/port-forward-reply'] }] });
  });
  it('runs exec in its own dir when not root', () => {
    const docs = parseAllDocuments(renderKwokDebugging(files, { runExecAsNobody: false })).map((d) => d.toJS() as { spec: { execs?: unknown } });
    assert.deepEqual(docs[2]!.spec.execs, [{ local: { workDir: '/data/host/kwok/exec', envs: [{ name: 'HOME', value: '/data/host/kwok/exec' }] } }]);
  });
  it('writes CRI log lines and an HTTP reply with the right length', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    assert.equal(criLogLine('hi', at), '2026-01-02T03:04:05.678Z stdout F hi\n');
    const contents = kwokDebuggingContents(files, at);
    const reply = contents['/data/host/kwok/port-forward-reply']!;
    const [head, body] = reply.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.0 200 OK\r\n/);
    assert.equal(Number(/Content-Length: (\d+)/.exec(head!)?.[1]), Buffer.byteLength(body!));
    assert.match(contents['/data/host/kwok/simulated.log']!, /stdout F simulated by kwok/);
  });
});
