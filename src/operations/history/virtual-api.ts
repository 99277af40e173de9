/**
 * A minimal read-only client of a vcluster's own kube-apiserver on loopback, authenticated with the
 * admin certificate from the data dir — enough for `vcluster history` to have the apiserver decode
 * stored (protobuf) objects. No kubectl needed, so it also works inside pod NAME-0.
 */
import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PKI_FILES } from '../../controlplane/pki/layout.js';

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface VirtualApi {
  get(path: string): Promise<ApiResponse>;
}

export async function virtualApi(pkiDir: string, port: number, timeoutMs = 15_000): Promise<VirtualApi> {
  const [ca, cert, key] = await Promise.all([PKI_FILES.caCert, PKI_FILES.cert('admin'), PKI_FILES.key('admin')].map((f) => readFile(join(pkiDir, f))));
  return {
    get: (path) =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, method: 'GET', ca, cert, key, headers: { accept: 'application/json' }, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        });
        req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
        req.on('error', reject);
        req.end();
      }),
  };
}
