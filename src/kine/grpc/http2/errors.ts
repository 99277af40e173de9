/**
 * HTTP/2 protocol errors (RFC 9113 §5.4), in the project's one error family: a connection error
 * ends the connection with GOAWAY, a stream error ends one stream with RST_STREAM.
 */
import { VClusterError } from '../../../lib/errors.js';

export class Http2ConnectionError extends VClusterError {
  /** The HTTP/2 error code sent in GOAWAY (frames.ts `H2Error`). */
  readonly h2Code: number;
  constructor(h2Code: number, message: string) {
    super(message);
    this.h2Code = h2Code;
  }
}

export class Http2StreamError extends VClusterError {
  readonly h2Code: number;
  readonly streamId: number;
  constructor(streamId: number, h2Code: number, message: string) {
    super(message);
    this.h2Code = h2Code;
    this.streamId = streamId;
  }
}
