/**
 * Reading existing PEM certificates with node:crypto's X509Certificate, so that reusing a PKI at
 * start does not load @peculiar/x509 (certificates.ts, ~3 MiB of heap): only issuing does.
 */
import { X509Certificate } from 'node:crypto';

/** Seconds until a PEM certificate expires (negative when expired). */
export function secondsUntilExpiry(certPem: string, now = new Date()): number {
  return Math.floor((Date.parse(new X509Certificate(certPem).validTo) - now.getTime()) / 1000);
}

/**
 * An IPv6 address in the compressed form @peculiar/x509 prints (lower case, no leading zeros, the
 * longest run of two or more zero groups — the first one on a tie — as `::`). Others unchanged.
 */
export function compressIpv6(ip: string): string {
  const groups = ip.toLowerCase().split(':');
  if (groups.length !== 8) return ip;
  const parts = groups.map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16).toString(16) : g));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < parts.length;) {
    if (parts[i] !== '0') {
      i++;
      continue;
    }
    let end = i;
    while (end < parts.length && parts[end] === '0') end++;
    if (end - i > bestLength) [bestStart, bestLength] = [i, end - i];
    i = end;
  }
  if (bestLength < 2) return parts.join(':');
  return `${parts.slice(0, bestStart).join(':')}::${parts.slice(bestStart + bestLength).join(':')}`;
}

function unquote(raw: string): string {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'string' ? parsed : raw;
  } catch {
    return raw;
  }
}

/**
 * Node's `subjectAltName` text ("DNS:a, IP Address:10.0.0.1", values with special characters as
 * JSON strings) as "DNS:x" / "IP:y" entries; other kinds keep their upper-cased name.
 */
export function parseSubjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  // Inside a JSON-quoted value commas are escaped (\u002c), so ", " only separates entries.
  for (const entry of text.split(', ')) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const kind = entry.slice(0, colon);
    const raw = entry.slice(colon + 1);
    const value = raw.startsWith('"') ? unquote(raw) : raw;
    if (kind === 'IP Address') out.push(`IP:${value.includes(':') ? compressIpv6(value) : value}`);
    else out.push(`${kind.toUpperCase()}:${value}`);
  }
  return out;
}

/** The SAN entries of a PEM certificate, as "DNS:x" / "IP:y". */
export function subjectAltNames(certPem: string): string[] {
  return parseSubjectAltNames(new X509Certificate(certPem).subjectAltName);
}
