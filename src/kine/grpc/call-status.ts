/** The gRPC status of a call that failed, shared by both transports and by unary and bidi calls. */
import { FrameError } from './framing.js';
import { ProtobufError } from './protobuf.js';
import { GrpcCode, type GrpcStatus } from './status.js';

/** The status for a failed call: framing and decoding errors as gRPC reports them, anything else through `fallback`. */
export function failure(err: unknown, fallback: (e: unknown) => GrpcStatus): GrpcStatus {
  if (err instanceof FrameError) return err.status;
  if (err instanceof ProtobufError) return { code: GrpcCode.INTERNAL, details: `grpc: error unmarshalling request: ${err.message}` };
  return fallback(err);
}
