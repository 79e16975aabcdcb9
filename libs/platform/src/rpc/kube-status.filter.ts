// Command handlers throw KubeStatusError; callers over NATS receive the Status object intact.
import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { internalError, KubeStatusError } from '@everynode/contracts';

@Catch()
export class KubeStatusRpcFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Commands');

  catch(error: unknown, _host: ArgumentsHost): Observable<unknown> {
    if (error instanceof KubeStatusError) return throwError(() => error.status);
    if (error instanceof RpcException) return throwError(() => error.getError());
    this.logger.error(`command failed: ${(error as Error)?.stack ?? String(error)}`);
    return throwError(() => internalError(`internal error: ${(error as Error)?.message ?? String(error)}`).status);
  }
}
