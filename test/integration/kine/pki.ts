/** A throwaway CA, apiserver serving cert, admin client cert and service-account key, made with openssl. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  readonly dir: string;
  readonly caCrt: string;
  readonly apiserverCrt: string;
  readonly apiserverKey: string;
  readonly adminCrt: string;
  readonly adminKey: string;
  readonly saKey: string;
  readonly saPub: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makePki(dir: string): TestPki {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=kine-test-ca', '-keyout', 'ca.key', '-out', 'ca.crt']);
  writeFileSync(
    join(dir, 'apiserver.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\nextendedKeyUsage=serverAuth\n',
  );
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kube-apiserver', '-keyout', 'apiserver.key', '-out', 'apiserver.csr']);
  openssl(dir, ['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'apiserver.crt', '-extfile', 'apiserver.ext']);
  writeFileSync(join(dir, 'admin.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/O=system:masters/CN=admin', '-keyout', 'admin.key', '-out', 'admin.csr']);
  openssl(dir, ['x509', '-req', '-in', 'admin.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'admin.crt', '-extfile', 'admin.ext']);
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    caCrt: p('ca.crt'),
    apiserverCrt: p('apiserver.crt'),
    apiserverKey: p('apiserver.key'),
    adminCrt: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
}

export function writeKubeconfig(path: string, pki: TestPki, port: number): void {
  const b64 = (f: string): string => readFileSync(f).toString('base64');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:${port}
    certificate-authority-data: ${b64(pki.caCrt)}
users:
- name: admin
  user:
    client-certificate-data: ${b64(pki.adminCrt)}
    client-key-data: ${b64(pki.adminKey)}
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
`,
  );
}
