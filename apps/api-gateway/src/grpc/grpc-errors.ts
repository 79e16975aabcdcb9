// Every refusal leaves as a gRPC status whose code matches the Kubernetes Status it started as; the
// Status itself travels in the trailing metadata `everynode-status-bin`, so clients keep its reason,
// field causes and details.
import { Metadata, status as Code, type StatusObject } from '@grpc/grpc-js';
import { failure, internalError, isKubeStatus, KubeStatusError } from '@everynode/contracts';
import type { KubeStatus } from '@everynode/contracts';

export const STATUS_METADATA_KEY = 'everynode-status-bin';

export type GrpcStatusError = Error & Pick<StatusObject, 'code' | 'details' | 'metadata'>;

export function grpcCodeOf(status: KubeStatus): Code {
  switch (status.code) {
    case 400:
    case 415:
    case 422:
      return Code.INVALID_ARGUMENT;
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.NOT_FOUND;
    case 405:
    case 501:
      return Code.UNIMPLEMENTED;
    case 409:
      // AlreadyExists is a create that lost; Conflict is a stale resourceVersion (retry after re-reading).
      return status.reason === 'AlreadyExists' ? Code.ALREADY_EXISTS : Code.ABORTED;
    case 410:
      return Code.FAILED_PRECONDITION;
    case 413:
    case 429:
      return Code.RESOURCE_EXHAUSTED;
    case 503:
      return Code.UNAVAILABLE;
    case 504:
      return Code.DEADLINE_EXCEEDED;
    default:
      return Code.INTERNAL;
  }
}

export function statusToGrpcError(status: KubeStatus): GrpcStatusError {
  const metadata = new Metadata();
  metadata.set(STATUS_METADATA_KEY, Buffer.from(JSON.stringify(status), 'utf8'));
  return Object.assign(new Error(status.message), { code: grpcCodeOf(status), details: status.message, metadata });
}

/** Any failure as a gRPC status: a Kubernetes Status keeps its meaning, anything else is INTERNAL. */
export function toGrpcError(error: unknown): GrpcStatusError {
  if (error instanceof KubeStatusError) return statusToGrpcError(error.status);
  if (isKubeStatus(error)) return statusToGrpcError(error);
  const message = (error as Error)?.message ?? String(error);
  return statusToGrpcError(internalError(`an error on the server ("${message}") has prevented the request from succeeding`).status);
}

export const unauthenticated = (message = 'Unauthorized: send "authorization: Bearer <token>" metadata') =>
  new KubeStatusError(failure(401, 'Unauthorized', message));

export const forbidden = (user: string, method: string) =>
  new KubeStatusError(failure(403, 'Forbidden', `user "${user}" (viewer) cannot call ${method}: it needs the admin role`));

export const invalidArgument = (message: string, field?: string) =>
  new KubeStatusError(failure(400, 'BadRequest', message, field ? { causes: [{ reason: 'FieldValueInvalid', message, field }] } : undefined));

export function required(value: string, field: string): string {
  if (!value) throw invalidArgument(`${field}: Required value`, field);
  return value;
}

/** The Kubernetes Status a client received in the trailers, if the server sent one. */
export function statusFromMetadata(metadata: Metadata | undefined): KubeStatus | undefined {
  const value = metadata?.get(STATUS_METADATA_KEY)[0];
  return value ? (JSON.parse(Buffer.from(value).toString('utf8')) as KubeStatus) : undefined;
}
