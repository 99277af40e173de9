/**
 * The log of each control-plane component, by the names `vcluster logs --component` takes: the syncer
 * runs inside the `vcluster start` supervisor (logs/supervisor.log, container `syncer` of pod NAME-0),
 * the others are child processes with their own file under logs/. Pure.
 */
import { join } from 'node:path';
import { UsageError } from '../../lib/errors.js';

export const LOG_COMPONENTS = ['syncer', 'kine', 'apiserver', 'controller-manager'] as const;
export type LogComponent = (typeof LOG_COMPONENTS)[number];

const FILES: Readonly<Record<LogComponent, string>> = {
  syncer: 'supervisor.log',
  kine: 'kine.log',
  apiserver: 'kube-apiserver.log',
  'controller-manager': 'kube-controller-manager.log',
};

export function parseLogComponent(value: string): LogComponent {
  const found = LOG_COMPONENTS.find((c) => c === value);
  if (!found) throw new UsageError(`unknown component "${value}": must be one of ${LOG_COMPONENTS.join(', ')}`);
  return found;
}

export function componentLogFile(logsDir: string, component: LogComponent): string {
  return join(logsDir, FILES[component]);
}

/** The last `n` lines of `text` (all of it when n < 0), each still ending in "\n" as in the text. */
export function lastLines(text: string, n: number): string {
  if (n < 0) return text;
  if (n === 0) return '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  if (body === '') return '';
  return `${lines.slice(-n).join('\n')}${text.endsWith('\n') ? '\n' : ''}`;
}
