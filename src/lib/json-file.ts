/** JSON files validated by a zod schema on read, written atomically (temp file + rename). */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { z } from 'zod';
import { VClusterError, isErrnoException } from './errors.js';

/** The parsed file, or undefined when it does not exist; a clear error when it is not valid. */
export async function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): Promise<z.infer<S> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return undefined;
    throw new VClusterError(`read ${file}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new VClusterError(`${file} is not valid JSON`, { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new VClusterError(`${file} is not ${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, file);
}
