import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from './load.js';
import { renderEffectiveConfig } from './render.js';
import { defaultConfig } from './schema.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/config/', import.meta.url));

describe('renderEffectiveConfig', () => {
  it('renders the defaults exactly as the golden file', async () => {
    const golden = await readFile(join(FIXTURES, 'effective-default.yaml'), 'utf8');
    assert.equal(renderEffectiveConfig(defaultConfig()), golden);
  });

  it('starts the document body with the full sync section', () => {
    const out = renderEffectiveConfig(defaultConfig());
    const lines = out.split('\n').filter((l) => !l.startsWith('#'));
    assert.equal(lines[0], 'sync:');
    const doc = parse(out) as {
      sync: { toHost: Record<string, unknown>; fromHost: Record<string, unknown> };
    };
    assert.deepEqual(Object.keys(doc.sync.toHost).slice(0, 3), ['pods', 'services', 'endpoints']);
    assert.ok('events' in doc.sync.fromHost && 'nodes' in doc.sync.fromHost);
  });

  it('folds the legacy serviceCIDR into networking', () => {
    const c = { ...defaultConfig(), serviceCIDR: '10.96.0.0/12' };
    const doc = parse(renderEffectiveConfig(c)) as {
      serviceCIDR?: string;
      networking: { serviceCIDR: string };
    };
    assert.equal(doc.serviceCIDR, undefined);
    assert.equal(doc.networking.serviceCIDR, '10.96.0.0/12');
  });

  describe('round trip: parse(render(c)) equals c for every valid fixture', async () => {
    const names = (await readdir(join(FIXTURES, 'valid'))).filter((n) => n.endsWith('.yaml')).sort();
    for (const name of names) {
      it(name, async () => {
        const config = parseConfig(await readFile(join(FIXTURES, 'valid', name), 'utf8'), name, { env: {} });
        const again = parseConfig(renderEffectiveConfig(config), 'effective.yaml', { env: {} });
        assert.deepEqual(again, config);
      });
    }
  });
});
