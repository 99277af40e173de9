/**
 * The sync switches of a vcluster.yaml `sync` section, flattened for `vcluster describe`:
 * `toHost.pods: true`, `fromHost.storageClasses: auto`, `toHost.configMaps.all: false`. Pure.
 */
export interface SyncSwitch {
  readonly path: string;
  readonly value: string;
}

const SHOWN = new Set(['enabled', 'all']);

export function syncSwitches(sync: unknown, prefix = ''): SyncSwitch[] {
  if (typeof sync !== 'object' || sync === null || Array.isArray(sync)) return [];
  const out: SyncSwitch[] = [];
  for (const [key, value] of Object.entries(sync as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      if ('enabled' in o && (typeof o.enabled === 'boolean' || typeof o.enabled === 'string')) out.push({ path, value: String(o.enabled) });
      for (const [k, v] of Object.entries(o)) {
        if (k !== 'enabled' && SHOWN.has(k) && (typeof v === 'boolean' || typeof v === 'string')) out.push({ path: `${path}.${k}`, value: String(v) });
      }
      out.push(...syncSwitches(Object.fromEntries(Object.entries(o).filter(([k]) => !SHOWN.has(k))), path));
    }
  }
  return out;
}
