// Placeholder while the gateway is being written; replaced by the real bootstrap.
console.error('api-gateway: not built yet');
process.exit(78);
