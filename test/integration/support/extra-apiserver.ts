/**
 * A second kube-apiserver on the embedded host's etcd, on its own port. A freshly started API server
 * has an empty watch cache, so a watch from a resourceVersion older than its start gets 410 Expired:
 * exactly what an informer sees after an API server restart. Started by pid, stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { KUBELET_CLIENT_CERT } from '../../../src/embedded-host/node/prepare.js';
import type { BinarySet } from '../../../src/binaries/locate.js';
import { hostComponents } from '../../../src/embedded-host/plan.js';
import { hostPaths } from '../../../src/embedded-host/paths.js';
import type { HostState } from '../../../src/embedded-host/state.js';
import { freePort } from '../../../src/lib/net.js';

export interface ExtraApiServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startExtraApiServer(
  hostDataDir: string,
  state: HostState,
  bins: BinarySet,
): Promise<ExtraApiServer> {
  const port = await freePort();
  const paths = hostPaths(hostDataDir);
  const spec = hostComponents(
    bins,
    { ...paths, certDir: join(hostDataDir, 'extra-apiserver-certs') },
    { ...state.ports, apiServer: port },
    { clientCert: join(paths.pkiDir, KUBELET_CLIENT_CERT.cert), clientKey: join(paths.pkiDir, KUBELET_CLIENT_CERT.key) },
  ).find((c) => c.name === 'kube-apiserver');
  if (!spec) throw new Error('the embedded host plan has no kube-apiserver');
  await mkdir(join(hostDataDir, 'extra-apiserver-certs'), { recursive: true });
  const log = await open(join(hostDataDir, 'extra-apiserver.log'), 'a');
  const child: ChildProcess = spawn(spec.command, [...spec.args], {
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, ...spec.env },
  });
  await log.close();
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `https://127.0.0.1:${port}`,
    pid,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
