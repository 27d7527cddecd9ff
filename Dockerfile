# One image for both production processes: `api` and `worker` (see docker-compose.yml).
# Stage 1 builds the web console (its toolchain is in devDependencies); stage 2 carries only the
# runtime dependencies, the sources and the built console (web/dist), which the API serves at `/`.
FROM node:20-bookworm-slim AS console
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN node_modules/.bin/vite build web

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production APP_ENV=production HOST=0.0.0.0
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY . .
COPY --from=console /build/web/dist ./web/dist
USER node
EXPOSE 3000
CMD ["node_modules/.bin/tsx", "api/index.ts"]
