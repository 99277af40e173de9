import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { IMAGE_REFS } from '../../images/catalog.js';
import {
  MAX_REAL_NODES,
  PAUSE_IMAGE,
  hostCgroup,
  hostSlot,
  realNodeLayout,
  type RealNodeLayout,
} from './layout.js';

const DATA_DIR = '/root/.vcluster-ts/host';
const INDICES = Array.from({ length: MAX_REAL_NODES }, (_, i) => i + 1);

/** An IPv4 address as a 32-bit number. */
function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Every path-valued string of a layout (files, dirs and the layout dir itself). */
function layoutPaths(l: RealNodeLayout): string[] {
  return [l.dir, ...Object.values(l.files), ...Object.values(l.dirs)];
}

describe('realNodeLayout addresses', () => {
  const slot = hostSlot(DATA_DIR);
  const cases = [
    { index: 1, gateway: 1, node: 2 },
    { index: 2, gateway: 5, node: 6 },
    { index: 3, gateway: 9, node: 10 },
    { index: MAX_REAL_NODES, gateway: 4 * (MAX_REAL_NODES - 1) + 1, node: 4 * (MAX_REAL_NODES - 1) + 2 },
  ];
  for (const c of cases) {
    it(`node ${c.index}: gateway .${c.gateway}, node .${c.node} in 10.201.${slot}.x`, () => {
      const l = realNodeLayout(DATA_DIR, c.index);
      assert.equal(l.index, c.index);
      assert.equal(l.gatewayIp, `10.201.${slot}.${c.gateway}`);
      assert.equal(l.nodeIp, `10.201.${slot}.${c.node}`);
      assert.equal(l.prefixLength, 30);
      assert.equal(l.nodeLink, 'eth0');
    });
  }

  for (const index of INDICES) {
    it(`node ${index}: the api address is node 1's gateway; the name is the node IP`, () => {
      const l = realNodeLayout(DATA_DIR, index);
      assert.equal(l.apiAddress, realNodeLayout(DATA_DIR, 1).gatewayIp);
      assert.equal(l.name, l.nodeIp);
      assert.ok(isIPv4(l.name), `${l.name} is an IPv4 address, never a DNS name`);
      // gateway and node share one /30 and are neither its network nor its broadcast address
      const gw = ipNumber(l.gatewayIp);
      const node = ipNumber(l.nodeIp);
      assert.equal(gw >>> 2, node >>> 2);
      assert.ok(![0, 3].includes(gw & 3) && ![0, 3].includes(node & 3));
    });
  }

  it('the /30s of the nodes of one host do not overlap', () => {
    const nets = INDICES.map((i) => ipNumber(realNodeLayout(DATA_DIR, i).nodeIp) >>> 2);
    assert.equal(new Set(nets).size, nets.length);
  });

  it('every node has its own pod CIDR', () => {
    const cidrs = INDICES.map((i) => realNodeLayout(DATA_DIR, i).podCidr);
    assert.equal(new Set(cidrs).size, cidrs.length);
    for (const [i, cidr] of cidrs.entries()) assert.equal(cidr, `10.245.${i + 1}.0/24`);
  });

  it('node addresses and pod CIDRs do not overlap', () => {
    for (const i of INDICES) {
      const l = realNodeLayout(DATA_DIR, i);
      assert.ok(!l.podCidr.startsWith('10.201.'));
      assert.ok(l.nodeIp.startsWith('10.201.'));
    }
  });
});

describe('realNodeLayout rootLink', () => {
  const dirs = [
    DATA_DIR,
    '/tmp/a',
    '/tmp/b',
    '/home/u/.vcluster-ts/host',
    '/data/host',
    '/var/lib/vcluster-ts/host',
  ];
  for (const dir of dirs) {
    it(`${dir}: at most 15 characters and distinct for nodes 1..${MAX_REAL_NODES}`, () => {
      const links = INDICES.map((i) => realNodeLayout(dir, i).rootLink);
      for (const link of links) {
        assert.ok(link.length <= 15, `${link} fits IFNAMSIZ`);
        assert.match(link, /^[a-z0-9]+$/);
      }
      assert.equal(new Set(links).size, links.length);
    });
  }
});

describe('hostSlot and hostCgroup', () => {
  const dirs = [
    '/root/.vcluster-ts/host',
    '/tmp/a',
    '/tmp/b',
    '/home/u/.vcluster-ts/host',
    '/data/host',
    '/var/lib/vcluster-ts/host',
  ];

  it('is stable for one data dir', () => {
    for (const dir of dirs) {
      assert.equal(hostSlot(dir), hostSlot(dir));
      assert.equal(hostCgroup(dir), hostCgroup(dir));
    }
  });

  for (const dir of dirs) {
    it(`${dir}: slot is an octet, cgroup a single path segment`, () => {
      const slot = hostSlot(dir);
      assert.ok(Number.isInteger(slot) && slot >= 0 && slot <= 255);
      assert.match(hostCgroup(dir), /^vcluster-ts-[0-9a-f]{8}$/);
    });
  }

  it('different data dirs give different slots and cgroups (for these dirs)', () => {
    assert.equal(new Set(dirs.map(hostSlot)).size, dirs.length);
    assert.equal(new Set(dirs.map(hostCgroup)).size, dirs.length);
  });

  it('different data dirs give different node addresses and cgroups', () => {
    const a = realNodeLayout('/tmp/a', 1);
    const b = realNodeLayout('/tmp/b', 1);
    assert.notEqual(a.nodeIp, b.nodeIp);
    assert.notEqual(a.gatewayIp, b.gatewayIp);
    assert.notEqual(a.rootLink, b.rootLink);
    assert.notEqual(a.daemonsCgroup, b.daemonsCgroup);
    assert.notEqual(a.podsCgroup, b.podsCgroup);
  });
});

describe('realNodeLayout cgroups', () => {
  for (const index of INDICES) {
    it(`node ${index}: daemons and pods below the host's cgroup, apart from each other`, () => {
      const l = realNodeLayout(DATA_DIR, index);
      const top = `/${hostCgroup(DATA_DIR)}/node-${index}`;
      assert.equal(l.daemonsCgroup, `${top}/daemons`);
      assert.equal(l.podsCgroup, `${top}/pods`);
      assert.ok(
        !l.podsCgroup.startsWith(`${l.daemonsCgroup}/`) && !l.daemonsCgroup.startsWith(`${l.podsCgroup}/`),
      );
    });
  }

  it('the nodes of a host have distinct cgroups', () => {
    const all = INDICES.flatMap((i) => {
      const l = realNodeLayout(DATA_DIR, i);
      return [l.daemonsCgroup, l.podsCgroup];
    });
    assert.equal(new Set(all).size, all.length);
  });
});

describe('realNodeLayout paths', () => {
  const dirs = [DATA_DIR, '/tmp/vcts-test/host'];
  for (const dataDir of dirs) {
    for (const index of INDICES) {
      it(`${dataDir} node ${index}: every path is under the node dir, which is under the data dir`, () => {
        const l = realNodeLayout(dataDir, index);
        assert.equal(l.dir, join(dataDir, 'nodes', `node-${index}`));
        assert.ok(l.dir.startsWith(`${dataDir}/`));
        for (const p of layoutPaths(l)) {
          assert.ok(p === l.dir || p.startsWith(`${l.dir}/`), `${p} is under ${l.dir}`);
        }
        assert.ok(l.files.containerdSocket.startsWith(`${l.dirs.run}/`));
        assert.ok(l.files.readyFile.startsWith(`${l.dirs.run}/`));
      });
    }
  }

  it('the nodes of a host share no path', () => {
    const all = INDICES.flatMap((i) => layoutPaths(realNodeLayout(DATA_DIR, i)));
    assert.equal(new Set(all).size, all.length);
  });

  for (const index of INDICES) {
    it(`node ${index}: containerd's sockets fit a unix socket address for ${DATA_DIR}`, () => {
      const l = realNodeLayout(DATA_DIR, index);
      for (const sock of [l.files.containerdSocket, `${l.files.containerdSocket}.ttrpc`]) {
        assert.ok(Buffer.byteLength(sock) < 108, `${sock} is ${Buffer.byteLength(sock)} bytes`);
      }
    });
  }

  it('the namespace-only dirs are absolute and the shim socket dir is at most 42 characters', () => {
    const l = realNodeLayout(DATA_DIR, 1);
    assert.ok(l.nsDirs.shimSockets.startsWith('/run/'));
    assert.ok(l.nsDirs.runcRoot.startsWith('/run/'));
    assert.ok(l.nsDirs.shimSockets.length <= 42);
    assert.ok(
      !l.nsDirs.runcRoot.startsWith('/run/containerd') && !l.nsDirs.shimSockets.startsWith('/run/containerd'),
    );
  });
});

describe('PAUSE_IMAGE', () => {
  it("is the catalog's pause image", () => {
    assert.equal(PAUSE_IMAGE, IMAGE_REFS.pause);
  });
});
