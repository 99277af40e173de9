/**
 * The layer rules of eslint.config.js (ARCHITECTURE.md §3) fire: its no-restricted-imports blocks,
 * run on snippets placed in each folder. Only those blocks, with a parser that needs no type
 * information, so this stays fast; `npm run lint` applies them to the whole tree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const RULE = 'no-restricted-imports';

async function layerRules(): Promise<Linter.Config[]> {
  const loaded: unknown = await import(new URL('../eslint.config.js', import.meta.url).href);
  const config = (loaded as { default: Linter.Config[] }).default;
  return config.filter((c) => c.rules !== undefined && RULE in c.rules);
}

interface Case {
  readonly file: string;
  readonly code: string;
  readonly forbidden: boolean;
}

const CASES: readonly Case[] = [
  { file: 'src/syncer/engine/x.ts', code: "import { createPodSyncer } from '../../resources/pods/syncer.js';", forbidden: true },
  { file: 'src/syncer/engine/x.ts', code: "import type { PodSyncerDeps } from '../../resources/pods/syncer.js';", forbidden: true },
  { file: 'src/syncer/engine/x.ts', code: "export { RESOURCES } from '../../resources/registry.js';", forbidden: true },
  { file: 'src/syncer/x.ts', code: "import { RESOURCES } from '../resources/registry.js';", forbidden: true },
  { file: 'src/syncer/kubelet-proxy/x.ts', code: "import type { ReadyControlPlane } from '../../controlplane/start.js';", forbidden: true },
  { file: 'src/syncer/engine/x.ts', code: "import type { Syncer } from '../types.js';", forbidden: false },
  { file: 'src/syncer/engine/x.ts', code: "import { Kinds } from '../../k8s/types.js';", forbidden: false },
  { file: 'src/resources/pods/x.ts', code: "import type { Syncer } from '../../syncer/types.js';", forbidden: false },
  { file: 'src/resources/pods/x.ts', code: "import { startCommand } from '../../cli/commands/start.js';", forbidden: true },
  { file: 'src/resources/pods/translate-parts/x.ts', code: "import { dataDir } from '../../../controlplane/datadir.js';", forbidden: true },
  { file: 'src/lib/x.ts', code: "import type { Config } from '../config/index.js';", forbidden: true },
  { file: 'src/lib/x.ts', code: "import { formatError } from './errors.js';", forbidden: false },
  { file: 'src/k8s/x.ts', code: "import type { Syncer } from '../syncer/types.js';", forbidden: true },
  { file: 'src/k8s/x.ts', code: "import type { Logger } from '../lib/logger.js';", forbidden: false },
  { file: 'src/runtime/x.ts', code: "import type { Syncer } from '../syncer/types.js';", forbidden: true },
  { file: 'src/kine/backend/x.ts', code: "import type { Pod } from '../../resources/pods/translate.js';", forbidden: true },
  { file: 'src/kine/x.ts', code: "import { kineCommand } from '../cli/commands/kine.js';", forbidden: true },
];

describe('layer rules of eslint.config.js', () => {
  it('are there', async () => assert.ok((await layerRules()).length > 0, `no ${RULE} block in eslint.config.js`));

  it('forbid exactly the cross-layer imports', async () => {
    const eslint = new ESLint({
      cwd: REPO,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...(await layerRules())],
    });
    for (const c of CASES) {
      const [result] = await eslint.lintText(c.code, { filePath: `${REPO}${c.file}` });
      const messages = result?.messages ?? [];
      const fired = messages.filter((m) => m.ruleId === RULE);
      assert.deepEqual(messages.filter((m) => m.ruleId !== RULE), [], `${c.file}: ${c.code}: other problems`);
      assert.equal(fired.length, c.forbidden ? 1 : 0, `${c.file}: ${c.code}: ${JSON.stringify(messages)}`);
      if (c.forbidden) assert.equal(fired[0]?.severity, 2, 'an error, not a warning');
    }
  });
});
