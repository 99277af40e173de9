import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../lib/errors.js';
import { componentLogFile, lastLines, parseLogComponent } from './components.js';

describe('log components', () => {
  const files = [
    { component: 'syncer', file: '/d/logs/supervisor.log' },
    { component: 'kine', file: '/d/logs/kine.log' },
    { component: 'apiserver', file: '/d/logs/kube-apiserver.log' },
    { component: 'controller-manager', file: '/d/logs/kube-controller-manager.log' },
  ] as const;
  for (const c of files) {
    it(`${c.component} → ${c.file}`, () => assert.equal(componentLogFile('/d/logs', parseLogComponent(c.component)), c.file));
  }
  for (const bad of ['scheduler', '', 'Syncer', 'kube-apiserver']) {
    it(`refuses "${bad}", naming the valid ones`, () => {
      assert.throws(() => parseLogComponent(bad), (e: unknown) => e instanceof UsageError && e.message.includes('syncer, kine, apiserver, controller-manager'));
    });
  }
});

describe('lastLines', () => {
  const cases = [
    { name: 'all', text: 'a\nb\nc\n', n: -1, want: 'a\nb\nc\n' },
    { name: 'two of three', text: 'a\nb\nc\n', n: 2, want: 'b\nc\n' },
    { name: 'more than there are', text: 'a\nb\n', n: 10, want: 'a\nb\n' },
    { name: 'zero', text: 'a\nb\n', n: 0, want: '' },
    { name: 'no final newline', text: 'a\nb\nc', n: 1, want: 'c' },
    { name: 'empty', text: '', n: 5, want: '' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(lastLines(c.text, c.n), c.want));
});
