/**
 * A private PostgreSQL server for tests: initdb into a temp dir, pg_ctl start listening on a unix
 * socket in that dir only (no TCP), trust auth for the `postgres` role. PostgreSQL refuses to run
 * as root, so as root the server runs as `nobody` (runuser) in a dir that user owns. `stop()`
 * stops that server (by its data dir, then by its pid) and removes the dir.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VClusterError, ErrorCode } from '../../lib/errors.js';

export interface TestPostgres {
  /** The socket dir (also the server's temp dir). */
  readonly dir: string;
  readonly pid: number;
  /** A kine endpoint for database `db` (created by kine on first use). */
  url(db: string): string;
  stop(): void;
}

/** The bin dir of an installed PostgreSQL (PG_BIN, else the newest /usr/lib/postgresql/N/bin), or undefined. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.PG_BIN;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly user: string;
}

function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
  return { uid, gid, user: 'nobody' };
}

function run(as: RunAs | undefined, cmd: string, args: string[], cwd: string): void {
  const [file, argv] = as === undefined ? [cmd, args] : ['runuser', ['-u', as.user, '--', cmd, ...args]];
  const r = spawnSync(file, argv, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new VClusterError(`${cmd} ${args.join(' ')} failed (exit ${String(r.status)}): ${(r.stderr || r.stdout).slice(-2000)}`, { code: ErrorCode.PRECONDITION });
  }
}

export function startTestPostgres(bin: string): TestPostgres {
  const dir = mkdtempSync(join(tmpdir(), 'kine-pg-'));
  const as = runAs();
  if (as !== undefined) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  try {
    run(as, join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], dir);
    run(
      as,
      join(bin, 'pg_ctl'),
      ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-k ${dir} -c listen_addresses='' -c fsync=off -c max_connections=50`, 'start'],
      dir,
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let stopped = false;
  return {
    dir,
    pid,
    url: (db) => `postgres://postgres@/${db}?host=${dir}`,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run(as, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop'], dir);
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
