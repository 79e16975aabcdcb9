// Event handlers' failures reach the JetStream transport as thrown: their message lands in the retry log line
// and in the dead-letter record (Nest's default filter replaces every error with "Internal server error").
import { Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

@Catch()
export class EventErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Events');

  catch(error: unknown): Observable<unknown> {
    this.logger.error(`event handler failed: ${(error as Error)?.stack ?? String(error)}`);
    return throwError(() => error);
  }
}
