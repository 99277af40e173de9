/** Re-exports of the pod translation pieces the syncer uses directly. */
export {
  tokenRequests,
  tokenSecret,
  tokenSecretName,
  defaultAudiences,
  TOKEN_EXPIRATION_SECONDS,
} from './token.js';
export { virtualPodStatus, hostPodSpecUpdate } from './status.js';
export { parseToleration } from './scheduling.js';
