// A pull request nats-server let expire without its 408 status is ended by us once its expiry has passed
// and nothing arrived for a moment, instead of two missed heartbeats later.
import { endAfterExpiry } from '../src/server/end-after-expiry';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeFetch() {
  const f = { stoppedAt: null as number | null, stop: () => void (f.stoppedAt ??= Date.now()) };
  return f;
}

async function stopped(pulled: ReturnType<typeof fakeFetch>, withinMs = 3000): Promise<number> {
  const deadline = Date.now() + withinMs;
  while (pulled.stoppedAt === null && Date.now() < deadline) await sleep(5);
  if (pulled.stoppedAt === null) throw new Error('never stopped');
  return pulled.stoppedAt;
}

describe('endAfterExpiry', () => {
  it('ends a request that stays quiet past its expiry, not before', async () => {
    const pulled = fakeFetch();
    const started = Date.now();
    endAfterExpiry(pulled, 100, 50);
    expect((await stopped(pulled)) - started).toBeGreaterThanOrEqual(150);
  });

  it('waits while messages still arrive, then ends once they stop', async () => {
    const pulled = fakeFetch();
    const watchdog = endAfterExpiry(pulled, 30, 200);
    const until = Date.now() + 400;
    while (Date.now() < until) {
      watchdog.saw();
      await sleep(10);
    }
    watchdog.saw();
    const lastMessage = Date.now();
    expect(pulled.stoppedAt).toBeNull();
    expect((await stopped(pulled)) - lastMessage).toBeGreaterThanOrEqual(190);
  });

  it('waits while bytes still arrive on the connection (a message half received), for a bounded time', async () => {
    const pulled = fakeFetch();
    let bytes = 0;
    const arriving = setInterval(() => (bytes += 1000), 10);
    const started = Date.now();
    endAfterExpiry(pulled, 30, 50, () => bytes);
    await sleep(400);
    expect(pulled.stoppedAt).toBeNull(); // no complete message for 400 ms, but bytes kept coming
    clearInterval(arriving);
    const quietSince = Date.now();
    expect((await stopped(pulled)) - quietSince).toBeGreaterThanOrEqual(40);

    // Bytes that never stop (other traffic on a busy connection) hold it at most ~2 s past its expiry.
    const busy = fakeFetch();
    const traffic = setInterval(() => (bytes += 1000), 10);
    const t0 = Date.now();
    endAfterExpiry(busy, 30, 50, () => bytes);
    const ended = (await stopped(busy, 4000)) - t0;
    clearInterval(traffic);
    expect(ended).toBeGreaterThanOrEqual(2000);
    expect(ended).toBeLessThan(3000);
    expect(started).toBeLessThan(t0);
  });

  it('leaves a request alone once it ended by itself', async () => {
    const pulled = fakeFetch();
    const watchdog = endAfterExpiry(pulled, 20, 10);
    watchdog.cancel();
    await sleep(100);
    expect(pulled.stoppedAt).toBeNull();
  });
});
