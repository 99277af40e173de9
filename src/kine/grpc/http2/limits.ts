/** The bounds one HTTP/2 connection enforces on its peer, with their defaults. */

export interface H2Limits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS we advertise; a stream beyond it is refused (REFUSED_STREAM). @default 1000 */
  readonly maxConcurrentStreams: number;
  /** Streams the peer may reset, or that we must refuse or reset for it, in a burst (rapid reset). @default 500 */
  readonly resetBurst: number;
  /** ... refilled at this rate per second; beyond it: GOAWAY ENHANCE_YOUR_CALM. @default 100 */
  readonly resetsPerSecond: number;
  /** PING and SETTINGS acknowledgements waiting to be written; beyond it: GOAWAY ENHANCE_YOUR_CALM. @default 1000 */
  readonly maxPendingControlFrames: number;
  /** CONTINUATION frames in one header block. @default 256 */
  readonly maxContinuationFrames: number;
  /** Bytes in the socket's write buffer at which we stop producing DATA for the peer (it is not reading). @default 1 MiB */
  readonly writeHighWaterBytes: number;
  /** Bytes queued for a peer that is not reading (our queues + the socket's buffer) at which it is dropped; also the queued bytes beyond which new streams are refused. @default 16 MiB */
  readonly maxQueuedBytes: number;
  /** Bytes queued across all of a server's connections beyond which paused peers are dropped and peers with queued bytes get no new stream. @default 64 MiB */
  readonly maxServerQueuedBytes: number;
  /** How long a peer may leave our writes stalled before it is dropped. @default 30 s */
  readonly slowReaderTimeoutMs: number;
  /** How long queued DATA may wait for a WINDOW_UPDATE: then the stream is reset (CANCEL), or for the connection window the peer is dropped (GOAWAY ENHANCE_YOUR_CALM). 0: never. @default 30 s */
  readonly flowControlStallMs: number;
  /** Time for the client preface and its first SETTINGS frame. @default 10 s */
  readonly prefaceTimeoutMs: number;
  /** A connection with no open stream and no frame received for this long is closed (GOAWAY NO_ERROR). 0: never. @default 5 min */
  readonly idleTimeoutMs: number;
  /** Receive window we grant each stream (SETTINGS_INITIAL_WINDOW_SIZE); DATA beyond it is a FLOW_CONTROL_ERROR. @default 1 MiB */
  readonly streamWindowBytes: number;
  /** Receive window we grant the connection (at least 65535). @default 16 MiB */
  readonly connectionWindowBytes: number;
  /** Largest decoded header list accepted (SETTINGS_MAX_HEADER_LIST_SIZE). @default 1 MiB */
  readonly maxHeaderListBytes: number;
}

export const DEFAULT_H2_LIMITS: H2Limits = {
  maxConcurrentStreams: 1000,
  resetBurst: 500,
  resetsPerSecond: 100,
  maxPendingControlFrames: 1000,
  maxContinuationFrames: 256,
  writeHighWaterBytes: 1 << 20,
  maxQueuedBytes: 16 << 20,
  maxServerQueuedBytes: 64 << 20,
  slowReaderTimeoutMs: 30_000,
  flowControlStallMs: 30_000,
  prefaceTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
  streamWindowBytes: 1 << 20,
  connectionWindowBytes: 16 << 20,
  maxHeaderListBytes: 1 << 20,
};
