// Optimistic concurrency in practice: run the whole read-decide-append in one transaction, and when another
// writer got there first (a stream version moved, a unique guard fired) read again and decide again.
import { DataSource, EntityManager } from 'typeorm';
import { WrongExpectedVersionError } from '@everynode/event-store';

const RETRYABLE_SQLSTATES = new Set(['23505', '40001', '40P01']); // unique_violation, serialization_failure, deadlock

export function isRetryableConflict(error: unknown): boolean {
  if (error instanceof WrongExpectedVersionError) return true;
  const code = (error as { code?: string; driverError?: { code?: string } })?.code ??
    (error as { driverError?: { code?: string } })?.driverError?.code;
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

export function transactionWithRetry<T>(
  dataSource: DataSource,
  work: (manager: EntityManager, attempt: number) => Promise<T>,
  attempts = 8,
): Promise<T> {
  return retryOnConflict((attempt) => dataSource.transaction((manager) => work(manager, attempt)), attempts);
}

/** The same for work that opens its own transactions (e.g. decides first, then appends a prepared plan). */
export async function retryOnConflict<T>(work: (attempt: number) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 200) * Math.random()));
    }
  }
}
