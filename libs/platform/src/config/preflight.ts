// Reachability checks run before a service starts, so the first message a user sees says what to start or set.
import { createConnection } from 'node:net';

function reachable(host: string, port: number, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (error: string | null) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done('timed out'));
    socket.once('connect', () => done(null));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

export async function checkPostgres(databaseUrl: string): Promise<void> {
  const u = new URL(databaseUrl);
  const error = await reachable(u.hostname, Number(u.port || 5432));
  if (error) {
    throw new Error(
      `Cannot reach PostgreSQL at ${u.hostname}:${u.port || 5432} (${error}). ` +
        `Start it (e.g. pg_ctlcluster 15 main start), or set DATABASE_URL=postgres://USER@HOST:PORT/DB.`,
    );
  }
}

export async function checkNats(natsUrl: string): Promise<void> {
  const u = new URL(natsUrl);
  const error = await reachable(u.hostname, Number(u.port || 4222));
  if (error) {
    throw new Error(
      `Cannot reach NATS at ${u.hostname}:${u.port || 4222} (${error}). ` +
        `Start it with JetStream (nats-server -js), or set NATS_URL=nats://HOST:PORT.`,
    );
  }
}
