/**
 * The kubelet API paths the virtual kube-apiserver calls on a virtual node, and the host API
 * subresource each one becomes once the virtual pod is mapped to its host twin
 * (vcluster-behavior.md §2.6 WithFakeKubelet / WithRedirect). Pure.
 *
 *   /containerLogs/{ns}/{pod}/{container}?follow=true…  →  GET  /api/v1/namespaces/{hns}/pods/{hpod}/log?container=…
 *   /exec/{ns}/{pod}[/{uid}]/{container}?command=…&input=1… →  /api/v1/…/pods/{hpod}/exec?container=…&stdin=true…
 *   /attach/{ns}/{pod}[/{uid}]/{container}?input=1…       →  /api/v1/…/pods/{hpod}/attach?container=…
 *   /portForward/{ns}/{pod}[/{uid}]?port=80,443           →  /api/v1/…/pods/{hpod}/portforward?ports=80&ports=443
 *   /stats/summary, /healthz                                 (answered by the proxy itself)
 */

export type PodRoute =
  | { readonly kind: 'containerLogs'; readonly namespace: string; readonly pod: string; readonly container: string }
  | { readonly kind: 'exec' | 'attach'; readonly namespace: string; readonly pod: string; readonly container: string }
  | { readonly kind: 'portForward'; readonly namespace: string; readonly pod: string };

export type KubeletRoute = PodRoute | { readonly kind: 'statsSummary' } | { readonly kind: 'healthz' };

/** Whether a route is served over an upgraded connection (SPDY or WebSocket). */
export function isStreaming(route: KubeletRoute): boolean {
  return route.kind === 'exec' || route.kind === 'attach' || route.kind === 'portForward';
}

function segments(pathname: string): string[] | undefined {
  const raw = pathname.split('/').slice(1);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const out: string[] = [];
  for (const part of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (decoded === '' || decoded.includes('/') || decoded === '.' || decoded === '..') return undefined;
    out.push(decoded);
  }
  return out;
}

/** The route of a kubelet API path (no query), or undefined for a path the proxy does not serve. */
export function parseKubeletPath(pathname: string): KubeletRoute | undefined {
  if (pathname === '/healthz') return { kind: 'healthz' };
  if (pathname === '/stats/summary' || pathname === '/stats/summary/') return { kind: 'statsSummary' };
  const parts = segments(pathname);
  if (!parts || parts.length === 0) return undefined;
  const [head, namespace, pod] = parts;
  if (namespace === undefined || pod === undefined) return undefined;
  switch (head) {
    case 'containerLogs':
      return parts.length === 4 ? { kind: 'containerLogs', namespace, pod, container: parts[3]! } : undefined;
    case 'exec':
    case 'attach':
      // /exec/{ns}/{pod}/{container} or /exec/{ns}/{pod}/{uid}/{container}
      return parts.length === 4 || parts.length === 5
        ? { kind: head, namespace, pod, container: parts[parts.length - 1]! }
        : undefined;
    case 'portForward':
      return parts.length === 3 || parts.length === 4 ? { kind: 'portForward', namespace, pod } : undefined;
    default:
      return undefined;
  }
}

/** The query keys of pods/log the kubelet's /containerLogs shares with the API. */
const LOG_KEYS = ['follow', 'previous', 'timestamps', 'sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes', 'stream', 'insecureSkipTLSVerifyBackend'] as const;

/** The kubelet's stream flags (api.ExecStdinParam …) and the PodExecOptions fields they stand for. */
const STREAM_FLAGS: readonly (readonly [kubelet: string, api: string])[] = [
  ['input', 'stdin'],
  ['output', 'stdout'],
  ['error', 'stderr'],
  ['tty', 'tty'],
];

function truthy(value: string | null): boolean {
  return value !== null && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Where the host pod is: its namespace and name on the host. */
export interface HostPodRef {
  readonly namespace: string;
  readonly name: string;
}

/** The host API path and query of a pod route, for the host twin `host`. */
export function hostSubresource(route: PodRoute, query: URLSearchParams, host: HostPodRef): { path: string; query: string } {
  const base = `/api/v1/namespaces/${encodeURIComponent(host.namespace)}/pods/${encodeURIComponent(host.name)}`;
  const out = new URLSearchParams();
  switch (route.kind) {
    case 'containerLogs':
      out.set('container', route.container);
      for (const key of LOG_KEYS) for (const v of query.getAll(key)) out.append(key, v);
      return { path: `${base}/log`, query: out.toString() };
    case 'exec':
    case 'attach':
      out.set('container', route.container);
      for (const [kubelet, api] of STREAM_FLAGS) if (truthy(query.get(kubelet)) || truthy(query.get(api))) out.set(api, 'true');
      if (route.kind === 'exec') for (const c of query.getAll('command')) out.append('command', c);
      return { path: `${base}/${route.kind}`, query: out.toString() };
    case 'portForward':
      for (const v of [...query.getAll('port'), ...query.getAll('ports')]) {
        for (const p of v.split(',')) if (p.trim() !== '') out.append('ports', p.trim());
      }
      return { path: `${base}/portforward`, query: out.toString() };
  }
}
