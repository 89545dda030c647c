# Policy gateway image, in two stages:
#
# - build: every dependency (binaryen's optimiser, AssemblyScript, the benchmark tools), the default
#   policy compiled and optimised into build/bundle.tar.gz (preferred by the gateway over compiling
#   policies/ at start), and deno.runtime.json: deno.json with only the imports the gateway's entry
#   points load (src/cli/runtime_imports.ts).
# - the image: Deno's official image with only those packages (versions pinned by deno.lock), the
#   sources, the bundle, run as the image's non-root `deno` user.
#
#   docker build -t policy-gateway .
#   docker run -p 8080:8080 -v gw-data:/data -e GATEWAY_KEY_SECRET=… policy-gateway
#
# Secrets come from the environment: GATEWAY_KEY_SECRET, GATEWAY_ADMIN_TOKEN, GATEWAY_JWT_KEYS,
# DATABASE_URL, REDIS_URL (or UPSTASH_REDIS_REST_TOKEN). Mount a configuration file and set
# GATEWAY_CONFIG=/config/gateway.yaml for real routes. GATEWAY_PORT (8080) is where it listens and
# what the healthcheck probes; it overrides a port in the file, and the log says so.
ARG DENO_VERSION=2.9.6

FROM denoland/deno:${DENO_VERSION} AS build
WORKDIR /app
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY . .
RUN deno task build --optimize \
  && deno run -A src/cli/runtime_imports.ts src/main.ts src/deploy.ts src/cli/keys.ts \
     src/cli/processes.ts src/engine/compile_worker.ts > deno.runtime.json

FROM denoland/deno:${DENO_VERSION}
WORKDIR /app
COPY --from=build /app/deno.runtime.json ./deno.json
COPY --from=build /app/deno.lock ./deno.lock
COPY src ./src
COPY policies ./policies
COPY schema ./schema
COPY --from=build /app/build/bundle.tar.gz ./build/bundle.tar.gz
# Only the packages the gateway loads; then every module it runs is cached (started --cached-only).
RUN deno install --entrypoint src/main.ts src/deploy.ts src/cli/keys.ts src/cli/processes.ts \
     src/engine/compile_worker.ts src/gateway/demo/serve.ts \
  && mkdir -p /data && chown deno:deno /data

USER deno
ENV GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8080 \
    GATEWAY_KEYS_DB=/data/keys.db
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD ["deno", "eval", "const p = Deno.env.get('GATEWAY_PORT') || '8080'; const r = await fetch(`http://127.0.0.1:${p}/healthz`).catch(() => null); Deno.exit(r?.ok ? 0 : 1)"]

CMD ["run", "--cached-only", "--allow-net", "--allow-read", "--allow-write=/data", "--allow-env", "--allow-sys", "--unstable-kv", "--unstable-net", "src/main.ts"]
