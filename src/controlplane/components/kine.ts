import type { ComponentSpec } from './spec.js';

export interface KineConfig {
  /** argv prefix that runs our CLI: [node, bin/vcluster.js]. */
  readonly cliArgv: readonly string[];
  /** The SQLite file (the embedded database). */
  readonly database: string;
  /** A kine endpoint used instead of the SQLite file (an external database: postgres://…). */
  readonly endpoint?: string;
  readonly socket: string;
  /** SQLite synchronous mode. @default 'FULL' */
  readonly durability?: 'FULL' | 'NORMAL';
  readonly extraArgs?: readonly string[];
}

/** Our kine (`vcluster kine`): the etcd v3 API over SQLite (or an external PostgreSQL database) on a unix socket. */
export function buildKine(c: KineConfig): ComponentSpec {
  const [node, ...rest] = c.cliArgv;
  return {
    name: 'kine',
    command: node ?? process.execPath,
    args: [
      ...rest,
      'kine',
      `--endpoint=${c.endpoint ?? `sqlite://${c.database}`}`,
      `--listen-address=unix://${c.socket}`,
      `--durability=${c.durability ?? 'FULL'}`,
      ...(c.extraArgs ?? []),
    ],
    readiness: { kind: 'unix-socket', path: c.socket },
    readyTimeoutMs: 60_000,
  };
}
