import { natsAuthFromEnv } from '../src/nats-connection';

describe('NATS credentials from the environment', () => {
  it('takes a creds file, else a token, else user and password; nothing when none is set', () => {
    expect(natsAuthFromEnv({})).toBeUndefined();
    expect(natsAuthFromEnv({ NATS_USER: 'scheduler', NATS_PASSWORD: 's3' })).toEqual({ user: 'scheduler', pass: 's3' });
    expect(natsAuthFromEnv({ NATS_USER: 'scheduler', NATS_PASSWORD: 's3', NATS_TOKEN: 't' })).toEqual({ token: 't' });
    expect(natsAuthFromEnv({ NATS_TOKEN: 't', NATS_CREDS: '/etc/nats/scheduler.creds' })).toEqual({ credsFile: '/etc/nats/scheduler.creds' });
  });

  it("reads the relay's own variables under its prefix, apart from the service's", () => {
    const env = { NATS_USER: 'node-registry', NATS_PASSWORD: 'a', NATS_RELAY_USER: 'relay', NATS_RELAY_PASSWORD: 'b' };
    expect(natsAuthFromEnv(env, 'NATS_RELAY_')).toEqual({ user: 'relay', pass: 'b' });
    expect(natsAuthFromEnv({ NATS_USER: 'node-registry', NATS_PASSWORD: 'a' }, 'NATS_RELAY_')).toBeUndefined();
  });
});
