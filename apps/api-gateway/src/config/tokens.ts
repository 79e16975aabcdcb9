export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
/** The NATS client commands go through. */
export const COMMAND_CLIENT = Symbol('COMMAND_CLIENT');
