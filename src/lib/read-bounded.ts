/** Reading a file of unknown size without trusting it: stop as soon as it is larger than allowed. */
import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * The file's bytes, or undefined when it holds more than `maxBytes` (then no more than `maxBytes` + one
 * chunk were read). Reads until end of file rather than trusting `stat`, so pipes and /proc files work.
 * Errors of open and read (ENOENT, EISDIR, ...) are thrown as they are.
 */
export async function readFileAtMost(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      total += bytesRead;
      if (total > maxBytes) return undefined;
      chunks.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
