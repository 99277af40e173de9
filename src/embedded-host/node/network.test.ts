import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_REAL_NODES, realNodeLayout } from './layout.js';
import { networkCommands } from './network.js';

const DATA_DIR = '/root/.vcluster-ts/host';
const ROOT_PID = 4242;

describe('networkCommands', () => {
  const cases = [
    { index: 1, apiRoute: false },
    { index: 2, apiRoute: true },
    { index: MAX_REAL_NODES, apiRoute: true },
  ];
  for (const c of cases) {
    const l = realNodeLayout(DATA_DIR, c.index);
    const cmds = networkCommands(l, ROOT_PID);

    it(`node ${c.index}: lo up, veth into the root netns, root side addressed and up, then the node side`, () => {
      assert.deepEqual(cmds.slice(0, 6), [
        { where: 'node', args: ['link', 'set', 'lo', 'up'] },
        {
          where: 'node',
          args: [
            'link',
            'add',
            'eth0',
            'type',
            'veth',
            'peer',
            'name',
            l.rootLink,
            'netns',
            String(ROOT_PID),
          ],
        },
        { where: 'root', args: ['addr', 'add', `${l.gatewayIp}/30`, 'dev', l.rootLink] },
        { where: 'root', args: ['link', 'set', l.rootLink, 'up'] },
        { where: 'node', args: ['addr', 'add', `${l.nodeIp}/30`, 'dev', 'eth0'] },
        { where: 'node', args: ['link', 'set', 'eth0', 'up'] },
      ]);
    });

    it(`node ${c.index}: no default route, no route at all in the root namespace`, () => {
      for (const cmd of cmds) {
        assert.ok(!cmd.args.includes('default'), cmd.args.join(' '));
        assert.ok(!cmd.args.includes('0.0.0.0/0'), cmd.args.join(' '));
        if (cmd.args[0] === 'route') {
          assert.equal(cmd.where, 'node');
          assert.match(cmd.args[2]!, /\/32$/, 'only host routes');
        }
      }
    });

    it(`node ${c.index}: ${c.apiRoute ? 'a /32 route to the api address via its gateway' : 'no route: the api address is its own gateway'}`, () => {
      const routes = cmds.filter((cmd) => cmd.args[0] === 'route');
      if (c.apiRoute) {
        assert.notEqual(l.apiAddress, l.gatewayIp);
        assert.deepEqual(routes, [
          { where: 'node', args: ['route', 'add', `${l.apiAddress}/32`, 'via', l.gatewayIp] },
        ]);
        assert.equal(cmds.length, 7);
        assert.deepEqual(cmds.at(-1), routes[0], 'the route comes after eth0 is up');
      } else {
        assert.equal(l.apiAddress, l.gatewayIp);
        assert.deepEqual(routes, []);
        assert.equal(cmds.length, 6);
      }
    });

    it(`node ${c.index}: commands in the root namespace touch only this node's veth`, () => {
      for (const cmd of cmds.filter((x) => x.where === 'root'))
        assert.ok(cmd.args.includes(l.rootLink), cmd.args.join(' '));
    });
  }

  it('is pure: the same layout gives the same commands', () => {
    const l = realNodeLayout(DATA_DIR, 2);
    assert.deepEqual(networkCommands(l, ROOT_PID), networkCommands(l, ROOT_PID));
  });
});
