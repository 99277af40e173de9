/**
 * RFC 9113 §8.2-§8.3: when a request's header list (or its trailers) is malformed. Pure. A
 * malformed request is a stream error of type PROTOCOL_ERROR (§8.1.1).
 */
import type { HeaderList } from './hpack.js';

export type RequestCheck =
  | { readonly ok: true; /** The declared content-length, if any. */ readonly contentLength: number | undefined }
  | { readonly ok: false; readonly reason: string };

const REQUEST_PSEUDO = new Set([':method', ':scheme', ':path', ':authority']);
/** §8.2.2: connection-specific fields an HTTP/2 message must not carry. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function bad(reason: string): RequestCheck {
  return { ok: false, reason };
}

/** §8.2.1: field names are lower case and never empty; checks one regular field. */
function checkField(name: string, value: string): string | undefined {
  if (name === '') return 'empty header name';
  if (name !== name.toLowerCase()) return `header name ${JSON.stringify(name)} is not lower case`;
  if (CONNECTION_SPECIFIC.has(name)) return `connection-specific header ${name}`;
  if (name === 'te' && value !== 'trailers') return 'te header other than "trailers"';
  return undefined;
}

export function checkRequestHeaders(headers: HeaderList): RequestCheck {
  const seen = new Set<string>();
  let regular = false;
  let contentLength: number | undefined;
  for (const [name, value] of headers) {
    if (name.startsWith(':')) {
      if (regular) return bad(`pseudo-header ${name} after a regular header`);
      if (!REQUEST_PSEUDO.has(name)) return bad(`pseudo-header ${name} is not a request pseudo-header`);
      if (seen.has(name)) return bad(`duplicated pseudo-header ${name}`);
      seen.add(name);
      continue;
    }
    regular = true;
    const err = checkField(name, value);
    if (err !== undefined) return bad(err);
    if (name === 'content-length') {
      if (!/^\d{1,15}$/.test(value)) return bad(`invalid content-length ${JSON.stringify(value)}`);
      const n = Number(value);
      if (contentLength !== undefined && contentLength !== n) return bad('conflicting content-length values');
      contentLength = n;
    }
  }
  const method = headers.find(([n]) => n === ':method')?.[1];
  if (method === undefined) return bad('missing :method');
  if (method === 'CONNECT') {
    if (!seen.has(':authority') || seen.has(':scheme') || seen.has(':path')) return bad('malformed CONNECT request');
    return { ok: true, contentLength };
  }
  if (!seen.has(':scheme')) return bad('missing :scheme');
  const path = headers.find(([n]) => n === ':path')?.[1];
  if (path === undefined) return bad('missing :path');
  if (path === '') return bad('empty :path');
  return { ok: true, contentLength };
}

/** Trailers carry no pseudo-headers (§8.1) and follow the rules of regular fields. */
export function checkTrailers(headers: HeaderList): string | undefined {
  for (const [name, value] of headers) {
    if (name.startsWith(':')) return `pseudo-header ${name} in trailers`;
    const err = checkField(name, value);
    if (err !== undefined) return err;
  }
  return undefined;
}
