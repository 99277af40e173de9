/** `vcluster history` as text: a table of the revisions, then each version's diff from the one before. Pure. */
import { renderTable } from '../../cli/table.js';
import type { ObjectHistory } from './history.js';

export function renderHistory(h: ObjectHistory): string {
  const table = renderTable(
    ['REVISION', 'TYPE', 'TIME', 'BYTES', 'NOTE'],
    h.revisions.map((r) => [String(r.revision), r.type, r.time ?? '-', String(r.bytes), r.note ?? '']),
  );
  const out = [`KEY ${h.key} (kine compaction revision ${h.compactRevision}; older superseded revisions are gone)`, table];
  let previous: number | undefined;
  for (const r of h.revisions) {
    if (r.diff.length > 0 && previous !== undefined) out.push('', `--- revision ${previous} → ${r.revision} (${r.type})`, ...r.diff);
    if (r.type !== 'DELETE' && r.object !== undefined) previous = r.revision;
    if (r.type === 'DELETE') previous = undefined;
  }
  return out.join('\n');
}
