/**
 * What the embedded host's simulated (kwok) pods answer to logs, attach, exec and port-forward: kwok's
 * ClusterLogs / ClusterAttach / ClusterExec / ClusterPortForward (kwok v0.8, in the same --config file
 * as the stages). No container runs on a simulated node, so each answers something fixed:
 *
 * - logs (and attach): one line from `<data>/kwok/simulated.log`, `--previous` one from
 *   `simulated-previous.log` (CRI log format, written by `host up`);
 * - port-forward, any port: a fixed HTTP/1.0 200 reply (`cat <data>/kwok/port-forward-reply`);
 * - exec: runs locally, as nobody (uid 65534) when the host runs as root (else in `<data>/kwok/exec`). Through
 *   a vcluster the command is always the fixed `echo` of the kubelet proxy (src/syncer/kubelet-proxy/
 *   simulated.ts): a tenant's command never runs on this machine.
 * Pure.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface KwokDebuggingFiles {
  readonly dir: string;
  readonly logsFile: string;
  readonly previousLogsFile: string;
  readonly execDir: string;
  readonly portForwardReply: string;
}

export function kwokDebuggingFiles(dataDir: string): KwokDebuggingFiles {
  const dir = join(dataDir, 'kwok');
  return {
    dir,
    logsFile: join(dir, 'simulated.log'),
    previousLogsFile: join(dir, 'simulated-previous.log'),
    execDir: join(dir, 'exec'),
    portForwardReply: join(dir, 'port-forward-reply'),
  };
}

export const SIMULATED_LOG_LINE = 'simulated by kwok: this pod runs on a simulated node, no container writes logs';
export const SIMULATED_PREVIOUS_LOG_LINE = 'simulated by kwok: no previous container (a simulated pod never restarts)';
export const SIMULATED_PORT_FORWARD_BODY = 'simulated by kwok: this pod runs on a simulated node, nothing listens on its ports\n';

/** One line in the CRI log format kwok reads (`<RFC 3339 time> stdout F <text>`). */
export function criLogLine(text: string, at: Date): string {
  return `${at.toISOString()} stdout F ${text}\n`;
}

/** The files `host up` writes for the debugging answers, by path. */
export function kwokDebuggingContents(files: KwokDebuggingFiles, at: Date): Record<string, string> {
  const body = SIMULATED_PORT_FORWARD_BODY;
  return {
    [files.logsFile]: criLogLine(SIMULATED_LOG_LINE, at),
    [files.previousLogsFile]: criLogLine(SIMULATED_PREVIOUS_LOG_LINE, at),
    [files.portForwardReply]: `HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  };
}

const NOBODY = 65534;

/** The kwok config documents (multi-document YAML, appended to the stages file). */
export function renderKwokDebugging(files: KwokDebuggingFiles, options: { readonly runExecAsNobody: boolean }): string {
  const doc = (kind: string, spec: Record<string, unknown>): string =>
    stringify({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind, metadata: { name: 'vcluster-ts-simulated' }, spec });
  const logs = [{ logsFile: files.logsFile, previousLogsFile: files.previousLogsFile }];
  return [
    doc('ClusterLogs', { logs }),
    doc('ClusterAttach', { attaches: [{ logsFile: files.logsFile }] }),
    doc('ClusterExec', {
      execs: [
        {
          // as nobody, the data dir (inside a 0700 home) is out of reach: no workDir then
          local: options.runExecAsNobody
            ? { securityContext: { runAsUser: NOBODY, runAsGroup: NOBODY } }
            : { workDir: files.execDir, envs: [{ name: 'HOME', value: files.execDir }] },
        },
      ],
    }),
    doc('ClusterPortForward', { forwards: [{ command: ['cat', files.portForwardReply] }] }),
  ].join('---\n');
}
