export {
  JetStreamServer,
  type JetStreamServerOptions,
  type JetStreamServerStats,
  type CommandRequest,
  type CommandReply,
} from './server/jetstream.server';
export { JetStreamContext, CommandContext } from './server/contexts';
export { ALL_EVENTS } from './server/event-handlers';
export { DEAD_LETTER_HEADERS } from './server/dead-letter';
export { JetStreamClient, request, type JetStreamClientOptions } from './client/jetstream.client';
export { Relay, type RelayOptions, type RelayStats, type RelaySource } from './relay/relay';
export { RelayCheckpoint1700000000100, RelayPublishingTo1700000000600 } from './relay/relay.migration';
export { eventMessages, decodeEventMessage, messageHeaders, type OutgoingMessage } from './relay/event-messages';
export { ensureStreams, DUPLICATE_WINDOW_MS } from './topology';
export { connectNats, natsAuthFromEnv, type NatsAuth } from './nats-connection';
