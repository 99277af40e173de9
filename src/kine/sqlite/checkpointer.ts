/**
 * WAL checkpoints on a worker thread. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1000 WAL pages: the request that happens to commit then waits for two fsyncs (WAL and
 * database), ~2-4 ms on this machine's disk, and with one event loop every other request waits
 * behind it. Here a second connection in a worker runs PASSIVE checkpoints (they never block
 * writers) when enough commits have piled up or writes pause, so the fsyncs leave the request path.
 *
 * A checkpoint that runs beside a steady stream of writes never catches up completely, and SQLite
 * restarts the WAL from its start only after a complete one, so under sustained load the WAL grows
 * until the main connection's own (raised) threshold checkpoints inside a COMMIT: that bounds the
 * WAL file (~40 MiB) and costs one in-COMMIT checkpoint per 10000 pages instead of one per 1000.
 * When writes pause for a poll interval the worker catches up and the next write restarts the WAL.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../lib/logger.js';

export interface CheckpointerOptions {
  readonly dbPath: string;
  readonly log: Logger;
  /** Checkpoint once this many commits have accumulated... @default 64 */
  readonly minCommits?: number;
  /** ...or once any commit is this old. @default 1000 */
  readonly maxDelayMs?: number;
  /** How often the worker looks at the commit counter. @default 20 */
  readonly pollMs?: number;
  /** The better-sqlite3 entry point the worker loads. @default the one this process uses */
  readonly driver?: string;
}

/** Slots of the shared counter array. */
const COMMITS = 0;
const STOP = 1;
const FORCE = 2;

interface WorkerData {
  readonly driver: string;
  readonly dbPath: string;
  readonly shared: SharedArrayBuffer;
  readonly minCommits: number;
  readonly maxDelayMs: number;
  readonly pollMs: number;
}

type WorkerReport = { readonly kind: 'error'; readonly message: string } | { readonly kind: 'ready' };

/**
 * The worker's whole program (CommonJS, run with `eval`, so it needs no file of its own next to
 * the compiled or the tsx-run sources). It sleeps in Atomics.wait on the STOP slot, so stopping
 * wakes it at once; while no commit happens a poll is one atomic read.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const s = new Int32Array(workerData.shared);
let db;
try {
  db = new Database(workerData.dbPath, { timeout: 0 });
  parentPort.postMessage({ kind: 'ready' });
} catch (e) {
  parentPort.postMessage({ kind: 'error', message: String(e && e.message || e) });
  process.exit(1);
}
let seen = Atomics.load(s, ${COMMITS});
let atLastPoll = seen;
let firstUnseenAt = 0;
while (Atomics.load(s, ${STOP}) === 0) {
  Atomics.wait(s, ${STOP}, 0, workerData.pollMs);
  if (Atomics.load(s, ${STOP}) !== 0) break;
  const now = Date.now();
  const commits = Atomics.load(s, ${COMMITS});
  const quiet = commits === atLastPoll;
  atLastPoll = commits;
  const force = Atomics.exchange(s, ${FORCE}, 0) !== 0;
  if (commits === seen && !force) continue;
  if (firstUnseenAt === 0) firstUnseenAt = now;
  // enough work piled up, or writes paused (a checkpoint now can catch up completely, so the
  // next write restarts the WAL from its start), or the oldest unchecked commit is old
  if (!force && !quiet && commits - seen < workerData.minCommits && now - firstUnseenAt < workerData.maxDelayMs) continue;
  seen = commits;
  firstUnseenAt = 0;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ kind: 'error', message: String(e && e.message || e) });
  }
}
db.close();
`;

export class WalCheckpointer {
  private readonly shared: Int32Array;
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    buffer: SharedArrayBuffer,
    onExit: () => void,
    log: Logger,
  ) {
    this.shared = new Int32Array(buffer);
    worker.on('message', (m: WorkerReport) => {
      if (m.kind === 'error') log.warn({ err: m.message }, 'background WAL checkpoint failed');
    });
    worker.on('error', (err) => log.warn({ err }, 'WAL checkpoint worker failed'));
    this.exit = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.exited = true;
        if (Atomics.load(this.shared, STOP) === 0) {
          log.warn({ code }, 'WAL checkpoint worker exited; checkpoints go back into commits');
          onExit();
        }
        resolve();
      });
    });
  }

  /**
   * Starts the worker and resolves once its connection is open; rejects (and leaves nothing
   * running) if it cannot open the database. `onExit` runs if the worker dies on its own.
   */
  static async start(o: CheckpointerOptions, onExit: () => void): Promise<WalCheckpointer> {
    const buffer = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const data: WorkerData = {
      driver: o.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
      dbPath: o.dbPath,
      shared: buffer,
      minCommits: o.minCommits ?? 64,
      maxDelayMs: o.maxDelayMs ?? 1000,
      pollMs: o.pollMs ?? 20,
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: data,
      // a small heap: the worker holds one connection and a loop, nothing else
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
      stdout: false,
      stderr: false,
    });
    await new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        worker.off('exit', onEarlyExit);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      const onMessage = (m: WorkerReport): void => {
        settle();
        if (m.kind === 'ready') resolve();
        else reject(new Error(m.message));
      };
      const onEarlyExit = (code: number): void => {
        settle();
        reject(new Error(`checkpoint worker exited with code ${String(code)} before opening ${o.dbPath}`));
      };
      // a throw while loading the driver, or running out of its small heap, arrives as 'error'
      const onError = (err: Error): void => {
        settle();
        void worker.terminate();
        reject(err);
      };
      worker.on('message', onMessage);
      worker.once('exit', onEarlyExit);
      worker.once('error', onError);
    });
    return new WalCheckpointer(worker, buffer, onExit, o.log.child({ layer: 'checkpointer' }));
  }

  /** Called after every COMMIT (an atomic add: no syscall, no message). */
  committed(): void {
    Atomics.add(this.shared, COMMITS, 1);
  }

  /** Asks for a checkpoint at the next poll, whatever the counter says (e.g. after compaction). */
  requestNow(): void {
    Atomics.store(this.shared, FORCE, 1);
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Terminates the worker at once, as a crash would (the owner's `onExit` runs). */
  kill(): void {
    void this.worker.terminate();
  }

  /** Wakes the worker, lets it finish a checkpoint in progress and close its connection. */
  async stop(): Promise<void> {
    Atomics.store(this.shared, STOP, 1);
    Atomics.notify(this.shared, STOP);
    await this.exit;
  }
}
