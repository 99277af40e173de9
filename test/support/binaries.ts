/**
 * The upstream binaries for tests: VCLUSTER_BINARIES_DIR, else the version-keyed cache that
 * `vcluster binaries ensure` fills. A missing binary fails the test with a clear message — never a skip.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { binarySet, missingBinaries, type BinarySet } from '../../src/binaries/locate.js';
import { BINARY_NAMES } from '../../src/binaries/versions.js';
import { REPO_ROOT } from './cli.js';

export async function testBinaries(): Promise<BinarySet> {
  const set = await binarySet({
    explicitDir: process.env.VCLUSTER_BINARIES_DIR || undefined,
    cacheRoot: process.env.VCLUSTER_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vcluster-ts'),
    depsRoot: join(REPO_ROOT, 'deps'),
  });
  const missing = await missingBinaries(set, BINARY_NAMES);
  if (missing.length > 0) {
    throw new Error(`missing upstream binaries in ${set.dir} (and ${set.groupDir('containerd')}): ${missing.join(', ')} — run \`npx vcluster binaries ensure\` first`);
  }
  return set;
}
