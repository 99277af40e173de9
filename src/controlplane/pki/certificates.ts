/**
 * X.509 building blocks on WebCrypto (ECDSA P-256): a CA, and leaf certificates signed by it.
 * No file I/O here; see store.ts, which loads this module only when it has something to issue
 * (reading existing certificates is inspect.ts, on node:crypto).
 */
import { webcrypto } from 'node:crypto';
import 'reflect-metadata'; // required by @peculiar/x509's dependency injection
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface KeyPairPem {
  readonly cert: string;
  readonly key: string;
}

export interface LeafSpec {
  readonly commonName: string;
  readonly organizations?: readonly string[];
  readonly usage: 'server' | 'client' | 'both';
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly validityDays: number;
}

interface Signer {
  readonly cert: x509.X509Certificate;
  readonly key: CryptoKey;
}

function subject(commonName: string, organizations: readonly string[] = []): string {
  const esc = (s: string): string => s.replace(/([,+"\\<>;=])/g, '\\$1');
  return [...organizations.map((o) => `O=${esc(o)}`), `CN=${esc(commonName)}`].join(', ');
}

function serial(): string {
  // Positive, 16 bytes.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return crypto.subtle.importKey('pkcs8', der, EC_KEY, true, ['sign']);
}

/** A new self-signed CA. */
export async function createCa(commonName: string, validityDays: number, now = new Date()): Promise<KeyPairPem> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: subject(commonName),
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + validityDays * DAY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

async function loadSigner(ca: KeyPairPem): Promise<Signer> {
  return { cert: new x509.X509Certificate(ca.cert), key: await importPrivateKey(ca.key) };
}

/** A new leaf certificate signed by `ca`. */
export async function createLeaf(ca: KeyPairPem, spec: LeafSpec, now = new Date()): Promise<KeyPairPem> {
  const signer = await loadSigner(ca);
  const keys = await newKeyPair();
  const usages: string[] = [];
  if (spec.usage !== 'client') usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (spec.usage !== 'server') usages.push(x509.ExtendedKeyUsage.clientAuth);
  const names: x509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(signer.cert.publicKey, false, crypto),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: subject(spec.commonName, spec.organizations),
      issuer: signer.cert.subject,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + spec.validityDays * DAY_MS),
      signingAlgorithm: SIGNING,
      publicKey: keys.publicKey,
      signingKey: signer.key,
      extensions,
    },
    crypto,
  );
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** A service-account signing key pair: private key (PKCS#8) and public key (SPKI), both PEM. */
export async function createServiceAccountKey(): Promise<{ readonly key: string; readonly pub: string }> {
  const keys = await newKeyPair();
  const spki = await crypto.subtle.exportKey('spki', keys.publicKey);
  return { key: await privateKeyPem(keys.privateKey), pub: x509.PemConverter.encode(spki, 'PUBLIC KEY') };
}
