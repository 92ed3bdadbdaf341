# The operator's oracle node (docs/OPERATORS.md, "Production install"): the same entry point as
# `npm run oracle`, oracle/dist/cli.js, on Node.js 22 with the run-time dependencies only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
# The build needs the TypeScript toolchain and types only: no install scripts (no Deno, no native builds).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY oracle ./oracle
RUN npm run build:oracle

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CASHKEY_ORACLE_HOST=0.0.0.0
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/oracle/dist ./oracle/dist
COPY oracle/functions ./oracle/functions
RUN mkdir -p data && chown node:node data
USER node
VOLUME ["/app/data"]
EXPOSE 8701
ENTRYPOINT ["node", "oracle/dist/cli.js"]
CMD ["start"]
