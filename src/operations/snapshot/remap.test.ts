import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { KINE_SCHEMA, SIDE_SCHEMA } from '../../kine/sqlite/schema.js';
import { decodeMapping, encodeMapping, type Mapping } from '../../syncer/mappings/mapping.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { backupDatabase, checkKineDatabase } from './database.js';
import { remapMapping, rewriteMappings } from './remap.js';

const from = { vclusterName: 'old', hostNamespace: 'ns-old' };
const to = { vclusterName: 'new', hostNamespace: 'ns-new' };
const pod: Mapping = {
  gvk: GVK.Pod,
  virtual: { namespace: 'default', name: 'web' },
  host: { namespace: 'ns-old', name: 'web-x-default-x-old' },
  sender: 'abc',
  references: [{ gvk: GVK.ConfigMap, virtual: { namespace: 'default', name: 'cfg' }, host: { namespace: 'ns-old', name: 'cfg-x-default-x-old' } }],
};

describe('remapMapping', () => {
  const cases = [
    { name: 'translated names follow the new vcluster', m: pod, host: { namespace: 'ns-new', name: 'web-x-default-x-new' }, ref: { namespace: 'ns-new', name: 'cfg-x-default-x-new' } },
    {
      name: 'a custom host name keeps its name, moves namespace',
      m: { ...pod, host: { namespace: 'ns-old', name: 'custom' }, references: [] },
      host: { namespace: 'ns-new', name: 'custom' },
      ref: undefined,
    },
    {
      name: 'an object in another host namespace is left alone',
      m: { ...pod, host: { namespace: 'elsewhere', name: 'x' }, references: [] },
      host: { namespace: 'elsewhere', name: 'x' },
      ref: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = remapMapping(c.m, from, to);
      assert.deepEqual(r.host, c.host);
      assert.equal(r.sender, '');
      assert.deepEqual(r.references[0]?.host, c.ref);
    });
  }
});

describe('rewriteMappings and the database checks on a kine database', () => {
  it('appends one update revision per changed mapping, with versions; the copy passes the checks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remap-test-'));
    try {
      const file = join(dir, 'state.db');
      const db = new Database(file);
      for (const s of [...KINE_SCHEMA, ...SIDE_SCHEMA]) db.exec(s);
      const ins = db.prepare('INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, ?, ?, ?, ?, 0, ?, NULL)');
      ins.run('compact_rev_key', 1, 0, 0, 0, Buffer.alloc(0));
      ins.run('/vcluster/mappings/v1/pod/default/web', 1, 0, 0, 0, Buffer.from(encodeMapping(pod))); // id 2
      ins.run('/vcluster/mappings/v1/pod/default/gone', 1, 0, 0, 0, Buffer.from(encodeMapping({ ...pod, virtual: { namespace: 'default', name: 'gone' } }))); // 3
      ins.run('/vcluster/mappings/v1/pod/default/gone', 0, 1, 3, 3, null); // 4: deleted
      ins.run('/registry/configmaps/default/cfg', 1, 0, 0, 0, Buffer.from('k8s\0...')); // 5
      db.close();

      const copy = join(dir, 'copy.db');
      await backupDatabase(file, copy);
      assert.deepEqual(checkKineDatabase(copy, 'copy'), { revision: 5, rows: 5 });

      assert.equal(rewriteMappings(copy, from, to), 1);
      assert.equal(rewriteMappings(copy, to, to), 0);
      const check = new Database(copy, { readonly: true });
      const rows = check.prepare('SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.value, v.version FROM kine k LEFT JOIN kine_key_version v ON v.id = k.id WHERE k.id > 5').all() as { id: number; name: string; created: number; deleted: number; create_revision: number; prev_revision: number; value: Buffer; version: number }[];
      check.close();
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.deepEqual({ id: row.id, name: row.name, created: row.created, deleted: row.deleted, cr: row.create_revision, pr: row.prev_revision, version: row.version }, { id: 6, name: '/vcluster/mappings/v1/pod/default/web', created: 0, deleted: 0, cr: 2, pr: 2, version: 2 });
      assert.equal(decodeMapping(row.value.toString()).host.name, 'web-x-default-x-new');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not a database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remap-test-'));
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, 'x.db'), 'not sqlite at all, just text that is long enough to be a header.........');
      assert.throws(() => checkKineDatabase(join(dir, 'x.db'), 'the snapshot database'), /the snapshot database: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
