#!/usr/bin/env node
// The `vcluster` command. Runs the compiled JavaScript in .build/ (scripts/build.sh) when it is newer
// than every file in src/, else src/ itself through tsx, so a stale build is never used.
// VCLUSTER_FROM_SOURCE=1 always runs src/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, '.build', 'src', 'cli', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsFresh() {
  if (process.env.VCLUSTER_FROM_SOURCE === '1') return false;
  // an installed copy (the control-plane image) ships only the build
  if (!existsSync(join(root, 'src'))) return existsSync(built);
  try {
    return statSync(built).mtimeMs >= newestMtime(join(root, 'src'));
  } catch {
    return false;
  }
}

if (builtIsFresh()) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
