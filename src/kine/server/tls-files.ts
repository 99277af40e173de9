/** Reads the listener's TLS files (PEM) named by `--cert-file/--key-file/--trusted-ca-file`. */
import { readFileSync } from 'node:fs';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import type { KineTlsFiles } from '../config.js';
import type { GrpcTlsOptions } from '../grpc/grpc-server.js';

function read(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new VClusterError(`kine: read ${flag} ${path}`, { cause: err, code: ErrorCode.PRECONDITION });
  }
}

export function readTls(files: KineTlsFiles): GrpcTlsOptions {
  const cert = read(files.certFile, '--cert-file');
  const key = read(files.keyFile, '--key-file');
  if (files.trustedCaFile === undefined) return { cert, key };
  return { cert, key, ca: read(files.trustedCaFile, '--trusted-ca-file') };
}
