// Command handlers throw KubeStatusError; callers over NATS receive the Status object intact.
import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { internalError, KubeStatusError, serviceUnavailable } from '@everynode/contracts';
import { isDatabaseUnavailable } from '../database/database-errors';

@Catch()
export class KubeStatusRpcFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Commands');

  catch(error: unknown, _host: ArgumentsHost): Observable<unknown> {
    if (error instanceof KubeStatusError) return throwError(() => error.status);
    if (error instanceof RpcException) return throwError(() => error.getError());
    // PostgreSQL down or restarting: nothing was written (the transaction rolled back); the caller may retry.
    if (isDatabaseUnavailable(error)) {
      this.logger.warn(`command refused, the database is unavailable: ${(error as Error)?.message ?? String(error)}`);
      return throwError(() => serviceUnavailable(`the event log is not reachable (${(error as Error)?.message ?? String(error)}); try again`).status);
    }
    this.logger.error(`command failed: ${(error as Error)?.stack ?? String(error)}`);
    return throwError(() => internalError(`internal error: ${(error as Error)?.message ?? String(error)}`).status);
  }
}
