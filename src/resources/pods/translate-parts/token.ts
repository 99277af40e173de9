/**
 * Service-account tokens (vcluster-behavior.md §2.8 Pods): every projected serviceAccountToken
 * source is replaced by a token requested in the virtual cluster, delivered through a host Secret
 * (default here: safer than annotations) or through a pod annotation read by the downward API.
 */
import type {
  Pod,
  ProjectedVolumeSource,
  Secret,
  VolumeProjection,
} from '../../../k8s/types.js';
import { SKIP_BACKSYNC_ANNOTATION } from '../../../syncer/translate/constants.js';
import { GVK } from '../../../syncer/translate/gvk.js';
import { hostName } from '../../../syncer/translate/names.js';
import { namespacedHostMeta, type TranslateOptions } from '../../shared/options.js';
import { TOKEN_ANNOTATION_PREFIX } from './pod-annotations.js';

/** Ten years, as vCluster requests. */
export const TOKEN_EXPIRATION_SECONDS = 10 * 365 * 24 * 3600;
export const TOKEN_FILE_MODE = 0o644;

/** The key of one token: the volume name, with "-<n>" for a volume's n-th extra token source. */
export function tokenKey(volumeName: string, index: number): string {
  return index === 0 ? volumeName : `${volumeName}-${index}`;
}

export interface TokenRequestSpec {
  readonly key: string;
  readonly serviceAccountName: string;
  readonly audiences: readonly string[];
  readonly expirationSeconds: number;
  /** Bound to the virtual pod. */
  readonly boundObject: { readonly kind: 'Pod'; readonly name: string; readonly uid: string };
}

/** The audiences a token without an explicit one gets. */
export function defaultAudiences(clusterDomain: string): string[] {
  return [
    `https://kubernetes.default.svc.${clusterDomain}`,
    'https://kubernetes.default.svc',
    'https://kubernetes.default',
  ];
}

/** The TokenRequests the syncer must make in the virtual cluster before translating `pod`. */
export function tokenRequests(pod: Pod, clusterDomain: string): TokenRequestSpec[] {
  const out: TokenRequestSpec[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    let index = 0;
    for (const source of volume.projected?.sources ?? []) {
      const token = source.serviceAccountToken;
      if (token === undefined) continue;
      out.push({
        key: tokenKey(volume.name, index++),
        serviceAccountName: pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default',
        audiences: token.audience ? [token.audience] : defaultAudiences(clusterDomain),
        expirationSeconds: TOKEN_EXPIRATION_SECONDS,
        boundObject: { kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
      });
    }
  }
  return out;
}

/** The host Secret holding a pod's tokens: `<pod>-sa-token` translated, Opaque, never back-synced. */
export function tokenSecretName(options: TranslateOptions, podName: string, namespace: string): string {
  return hostName(options.names, `${podName}-sa-token`, namespace);
}

export function tokenSecret(
  pod: Pod,
  tokens: Readonly<Record<string, string>>,
  options: TranslateOptions,
): Secret {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  const metadata = namespacedHostMeta(options, { name: `${name}-sa-token`, namespace }, GVK.Secret);
  metadata.annotations = { ...(metadata.annotations ?? {}), [SKIP_BACKSYNC_ANNOTATION]: 'true' };
  return { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', stringData: { ...tokens } };
}

export interface TokenProjectionOptions {
  readonly mode: 'secret' | 'annotation';
  readonly secretName: string;
  /** annotation mode: key → 8-character suffix of `vcluster.loft.sh/token-<suffix>`. */
  readonly suffixes: Readonly<Record<string, string>>;
}

/** The annotation a token is stored in (annotation mode). */
export function tokenAnnotation(suffix: string): string {
  return `${TOKEN_ANNOTATION_PREFIX}${suffix}`;
}

/** A projected volume with its token sources replaced. */
export function replaceTokenSources(
  volumeName: string,
  projected: ProjectedVolumeSource,
  options: TokenProjectionOptions,
): VolumeProjection[] {
  let index = 0;
  return (projected.sources ?? []).map((source) => {
    const token = source.serviceAccountToken;
    if (token === undefined) return source;
    const key = tokenKey(volumeName, index++);
    if (options.mode === 'secret') {
      return {
        secret: { name: options.secretName, items: [{ key, path: token.path, mode: TOKEN_FILE_MODE }] },
      };
    }
    const annotation = tokenAnnotation(options.suffixes[key] ?? key);
    return {
      downwardAPI: {
        items: [
          {
            path: token.path,
            fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${annotation}']` },
            mode: TOKEN_FILE_MODE,
          },
        ],
      },
    };
  });
}
