/**
 * The effective vcluster.yaml: every key at its final value, as `vcluster create` stores it in the
 * ConfigMap `<name>-config` and the Secret `vc-config-<name>`. Pure; loading the output again gives
 * the same config.
 */
import { stringify } from 'yaml';
import type { Config } from './schema.js';

const HEADER = '# effective vcluster.yaml: defaults applied, every supported key listed\n';

export function renderEffectiveConfig(config: Config): string {
  const { serviceCIDR: legacy, ...rest } = config;
  const effective: Omit<Config, 'serviceCIDR'> = {
    ...rest,
    networking: { ...rest.networking, serviceCIDR: rest.networking.serviceCIDR || (legacy ?? '') },
  };
  return HEADER + stringify(effective, { lineWidth: 0, indent: 2 });
}
