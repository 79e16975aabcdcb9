import { Metadata, status as Code } from '@grpc/grpc-js';
import { alreadyExists, conflict, failure, internalError, notFound, serviceUnavailable } from '@everynode/contracts';
import { grpcCodeOf, statusFromMetadata, toGrpcError, unauthenticated } from './grpc-errors';

describe('Kubernetes Status → gRPC status', () => {
  it.each([
    [400, 'BadRequest', Code.INVALID_ARGUMENT],
    [422, 'Invalid', Code.INVALID_ARGUMENT],
    [401, 'Unauthorized', Code.UNAUTHENTICATED],
    [403, 'Forbidden', Code.PERMISSION_DENIED],
    [404, 'NotFound', Code.NOT_FOUND],
    [409, 'AlreadyExists', Code.ALREADY_EXISTS],
    [409, 'Conflict', Code.ABORTED],
    [410, 'Expired', Code.FAILED_PRECONDITION],
    [429, 'TooManyRequests', Code.RESOURCE_EXHAUSTED],
    [500, 'InternalError', Code.INTERNAL],
    [503, 'ServiceUnavailable', Code.UNAVAILABLE],
    [504, 'Timeout', Code.DEADLINE_EXCEEDED],
  ])('%i %s → %s', (code, reason, expected) => {
    expect(grpcCodeOf(failure(code, reason, 'x'))).toBe(expected);
  });

  it('keeps the whole Status in the trailers, whether thrown as an error or sent as a plain object', () => {
    for (const thrown of [notFound('daemonsets.apps', 'liberator'), notFound('daemonsets.apps', 'liberator').status]) {
      const error = toGrpcError(thrown);
      expect(error).toMatchObject({ code: Code.NOT_FOUND, details: 'daemonsets.apps "liberator" not found' });
      expect(statusFromMetadata(error.metadata)).toEqual(notFound('daemonsets.apps', 'liberator').status);
    }
    expect(toGrpcError(alreadyExists('nodes', 'a')).code).toBe(Code.ALREADY_EXISTS);
    expect(toGrpcError(conflict('nodes', 'a', 'stale')).code).toBe(Code.ABORTED);
    expect(toGrpcError(serviceUnavailable('later')).code).toBe(Code.UNAVAILABLE);
    expect(toGrpcError(unauthenticated()).code).toBe(Code.UNAUTHENTICATED);
  });

  it('answers anything else as INTERNAL, with a Status still', () => {
    const error = toGrpcError(new Error('boom'));
    expect(error.code).toBe(Code.INTERNAL);
    expect(statusFromMetadata(error.metadata)).toMatchObject({ code: 500, reason: internalError('').status.reason });
    expect(error.details).toContain('boom');
  });

  it('reads no Status from trailers without one', () => {
    expect(statusFromMetadata(new Metadata())).toBeUndefined();
  });
});
