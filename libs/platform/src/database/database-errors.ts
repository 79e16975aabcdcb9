// "The database is not there" (down, restarting, unreachable) as opposed to "the query was wrong": the first is
// a 503 the caller may retry, the second a 500.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
// admin_shutdown, crash_shutdown, cannot_connect_now (starting up / recovering), too_many_connections
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// pg reports a dropped connection without a code.
const UNAVAILABLE_MESSAGE = /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Connection refused/i;

type Failure = { code?: string; message?: string; driverError?: Failure; errors?: Failure[] } | null | undefined;

export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as Failure;
  if (!e || typeof e !== 'object') return false;
  if (e.driverError && isDatabaseUnavailable(e.driverError)) return true;
  if (e.errors?.some((inner) => isDatabaseUnavailable(inner))) return true; // AggregateError of a multi-address connect
  const code = e.code ?? '';
  if (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true; // 08: connection exception
  return !code && UNAVAILABLE_MESSAGE.test(e.message ?? '');
}
