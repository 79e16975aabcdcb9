# One image for every everynode service; docker-compose.yml picks the app with `command`.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/examples ./examples
# The gRPC API loads its .proto files at run time.
COPY --from=build /app/libs/contracts/proto ./libs/contracts/proto
RUN mkdir -p /app/.everynode && chown node /app/.everynode
USER node
CMD ["node", "dist/apps/scheduler/main.js"]
