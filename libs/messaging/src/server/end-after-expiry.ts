// A watchdog for JetStream pull requests (fetch) that expire without telling the client.

/** Quiet time past a pull request's expiry after which it is taken as ended. */
const EXPIRY_GRACE_MS = 100;
/** How long bytes still arriving on the connection keep a request open past its expiry, at most. */
const MAX_ARRIVING_MS = 2000;

/**
 * nats-server 2.9 now and then lets a pull request expire without sending its 408 status. The client then
 * waits for two missed heartbeats (another 1–1.5 s) with nothing delivered: in the churn bench every stall
 * of a second or more began so. Past its expiry a request brings nothing more, so it is ended here, once
 * the socket has been read (setImmediate runs after pending I/O) and nothing arrived for a moment.
 */
export function endAfterExpiry(
  pulled: { stop(err?: Error): void },
  expiresMs: number,
  graceMs = EXPIRY_GRACE_MS,
  /**
   * Bytes received so far on the request's connection. While they grow, a message may be half received (a
   * relay pack of pod events is up to 256 KiB): ended then, the request dropped it and the server delivered
   * it again only an ack wait (30 s) later. Counted as arriving for at most MAX_ARRIVING_MS past the expiry.
   */
  bytesIn?: () => number,
) {
  let last = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let bytes = bytesIn?.();
  const latest = Date.now() + expiresMs + MAX_ARRIVING_MS;
  const arm = (ms: number) => (timer = setTimeout(() => setImmediate(check), ms));
  const check = () => {
    if (!timer) return;
    const now = bytesIn?.();
    if (now !== bytes && Date.now() < latest) last = Date.now();
    bytes = now;
    const quiet = Date.now() - last;
    if (quiet >= graceMs) pulled.stop();
    else arm(graceMs - quiet);
  };
  arm(expiresMs + graceMs);
  return {
    saw: () => void (last = Date.now()),
    cancel: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
