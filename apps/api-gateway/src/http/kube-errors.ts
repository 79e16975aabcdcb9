// Every failure leaves as a Kubernetes Status object with the HTTP code it carries: kubectl prints its
// message (`Error from server (NotFound): ...`). Unknown paths answer like the API server does.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { failure, internalError, KubeStatusError } from '@everynode/contracts';
import type { KubeStatus } from '@everynode/contracts';
import type { HttpRequest, HttpResponse } from './http-types';
import { sendJson } from './respond';

export const notFoundPath = () => new KubeStatusError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));

export function statusOf(error: unknown): KubeStatus | null {
  if (error instanceof KubeStatusError) return error.status;
  if (error instanceof HttpException) {
    const code = error.getStatus();
    if (code === 404) return notFoundPath().status;
    if (code === 413) return failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    if (code < 500) return failure(code, 'BadRequest', error.message);
  }
  return null;
}

@Catch()
export class KubeErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<HttpResponse>();
    const req = host.switchToHttp().getRequest<HttpRequest>();
    let status = statusOf(error);
    if (!status) {
      this.logger.error(`${req.method} ${req.originalUrl} failed: ${(error as Error)?.stack ?? String(error)}`);
      status = internalError(`an error on the server ("${(error as Error)?.message ?? 'unknown'}") has prevented the request from succeeding`).status;
    }
    if (res.headersSent) {
      res.end(); // a watch already streaming: nothing sensible left to send
      return;
    }
    sendJson(res, status.code, status);
  }
}

/** 422 with field causes: `Node "n" is invalid: metadata.labels: Invalid value: ...`. */
export function invalid(kind: string, name: string, causes: { field: string; message: string }[], group?: string): KubeStatusError {
  const lines = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return new KubeStatusError(
    failure(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field })),
    }),
  );
}

/** A value from a request body, printable whatever it is (`String({toString: {}})` throws). */
export const shown = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));

/** A body whose metadata.name differs from the URL's. */
export const nameMismatch = (inBody: unknown, inUrl: string) =>
  new KubeStatusError(failure(400, 'BadRequest', `the name of the object (${shown(inBody)}) does not match the name on the URL (${inUrl})`));
