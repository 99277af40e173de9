/**
 * The node's network, made by the node agent from inside its own (new) network namespace: a veth pair
 * whose other end goes to the root namespace with the gateway address, the node address on eth0, and
 * no default route, so nothing the node or its pods send can leave the machine. The pair disappears
 * with the namespace, i.e. when the node's last process ends.
 */
import { readlink } from 'node:fs/promises';
import { run } from '../../lib/process.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import type { RealNodeLayout } from './layout.js';

export interface NetworkTools {
  readonly ip: string;
  readonly nsenter: string;
}

/** True when this process is not in the network namespace of `rootPid`. */
export async function inOwnNetns(rootPid: number): Promise<boolean> {
  const [mine, root] = await Promise.all([readlink('/proc/self/ns/net'), readlink(`/proc/${rootPid}/ns/net`)]);
  return mine !== root;
}

/** The commands that build the node's network, in order (pure, for tests and logs). */
export function networkCommands(l: RealNodeLayout, rootPid: number): { where: 'node' | 'root'; args: string[] }[] {
  const gw = `${l.gatewayIp}/${l.prefixLength}`;
  const node = `${l.nodeIp}/${l.prefixLength}`;
  const cmds: { where: 'node' | 'root'; args: string[] }[] = [
    { where: 'node', args: ['link', 'set', 'lo', 'up'] },
    { where: 'node', args: ['link', 'add', l.nodeLink, 'type', 'veth', 'peer', 'name', l.rootLink, 'netns', String(rootPid)] },
    { where: 'root', args: ['addr', 'add', gw, 'dev', l.rootLink] },
    { where: 'root', args: ['link', 'set', l.rootLink, 'up'] },
    { where: 'node', args: ['addr', 'add', node, 'dev', l.nodeLink] },
    { where: 'node', args: ['link', 'set', l.nodeLink, 'up'] },
  ];
  if (l.apiAddress !== l.gatewayIp) {
    // the apiserver relay listens on node 1's gateway: a host route through our own gateway reaches it
    cmds.push({ where: 'node', args: ['route', 'add', `${l.apiAddress}/32`, 'via', l.gatewayIp] });
  }
  return cmds;
}

export async function setupNetwork(l: RealNodeLayout, rootPid: number, tools: NetworkTools): Promise<void> {
  if (!(await inOwnNetns(rootPid))) {
    throw new VClusterError('the node agent runs in the root network namespace; refusing to change it', { code: ErrorCode.INTERNAL });
  }
  const inRoot = (args: readonly string[]): Promise<unknown> => run(tools.nsenter, ['-t', String(rootPid), '-n', tools.ip, ...args]);
  const taken = await run(tools.nsenter, ['-t', String(rootPid), '-n', tools.ip, '-o', 'addr', 'show', 'to', `${l.gatewayIp}/32`]);
  if (taken.stdout.trim() !== '') {
    throw new VClusterError(`address ${l.gatewayIp} (real node ${l.index}) is already in use in the root network namespace: ${taken.stdout.trim()}`, {
      code: ErrorCode.PRECONDITION,
      hint: 'another embedded host with real nodes may use the same addresses; stop it, or use --real-nodes 0',
    });
  }
  for (const c of networkCommands(l, rootPid)) {
    await (c.where === 'root' ? inRoot(c.args) : run(tools.ip, c.args));
  }
}
