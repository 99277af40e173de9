/**
 * Runs ComponentSpecs as child processes: ordered start (each after the previous is ready), pid files,
 * output appended to <logs>/<name>.log, ordered stop (reverse), and a clear ProcessError naming the
 * component and its last log lines when one fails to start or dies. A component with a restart policy
 * that dies after it was ready is started again with backoff (100 ms doubling to 5 s); only when it
 * dies too often does the supervisor fail.
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
  child: ChildProcess;
  exited: boolean;
  stopping: boolean;
  /** Set once its readiness probe answered; a death before that fails the start instead. */
  ready: boolean;
  /** When it died unexpectedly (for the restart policy's window). */
  readonly deaths: number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Supervisor {
  private readonly running: Running[] = [];
  private failure: ((err: ProcessError) => void) | undefined;
  private stopped = false;
  /** How many times each component was restarted (for status and tests). */
  readonly restarts = new Map<string, number>();
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

  private spawnChild(spec: ComponentSpec): ChildProcess {
    const out = openSync(this.logFile(spec.name), 'a');
    try {
      return spawn(spec.command, [...spec.args], {
        cwd: spec.cwd,
        env: { ...process.env, ...this.opts.env, ...spec.env },
        stdio: ['ignore', out, out],
        detached: true, // own process group: a terminal's Ctrl-C reaches only the supervisor
      });
    } finally {
      closeSync(out);
    }
  }

  /** Follows a child's exit: a stop, a death during start (start reports it), a restart, or the supervisor's failure. */
  private watchExit(entry: Running, log: Logger): void {
    const child = entry.child;
    child.once('exit', (code, sig) => {
      if (entry.child !== child) return;
      entry.exited = true;
      void removePidFile(this.pidFile(entry.spec.name));
      if (entry.stopping || this.stopped || !entry.ready) return;
      this.onDeath(entry, code, sig, log);
    });
  }

  private onDeath(entry: Running, code: number | null, sig: NodeJS.Signals | null, log: Logger): void {
    log.error({ code, signal: sig }, 'component exited');
    const policy = entry.spec.restart;
    const now = Date.now();
    entry.deaths.push(now);
    const recent = policy ? entry.deaths.filter((t) => now - t <= policy.windowMs).length : 0;
    if (policy && recent <= policy.maxRestarts) {
      void this.restart(entry, recent, log);
      return;
    }
    void this.describeExit(entry.spec, code, sig, policy ? recent : undefined).then((err) => this.failure?.(err));
  }

  private async restart(entry: Running, attempt: number, log: Logger): Promise<void> {
    const delay = Math.min(100 * 2 ** (attempt - 1), 5_000);
    log.warn({ attempt, delayMs: delay }, 'restarting component');
    await sleep(delay);
    if (entry.stopping || this.stopped) return;
    const child = this.spawnChild(entry.spec);
    if (child.pid === undefined) {
      this.failure?.(new ProcessError(`restart ${entry.spec.name}: ${entry.spec.command} could not be started`));
      return;
    }
    entry.child = child;
    entry.exited = false;
    entry.ready = true;
    this.watchExit(entry, log);
    await writePidFile(this.pidFile(entry.spec.name), child.pid);
    this.restarts.set(entry.spec.name, (this.restarts.get(entry.spec.name) ?? 0) + 1);
    const outcome = await waitReady(entry.spec.readiness, { timeoutMs: entry.spec.readyTimeoutMs ?? 120_000, alive: () => !entry.exited });
    if (outcome === 'ready') log.info({ pid: child.pid, attempt }, 'component restarted and ready');
    // 'died' is handled by its exit watcher; a restart that never gets ready is a failure
    else if (outcome === 'timeout' && !entry.stopping && !this.stopped) {
      const tail = await tailFile(this.logFile(entry.spec.name));
      this.failure?.(new ProcessError(`${entry.spec.name} restarted but was not ready; last log lines (${this.logFile(entry.spec.name)}):\n${tail.join('\n')}`));
    }
  }

  private async start(spec: ComponentSpec, signal?: AbortSignal): Promise<void> {
    const log = this.opts.log.child({ component: spec.name });
    const stale = await reapStale(this.pidFile(spec.name), this.opts.marker ?? spec.command);
    if (stale !== undefined) log.warn({ pid: stale }, 'stopped a leftover process from an earlier run');
    const child = this.spawnChild(spec);
    const entry: Running = { spec, child, exited: false, stopping: false, ready: false, deaths: [] };
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    if (child.pid === undefined) {
      const err = await spawnError;
      throw new ProcessError(`start ${spec.name}: ${spec.command}`, { cause: err });
    }
    this.watchExit(entry, log);
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
      entry.ready = true;
      log.info({ ms: Date.now() - started }, 'component ready');
      // it may have died in the moment after its probe answered: that is a death after ready
      if (entry.exited && !this.stopped) this.onDeath(entry, child.exitCode, child.signalCode, log);
      return;
    }
    if (outcome === 'aborted') throw new ProcessError(`start ${spec.name}: aborted`);
    const tail = await tailFile(this.logFile(spec.name));
    const why = outcome === 'died' ? `exited during start (code ${child.exitCode ?? child.signalCode})` : `not ready after ${spec.readyTimeoutMs ?? 120_000} ms`;
    throw new ProcessError(`${spec.name} ${why}; last log lines (${this.logFile(spec.name)}):\n${tail.join('\n')}`);
  }

  private async describeExit(spec: ComponentSpec, code: number | null, sig: NodeJS.Signals | null, deaths?: number): Promise<ProcessError> {
    const tail = await tailFile(this.logFile(spec.name));
    const often = deaths !== undefined ? `; ${deaths} deaths within ${(spec.restart?.windowMs ?? 0) / 1000} s, more than its restart policy allows` : '';
    return new ProcessError(
      `${spec.name} exited unexpectedly (${sig ?? `code ${code}`}${often}); last log lines (${this.logFile(spec.name)}):\n${tail.join('\n')}`,
    );
  }

  /** Stops every running component, last started first. */
  async stopAll(): Promise<void> {
    this.stopped = true;
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
