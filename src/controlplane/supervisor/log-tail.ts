/** The last lines of a component's log file, for error messages. */
import { open } from 'node:fs/promises';

export async function tailFile(path: string, lines = 15, maxBytes = 16_384): Promise<string[]> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const all = buf.toString('utf8').split('\n').filter((l) => l.trim().length > 0);
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}
