/** Runs `vcluster kine ...` standalone (until the lead wires it into src/cli/main.ts). */
import { kineCommand } from '../../../src/cli/commands/kine.js';
import { exitCodeFor, formatError, hintOf } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';

const log = createLogger({ level: process.env.KINE_LOG_LEVEL ?? 'info' });
kineCommand({ log })
  .exitOverride()
  .parseAsync(['node', 'kine', ...process.argv.slice(2)])
  .catch((err: unknown) => {
    const hint = hintOf(err);
    process.stderr.write(`kine: ${formatError(err)}\n${hint === undefined ? '' : `hint: ${hint}\n`}`);
    process.exitCode = exitCodeFor(err);
  });
