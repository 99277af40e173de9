import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllCgroupMounts, parseCgroupV1Mounts } from './cgroups.js';

const HYBRID = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime,size=8145724k,nr_inodes=2036431,mode=755 0 0
/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0
tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0
cgroup /sys/fs/cgroup/systemd cgroup rw,nosuid,nodev,noexec,relatime,xattr,name=systemd 0 0
cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0
cgroup /sys/fs/cgroup/pids cgroup rw,nosuid,nodev,noexec,relatime,pids 0 0
cgroup /sys/fs/cgroup/cpuset cgroup rw,nosuid,nodev,noexec,relatime,cpuset 0 0
cgroup /sys/fs/cgroup/devices cgroup rw,nosuid,nodev,noexec,relatime,devices 0 0
cgroup /sys/fs/cgroup/freezer cgroup rw,nosuid,nodev,noexec,relatime,freezer 0 0
cgroup /sys/fs/cgroup/net_cls,net_prio cgroup rw,nosuid,nodev,noexec,relatime,net_cls,net_prio 0 0
cgroup /sys/fs/cgroup/blkio cgroup rw,nosuid,nodev,noexec,relatime,blkio 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1632264k,mode=755 0 0
overlay /var/lib/docker/overlay2/abc/merged overlay rw,relatime,lowerdir=/l,upperdir=/u,workdir=/w 0 0
/dev/sda1 /mnt/with\\040space ext4 rw,relatime 0 0
`;

const HYBRID_V1 = [
  '/sys/fs/cgroup/systemd',
  '/sys/fs/cgroup/cpu,cpuacct',
  '/sys/fs/cgroup/memory',
  '/sys/fs/cgroup/pids',
  '/sys/fs/cgroup/cpuset',
  '/sys/fs/cgroup/devices',
  '/sys/fs/cgroup/freezer',
  '/sys/fs/cgroup/net_cls,net_prio',
  '/sys/fs/cgroup/blkio',
];

const PURE_V2 = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0
tmpfs /run tmpfs rw,nosuid,nodev,size=3262636k,mode=755,inode64 0 0
`;

/** Mounted into a container: cgroup v1 hierarchies below a path with a space (octal-escaped by the kernel). */
const ESCAPED = `cgroup /srv/my\\040root/cgroup/memory cgroup rw,memory 0 0
cgroup2 /srv/my\\040root/cgroup/unified cgroup2 rw 0 0
`;

describe('parseCgroupV1Mounts and parseAllCgroupMounts', () => {
  const cases = [
    { name: 'hybrid machine', mounts: HYBRID, v1: HYBRID_V1, all: ['/sys/fs/cgroup/unified', ...HYBRID_V1] },
    { name: 'pure cgroup2 machine', mounts: PURE_V2, v1: [], all: ['/sys/fs/cgroup'] },
    {
      name: 'no trailing newline',
      mounts: HYBRID.trimEnd(),
      v1: HYBRID_V1,
      all: ['/sys/fs/cgroup/unified', ...HYBRID_V1],
    },
    {
      name: 'escaped space in the mount point',
      mounts: ESCAPED,
      v1: ['/srv/my root/cgroup/memory'],
      all: ['/srv/my root/cgroup/memory', '/srv/my root/cgroup/unified'],
    },
    { name: 'empty text', mounts: '', v1: [], all: [] },
    {
      name: 'unrelated mounts only',
      mounts: 'proc /proc proc rw 0 0\ntmpfs /sys/fs/cgroup tmpfs ro 0 0\n',
      v1: [],
      all: [],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: v1 hierarchies in mount order`, () =>
      assert.deepEqual(parseCgroupV1Mounts(c.mounts), c.v1));
    it(`${c.name}: every hierarchy in mount order`, () =>
      assert.deepEqual(parseAllCgroupMounts(c.mounts), c.all));
  }

  it('the tmpfs holding the hierarchies is not a hierarchy', () => {
    assert.ok(!parseAllCgroupMounts(HYBRID).includes('/sys/fs/cgroup'));
  });

  it('every v1 hierarchy is also in the full list', () => {
    for (const mounts of [HYBRID, PURE_V2, ESCAPED]) {
      const all = parseAllCgroupMounts(mounts);
      for (const m of parseCgroupV1Mounts(mounts)) assert.ok(all.includes(m), m);
    }
  });
});
