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

export async function transactionWithRetry<T>(
  dataSource: DataSource,
  work: (manager: EntityManager, attempt: number) => Promise<T>,
  attempts = 8,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction((manager) => work(manager, attempt));
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 200) * Math.random()));
    }
  }
}
