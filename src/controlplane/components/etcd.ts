import type { ComponentSpec } from './spec.js';

export interface EtcdConfig {
  readonly binary: string;
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** @default 'default' */
  readonly memberName?: string;
  /** Skip fsync; only for throwaway clusters. @default false */
  readonly unsafeNoFsync?: boolean;
}

/** A single-member etcd on loopback (plain HTTP: only local processes can reach it). */
export function buildEtcd(c: EtcdConfig): ComponentSpec {
  const name = c.memberName ?? 'default';
  const client = `http://127.0.0.1:${c.clientPort}`;
  const peer = `http://127.0.0.1:${c.peerPort}`;
  return {
    name: 'etcd',
    command: c.binary,
    args: [
      `--name=${name}`,
      `--data-dir=${c.dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${name}=${peer}`,
      '--initial-cluster-state=new',
      '--quota-backend-bytes=8589934592',
      '--log-level=warn',
      ...(c.unsafeNoFsync ? ['--unsafe-no-fsync=true'] : []),
    ],
    readiness: { kind: 'http', url: `${client}/health` },
    readyTimeoutMs: 60_000,
  };
}
