/**
 * POSTs to subresources the generic client does not model: serviceaccounts/<name>/token (TokenRequest)
 * and pods/<name>/binding. Opened from the same kubeconfig as the client.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { transportFromKubeConfig, type Transport } from './transport.js';

export interface SubresourceClient {
  /** POST {body} to /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}; returns the parsed answer. */
  createCore<T>(
    resource: string,
    namespace: string,
    name: string,
    subresource: string,
    body: unknown,
  ): Promise<T>;
  close(): void;
}

export async function openSubresourceClient(kubeconfigPath: string): Promise<SubresourceClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const transport: Transport = await transportFromKubeConfig(kc);
  const enc = encodeURIComponent;
  return {
    async createCore<T>(
      resource: string,
      namespace: string,
      name: string,
      subresource: string,
      body: unknown,
    ): Promise<T> {
      const path = `/api/v1/namespaces/${enc(namespace)}/${resource}/${enc(name)}/${subresource}`;
      const res = await transport.request({ method: 'POST', path, body });
      return JSON.parse(res.body) as T;
    },
    close: () => transport.close(),
  };
}
