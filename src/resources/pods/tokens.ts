/**
 * The service-account tokens a virtual pod's projected volumes need, requested from the virtual API
 * (TokenRequest bound to the virtual pod) so the host pod can carry them (translate-parts/token.ts).
 */
import { Kinds, type Pod } from '../../k8s/types.js';
import type { SyncContext } from '../../syncer/types.js';
import { tokenRequests } from './translate.js';

export async function requestTokens(ctx: SyncContext, clusterDomain: string, virtual: Pod): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const req of tokenRequests(virtual, clusterDomain)) {
    const answer = await ctx.virtual.createSubresource<{ status?: { token?: string } }>(
      Kinds.ServiceAccount,
      { namespace: virtual.metadata?.namespace ?? 'default', name: req.serviceAccountName },
      'token',
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          audiences: req.audiences,
          expirationSeconds: req.expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', ...req.boundObject },
        },
      },
    );
    if (answer.status?.token) tokens[req.key] = answer.status.token;
  }
  return tokens;
}
