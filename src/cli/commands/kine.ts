/** `vcluster kine`: the etcd v3 API over SQLite (src/kine), as its own process. */
import { Command, Option } from 'commander';
import { UsageError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import {
  DEFAULTS, KINE_TRANSPORTS, parseDuration, parseDurability, parseEndpoint, parseListenAddress, parseNonNegativeInt, parseTls, parseTransport,
  type KineOptions,
} from '../../kine/config.js';
import { startKine } from '../../kine/server/etcd-server.js';

export interface KineFlags {
  readonly endpoint: string;
  readonly listenAddress: string;
  readonly durability: string;
  readonly compactInterval: string;
  readonly compactMinRetain: string;
  readonly compactBatchSize: string;
  readonly watchProgressNotifyInterval: string;
  readonly emulatedEtcdVersion: string;
  readonly metrics: boolean;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly trustedCaFile?: string;
  readonly transport?: string;
}

/** Flags -> options; throws UsageError naming the flag. Pure. */
export function kineOptionsFromFlags(f: KineFlags): KineOptions {
  const batch = parseNonNegativeInt(f.compactBatchSize, '--compact-batch-size');
  if (batch < 10) throw new UsageError('--compact-batch-size: must be at least 10');
  if (!/^\d+\.\d+\.\d+/.test(f.emulatedEtcdVersion)) {
    throw new UsageError(`--emulated-etcd-version: expected a version such as 3.6.16, got '${f.emulatedEtcdVersion}'`);
  }
  const listen = parseListenAddress(f.listenAddress);
  const tls = parseTls(listen, f);
  const transport = parseTransport(f.transport ?? 'own');
  return {
    store: parseEndpoint(f.endpoint),
    listen,
    ...(tls === undefined ? {} : { tls }),
    ...(transport === 'own' ? {} : { transport }),
    durability: parseDurability(f.durability),
    compactIntervalMs: parseDuration(f.compactInterval, '--compact-interval'),
    compactMinRetain: parseNonNegativeInt(f.compactMinRetain, '--compact-min-retain'),
    compactBatchSize: batch,
    watchProgressNotifyIntervalMs: parseDuration(f.watchProgressNotifyInterval, '--watch-progress-notify-interval'),
    emulatedEtcdVersion: f.emulatedEtcdVersion,
    maxRequestBytes: DEFAULTS.maxRequestBytes,
  };
}

export function kineCommand(deps: { log: Logger }): Command {
  return new Command('kine')
    .description('serve the etcd v3 API (KV, Watch, Lease, Maintenance, Cluster) from a SQLite database in kine\'s schema')
    .requiredOption('--endpoint <url>', 'storage: sqlite://<dir>/state.db or postgres://<user>@<host>/<db> (?host=<socket dir> for a unix socket)')
    .option('--listen-address <addr>', 'unix://<path> or <host>:<port>', '127.0.0.1:2379')
    .addOption(
      new Option('--durability <mode>', 'SQLite synchronous mode: FULL survives power loss, NORMAL only process crashes')
        .default(DEFAULTS.durability),
    )
    .option('--compact-interval <duration>', 'compact on our own every interval (0 = leave it to kube-apiserver)', '0')
    .option('--compact-min-retain <n>', 'revisions kept by our own compaction', String(DEFAULTS.compactMinRetain))
    .option('--compact-batch-size <n>', 'revisions removed per compaction transaction', String(DEFAULTS.compactBatchSize))
    .option('--watch-progress-notify-interval <duration>', 'progress notifications for progress_notify watches', '5s')
    .option('--emulated-etcd-version <version>', 'version reported by Status (>= 3.5.13 enables watch progress requests)', DEFAULTS.emulatedEtcdVersion)
    .option('--cert-file <path>', 'TLS certificate (PEM) for the listener; required with a non-loopback TCP address')
    .option('--key-file <path>', 'TLS private key (PEM) for --cert-file')
    .option('--trusted-ca-file <path>', 'CA bundle (PEM): clients must present a certificate it signed')
    .addOption(
      new Option('--transport <name>', `HTTP/2 under gRPC (${KINE_TRANSPORTS.join(' | ')}): own = src/kine/grpc/http2, node-http2 = node:http2; for A/B measurement`)
        .default('own')
        .env('VCLUSTER_KINE_TRANSPORT'),
    )
    .option('--no-metrics', 'accepted for compatibility; kine serves no metrics endpoint')
    .action(async (flags: KineFlags) => {
      const options = kineOptionsFromFlags(flags);
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        const kine = await startKine(options, deps.log.child({ component: 'kine' }), controller.signal);
        await kine.stopped;
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
