/**
 * Regenerates the `config:` section of chart/values.yaml (the vcluster.yaml defaults) from src/config,
 * keeping the hand-written part above the marker. Run after a change of the config defaults:
 *   npx tsx scripts/chart-values.ts        (test/integration/chart-drift.test.ts fails until then)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { defaultConfig, renderEffectiveConfig } from '../src/config/index.js';

export const VALUES_MARKER = '# --- generated below: scripts/chart-values.ts ---';

/** chart/values.yaml with its generated part replaced. Pure. */
export function withGeneratedConfig(valuesText: string, configYaml: string): string {
  const at = valuesText.indexOf(VALUES_MARKER);
  const head =
    at < 0 ? `${valuesText.trimEnd()}\n${VALUES_MARKER}` : valuesText.slice(0, at + VALUES_MARKER.length);
  return `${head}\n${stringify({ config: parse(configYaml) as unknown }, { lineWidth: 0, indent: 2 })}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = join(fileURLToPath(new URL('..', import.meta.url)), 'chart', 'values.yaml');
  writeFileSync(
    file,
    withGeneratedConfig(readFileSync(file, 'utf8'), renderEffectiveConfig(defaultConfig())),
  );
  process.stdout.write(`wrote ${file}\n`);
}
