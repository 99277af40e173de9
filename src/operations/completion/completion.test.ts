import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { UsageError } from '../../lib/errors.js';
import { completionScript, parseShell, type CommandSpec } from './completion.js';

const tree: CommandSpec = {
  name: 'vcluster',
  options: [{ flags: ['--context'] }],
  commands: [
    { name: 'logs', options: [{ flags: ['--component'], choices: ['syncer', 'kine'] }, { flags: ['-f', '--follow'] }], commands: [] },
    { name: 'debug', options: [], commands: [{ name: 'mappings', options: [{ flags: ['-o', '--output'], choices: ['table', 'json'] }], commands: [] }] },
  ],
};

/** Runs the bash script and completes `words` (the last one being the word under the cursor). */
function complete(words: string[]): string[] {
  const script = `${completionScript(tree, 'bash')}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_vcluster_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('completionScript (run by bash)', () => {
  const cases = [
    { words: ['vcluster', ''], want: ['--context', 'debug', 'logs'] },
    { words: ['vcluster', 'lo'], want: ['logs'] },
    { words: ['vcluster', 'logs', '--'], want: ['--component', '--context', '--follow'] },
    { words: ['vcluster', 'logs', 'vc', '--component', ''], want: ['kine', 'syncer'] },
    { words: ['vcluster', 'debug', ''], want: ['--context', 'mappings'] },
    { words: ['vcluster', 'debug', 'mappings', 'vc', '-o', 'j'], want: ['json'] },
  ];
  for (const c of cases) it(c.words.join(' '), () => assert.deepEqual(complete(c.words), c.want));
  it('zsh gets the same script through bashcompinit', () => assert.match(completionScript(tree, 'zsh'), /^# .*\nautoload -U \+X bashcompinit && bashcompinit\n/));
  it('refuses other shells', () => assert.throws(() => parseShell('fish'), UsageError));
});
