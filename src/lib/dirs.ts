/** Removing what a command made, folders included. */
import { rmdir } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isErrnoException } from './errors.js';

/**
 * Removes `dir` and then each parent up to and including `top` while they are empty; stops at the
 * first folder that still holds something. Folders outside `top` are never touched. Missing folders
 * are skipped. Returns the folders removed.
 */
export async function pruneEmptyDirs(dir: string, top: string): Promise<string[]> {
  const removed: string[] = [];
  const root = resolve(top);
  for (let current = resolve(dir); ; current = dirname(current)) {
    const rel = relative(root, current);
    if (rel.startsWith('..') || (rel !== '' && resolve(root, rel) !== current)) return removed;
    try {
      await rmdir(current);
      removed.push(current);
    } catch (err) {
      if (!isErrnoException(err) || err.code !== 'ENOENT') return removed; // not empty (or not ours to remove)
    }
    if (current === root) return removed;
  }
}
