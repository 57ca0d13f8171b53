# syntax=docker/dockerfile:1
# One image for every role of the stack (api, worker, migrate): only the command differs.
ARG NODE_IMAGE=node:20-bookworm-slim

# Compile TypeScript (dev dependencies needed here only).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json knexfile.ts ./
COPY scripts/copy-assets.mjs ./scripts/
COPY src ./src
COPY jobs ./jobs
COPY migrations ./migrations
COPY seeds ./seeds
RUN npm run build

# Production dependencies only, installed from the same lock file.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: the service never writes its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# 3000: the API (PORT); 9100: a worker's metrics (WORKER_METRICS_PORT).
EXPOSE 3000 9100
CMD ["node", "dist/src/server.js"]
