/** vcluster.yaml: the public surface of src/config. */
export {
  ConfigSchema,
  defaultConfig,
  type Config,
  type ConfigInput,
  type SyncConfig,
  type BackingStoreConfig,
} from './schema.js';
export {
  loadConfig,
  MAX_CONFIG_BYTES,
  parseConfig,
  parseSetFlags,
  mergeValues,
  type LoadConfigOptions,
  type ConfigSource,
} from './load.js';
export { validateConfig, checkConfig } from './validate.js';
export {
  ConfigValidationError,
  formatIssue,
  formatPath,
  type ConfigIssue,
  type PathSegment,
} from './errors.js';
export { renderEffectiveConfig } from './render.js';
export { POD_SECURITY_STANDARDS, type PodSecurityStandard } from './defaults.js';
export {
  backingStoreOf,
  policiesOf,
  corednsEnabled,
  fromHostEnabled,
  type BackingStore,
  type ResolvedPolicies,
} from './resolve.js';
