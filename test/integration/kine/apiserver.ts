/** Runs a real kube-apiserver against an etcd URL, plus kubectl and a tiny REST client. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binary, freePort, startProcess, waitFor, type Proc } from './harness.js';
import { makePki, writeKubeconfig, type TestPki } from './pki.js';

const run = promisify(execFile);

export interface ApiServer {
  readonly proc: Proc;
  readonly port: number;
  readonly kubeconfig: string;
  readonly pki: TestPki;
  kubectl(args: string[], input?: string): Promise<string>;
  /** `contentType` defaults to application/json (PATCH wants application/merge-patch+json). */
  rest(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: string }>;
}

export async function startApiServer(dir: string, etcdUrl: string, existing?: TestPki): Promise<ApiServer> {
  const apiserverBin = binary('kube-apiserver');
  const kubectlBin = binary('kubectl');
  const pki = existing ?? makePki(dir);
  const port = await freePort();
  const kubeconfig = join(dir, 'admin.kubeconfig');
  writeKubeconfig(kubeconfig, pki, port);
  const proc = startProcess(
    apiserverBin,
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', `--secure-port=${port}`, '--advertise-address=127.0.0.1', '--endpoint-reconciler-type=none',
      `--tls-cert-file=${pki.apiserverCrt}`, `--tls-private-key-file=${pki.apiserverKey}`, `--client-ca-file=${pki.caCrt}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
      '--service-cluster-ip-range=10.96.0.0/12', '--authorization-mode=RBAC', '--allow-privileged=true',
      '--profiling=false', `--cert-dir=${join(dir, 'certs')}`, '--disable-admission-plugins=ServiceAccount',
      '--enable-priority-and-fairness=false', '--max-requests-inflight=0', '--max-mutating-requests-inflight=0',
      '--etcd-compaction-interval=10s',
    ],
    join(dir, 'apiserver.log'),
  );
  const ca = readFileSync(pki.caCrt);
  const cert = readFileSync(pki.adminCrt);
  const key = readFileSync(pki.adminKey);
  const rest = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: string }> =>
    new Promise((res, rej) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1', port, path, method, ca, cert, key,
          headers: data === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(data) },
          timeout: 30_000,
        },
        (resp) => {
          const chunks: Buffer[] = [];
          resp.on('data', (c: Buffer) => chunks.push(c));
          resp.on('end', () => res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          resp.on('error', rej);
        },
      );
      req.on('error', rej);
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      if (data !== undefined) req.write(data);
      req.end();
    });
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const child = run(kubectlBin, [`--kubeconfig=${kubeconfig}`, ...args], { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    const { stdout } = await child;
    return stdout;
  };
  await waitFor(
    'kube-apiserver /readyz',
    async () => (await rest('GET', '/readyz')).status === 200,
    120_000,
    join(dir, 'apiserver.log'),
  );
  return { proc, port, kubeconfig, pki, kubectl, rest };
}
