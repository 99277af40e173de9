/**
 * The supervisor with real child processes: ordered start and reverse stop, a component that dies during
 * start or later is reported by name with its last log lines, and no process is left behind.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from '../../src/controlplane/supervisor/supervisor.js';
import type { ComponentSpec } from '../../src/controlplane/components/spec.js';
import { silentLogger } from '../../src/lib/logger.js';
import { freePort } from '../../src/lib/net.js';
import { isGone, killAll } from '../support/processes.js';
import { connect } from 'node:net';

const dirs: string[] = [];
const started = new Set<number>();

async function supervisor(): Promise<{ sup: Supervisor; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'supervisor-test-'));
  dirs.push(dir);
  return { sup: new Supervisor({ pidsDir: join(dir, 'pids'), logsDir: join(dir, 'logs'), log: silentLogger(), marker: dir }), dir };
}

/** A node process listening on a port (ready when it answers TCP). */
function server(name: string, port: number, dir: string): ComponentSpec {
  return {
    name,
    command: process.execPath,
    args: ['-e', `require('net').createServer().listen(${port}, '127.0.0.1'); console.log('${name} up'); // ${dir}`],
    readiness: { kind: 'tcp', host: '127.0.0.1', port },
    stopGraceMs: 2_000,
  };
}

after(async () => {
  killAll(started);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('supervisor', () => {
  it('starts in order, records pids, and stops everything', async () => {
    const { sup, dir } = await supervisor();
    await sup.startAll([server('first', await freePort(), dir), server('second', await freePort(), dir)]);
    const pids = sup.pids();
    for (const p of Object.values(pids)) started.add(p);
    assert.deepEqual(Object.keys(pids), ['first', 'second']);
    assert.deepEqual((await readdir(join(dir, 'pids'))).sort(), ['first.pid', 'second.pid']);
    await sup.stopAll();
    for (const p of Object.values(pids)) assert.ok(await isGone(p));
    assert.deepEqual(await readdir(join(dir, 'pids')), []);
  });

  it('names a component that dies during start, with its last log lines, and stops the rest', async () => {
    const { sup, dir } = await supervisor();
    const ok = server('store', await freePort(), dir);
    const bad: ComponentSpec = {
      name: 'kube-apiserver',
      command: process.execPath,
      args: ['-e', `console.error('E1121 listen tcp: address already in use'); process.exit(3); // ${dir}`],
      readiness: { kind: 'tcp', host: '127.0.0.1', port: await freePort() },
    };
    await assert.rejects(sup.startAll([ok, bad]), (err: Error) => {
      assert.match(err.message, /^kube-apiserver exited during start \(code 3\); last log lines \(.*kube-apiserver\.log\):\nE1121 listen tcp: address already in use/);
      return true;
    });
    assert.deepEqual(sup.pids(), {});
    assert.deepEqual(await readdir(join(dir, 'pids')), []);
  });

  it('reports a component that dies after start by name', async () => {
    const { sup, dir } = await supervisor();
    const port = await freePort();
    const flaky: ComponentSpec = {
      ...server('kine', port, dir),
      args: ['-e', `require('net').createServer().listen(${port}, '127.0.0.1'); setTimeout(() => { console.error('fatal: disk full'); process.exit(1); }, 300); // ${dir}`],
    };
    await sup.startAll([flaky]);
    for (const p of Object.values(sup.pids())) started.add(p);
    const err = await sup.failed;
    assert.match(err.message, /^kine exited unexpectedly \(code 1\); last log lines .*\nfatal: disk full/);
    await sup.stopAll();
  });

  it('restarts a component with a restart policy that is SIGKILLed, and gives up when it dies too often', async () => {
    const { sup, dir } = await supervisor();
    const port = await freePort();
    const spec: ComponentSpec = { ...server('kine', port, dir), restart: { maxRestarts: 2, windowMs: 60_000 } };
    await sup.startAll([spec]);
    const first = sup.pids().kine!;
    started.add(first);
    process.kill(first, 'SIGKILL');
    const second = await eventuallyPid(sup, first);
    started.add(second);
    assert.equal(sup.restarts.get('kine'), 1);
    assert.ok(await isGone(first));
    // answering again on its port
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve()));
      s.on('error', reject);
    });
    process.kill(second, 'SIGKILL');
    const third = await eventuallyPid(sup, second);
    started.add(third);
    process.kill(third, 'SIGKILL'); // the third death within the window: more than maxRestarts
    const err = await sup.failed;
    assert.match(err.message, /^kine exited unexpectedly \(SIGKILL; 3 deaths within 60 s, more than its restart policy allows\)/);
    await sup.stopAll();
  });
});

/** Waits until the supervisor runs the component under a pid other than `old`, and it is ready. */
async function eventuallyPid(sup: Supervisor, old: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pid = sup.pids().kine;
    if (pid !== undefined && pid !== old) {
      await new Promise((r) => setTimeout(r, 300)); // let it become ready
      return pid;
    }
    if (Date.now() > deadline) throw new Error('kine was not restarted within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}
