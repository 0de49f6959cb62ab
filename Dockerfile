# syntax=docker/dockerfile:1
# The bulkflow image: `bulkflow worker` by default, any bulkflow command otherwise
# (`docker run IMAGE list --json`). Two stages: the build stage compiles the TypeScript with the
# development dependencies; the runtime stage has only the production dependencies, the compiled
# dist/ and bin/, and runs as the unprivileged `node` user (uid 1000) of the official image.
# Debian, not Alpine: the Temporal worker's native bridge ships glibc builds. Node 22: the AWS SDK warns at
# start-up on anything older (its releases from January 2027 on require 22).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY common ./common
COPY csv ./csv
COPY salesforce ./salesforce
COPY storage ./storage
COPY activities ./activities
COPY workflows ./workflows
COPY worker ./worker
COPY client ./client
COPY cli ./cli
COPY emulator ./emulator
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
# The default file staging folder (.bulkflow/staging under the working directory), for runs
# without BULKFLOW_STAGING_URL; the compose file stages in S3.
RUN mkdir -p /app/.bulkflow && chown node:node /app/.bulkflow
USER node
ENTRYPOINT ["node", "/app/bin/bulkflow.js"]
CMD ["worker"]
