/**
 * What the PKI of one cluster holds, as file names in <data>/pki (vCluster's names), and the pure
 * description of each certificate. Pure.
 */
import { join } from 'node:path';
import type { LeafSpec } from './certificates.js';

export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;

export interface PkiSpec {
  /** The cluster's name (the vcluster name, or "host"); a SAN of the serving cert. */
  readonly name: string;
  /** @default 'cluster.local' */
  readonly clusterDomain: string;
  /** The first IP of the service CIDR (the `kubernetes` Service's ClusterIP). */
  readonly serviceIp: string;
  /** More SANs for the serving cert: DNS names or IPs. */
  readonly extraSans?: readonly string[];
}

/** The leaf certificates and the CA each is signed by; the file stem is the key. */
export type LeafName =
  | 'apiserver'
  | 'front-proxy-client'
  | 'admin'
  | 'controller-manager'
  | 'scheduler'
  | 'apiserver-kubelet-client';

export interface LeafPlan {
  readonly name: LeafName;
  readonly ca: 'ca' | 'front-proxy-ca';
  readonly spec: LeafSpec;
}

const IP_RE = /^(\d{1,3}\.){3}\d{1,3}$|:/;

export function servingSans(spec: PkiSpec): { dnsNames: string[]; ipAddresses: string[] } {
  const domain = spec.clusterDomain;
  const dns = new Set<string>([
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${domain}`,
    'localhost',
    spec.name,
  ]);
  const ips = new Set<string>(['127.0.0.1', spec.serviceIp]);
  for (const san of spec.extraSans ?? []) (IP_RE.test(san) ? ips : dns).add(san);
  return { dnsNames: [...dns], ipAddresses: [...ips] };
}

export function leafPlans(spec: PkiSpec): LeafPlan[] {
  const days = LEAF_VALIDITY_DAYS;
  return [
    { name: 'apiserver', ca: 'ca', spec: { commonName: 'kube-apiserver', usage: 'server', validityDays: days, ...servingSans(spec) } },
    { name: 'front-proxy-client', ca: 'front-proxy-ca', spec: { commonName: 'front-proxy-client', usage: 'client', validityDays: days } },
    {
      name: 'admin',
      ca: 'ca',
      spec: { commonName: 'kubernetes-super-admin', organizations: ['system:masters'], usage: 'client', validityDays: days },
    },
    {
      name: 'controller-manager',
      ca: 'ca',
      spec: { commonName: 'system:kube-controller-manager', usage: 'client', validityDays: days },
    },
    { name: 'scheduler', ca: 'ca', spec: { commonName: 'system:kube-scheduler', usage: 'client', validityDays: days } },
    // what kube-apiserver presents to kubelets (kubeadm's name); a vcluster's syncer accepts only it
    {
      name: 'apiserver-kubelet-client',
      ca: 'ca',
      spec: { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client', validityDays: days },
    },
  ];
}

/** File names inside <data>/pki. */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCaCert: 'server-ca.crt',
  serverCaKey: 'server-ca.key',
  clientCaCert: 'client-ca.crt',
  clientCaKey: 'client-ca.key',
  frontProxyCaCert: 'front-proxy-ca.crt',
  frontProxyCaKey: 'front-proxy-ca.key',
  saKey: 'sa.key',
  saPub: 'sa.pub',
  cert: (leaf: LeafName): string => `${leaf}.crt`,
  key: (leaf: LeafName): string => `${leaf}.key`,
} as const;

/** The PKI files kube-apiserver reads, as absolute paths under `dir`. */
export function apiServerPkiPaths(dir: string) {
  const at = (f: string): string => join(dir, f);
  return {
    clientCa: at(PKI_FILES.clientCaCert),
    servingCert: at(PKI_FILES.cert('apiserver')),
    servingKey: at(PKI_FILES.key('apiserver')),
    frontProxyCa: at(PKI_FILES.frontProxyCaCert),
    frontProxyClientCert: at(PKI_FILES.cert('front-proxy-client')),
    frontProxyClientKey: at(PKI_FILES.key('front-proxy-client')),
    saPub: at(PKI_FILES.saPub),
    saKey: at(PKI_FILES.saKey),
  } as const;
}

/** The client certificate kube-apiserver presents to kubelets, as absolute paths under `dir`. */
export function kubeletClientPkiPaths(dir: string): { readonly cert: string; readonly key: string } {
  return { cert: join(dir, PKI_FILES.cert('apiserver-kubelet-client')), key: join(dir, PKI_FILES.key('apiserver-kubelet-client')) };
}

/** The PKI files kube-controller-manager reads, as absolute paths under `dir`. */
export function controllerManagerPkiPaths(dir: string) {
  const at = (f: string): string => join(dir, f);
  return {
    clientCa: at(PKI_FILES.clientCaCert),
    serverCa: at(PKI_FILES.serverCaCert),
    serverCaKey: at(PKI_FILES.serverCaKey),
    frontProxyCa: at(PKI_FILES.frontProxyCaCert),
    saKey: at(PKI_FILES.saKey),
  } as const;
}
