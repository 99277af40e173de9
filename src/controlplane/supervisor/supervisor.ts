/**
 * Runs ComponentSpecs as child processes: ordered start (each after the previous is ready), pid files,
 * output appended to <logs>/<name>.log, ordered stop (reverse), and a clear ProcessError naming the
 * component and its last log lines when one fails to start or dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { ComponentSpec } from '../components/spec.js';
import { tailFile } from './log-tail.js';
import { reapStale, removePidFile, terminate, writePidFile } from './pidfile.js';
import { waitReady } from './probe.js';

export interface SupervisorOptions {
  readonly pidsDir: string;
  readonly logsDir: string;
  readonly log: Logger;
  /** Extra environment for every child. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * A string found in the argv of every component of this supervisor (e.g. the data dir): a leftover
   * pid file is only acted on when its process still carries it. @default each spec's command
   */
  readonly marker?: string;
}

interface Running {
  readonly spec: ComponentSpec;
  readonly child: ChildProcess;
  exited: boolean;
  stopping: boolean;
}

export class Supervisor {
  private readonly running: Running[] = [];
  private failure: ((err: ProcessError) => void) | undefined;
  /** Resolves with the error of the first component that dies unexpectedly. */
  readonly failed: Promise<ProcessError>;

  constructor(private readonly opts: SupervisorOptions) {
    this.failed = new Promise((resolve) => (this.failure = resolve));
    mkdirSync(opts.pidsDir, { recursive: true });
    mkdirSync(opts.logsDir, { recursive: true });
  }

  pidFile(name: string): string {
    return join(this.opts.pidsDir, `${name}.pid`);
  }

  logFile(name: string): string {
    return join(this.opts.logsDir, `${name}.log`);
  }

  /** Starts the specs in order; on any failure stops what was started and throws. */
  async startAll(specs: readonly ComponentSpec[], signal?: AbortSignal): Promise<void> {
    for (const spec of specs) {
      try {
        await this.start(spec, signal);
      } catch (err) {
        await this.stopAll();
        throw err;
      }
    }
  }

  pids(): Record<string, number> {
    return Object.fromEntries(this.running.filter((r) => r.child.pid).map((r) => [r.spec.name, r.child.pid ?? 0]));
  }

  private async start(spec: ComponentSpec, signal?: AbortSignal): Promise<void> {
    const log = this.opts.log.child({ component: spec.name });
    const stale = await reapStale(this.pidFile(spec.name), this.opts.marker ?? spec.command);
    if (stale !== undefined) log.warn({ pid: stale }, 'stopped a leftover process from an earlier run');
    const out = openSync(this.logFile(spec.name), 'a');
    let child: ChildProcess;
    try {
      child = spawn(spec.command, [...spec.args], {
        cwd: spec.cwd,
        env: { ...process.env, ...this.opts.env, ...spec.env },
        stdio: ['ignore', out, out],
        detached: true, // own process group: a terminal's Ctrl-C reaches only the supervisor
      });
    } finally {
      closeSync(out);
    }
    const entry: Running = { spec, child, exited: false, stopping: false };
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    child.once('exit', (code, sig) => {
      entry.exited = true;
      void removePidFile(this.pidFile(spec.name));
      if (entry.stopping) return;
      log.error({ code, signal: sig }, 'component exited');
      void this.describeExit(spec, code, sig).then((err) => this.failure?.(err));
    });
    if (child.pid === undefined) {
      const err = await spawnError;
      throw new ProcessError(`start ${spec.name}: ${spec.command}`, { cause: err });
    }
    this.running.push(entry);
    await writePidFile(this.pidFile(spec.name), child.pid);
    log.info({ pid: child.pid, log: this.logFile(spec.name) }, 'component started');
    const started = Date.now();
    const outcome = await waitReady(spec.readiness, {
      timeoutMs: spec.readyTimeoutMs ?? 120_000,
      alive: () => !entry.exited,
      ...(signal ? { signal } : {}),
    });
    if (outcome === 'ready') {
      log.info({ ms: Date.now() - started }, 'component ready');
      return;
    }
    if (outcome === 'aborted') throw new ProcessError(`start ${spec.name}: aborted`);
    const tail = await tailFile(this.logFile(spec.name));
    const why = outcome === 'died' ? `exited during start (code ${child.exitCode ?? child.signalCode})` : `not ready after ${spec.readyTimeoutMs ?? 120_000} ms`;
    throw new ProcessError(`${spec.name} ${why}; last log lines (${this.logFile(spec.name)}):\n${tail.join('\n')}`);
  }

  private async describeExit(spec: ComponentSpec, code: number | null, sig: NodeJS.Signals | null): Promise<ProcessError> {
    const tail = await tailFile(this.logFile(spec.name));
    return new ProcessError(
      `${spec.name} exited unexpectedly (${sig ?? `code ${code}`}); last log lines (${this.logFile(spec.name)}):\n${tail.join('\n')}`,
    );
  }

  /** Stops every running component, last started first. */
  async stopAll(): Promise<void> {
    for (const entry of [...this.running].reverse()) {
      entry.stopping = true;
      const pid = entry.child.pid;
      if (pid === undefined || entry.exited) continue;
      const how = await terminate(pid, entry.spec.stopGraceMs ?? 10_000);
      this.opts.log.info({ component: entry.spec.name, pid, how }, 'component stopped');
      await removePidFile(this.pidFile(entry.spec.name));
    }
    this.running.length = 0;
  }
}
