# Policy gateway image: Deno's official image, dependencies cached at build, the default policy
# compiled and optimised at build (build/bundle.tar.gz, which the gateway prefers over compiling
# policies/ at start; binaryen's optimiser takes ~1.5 s and makes decisions ~25% faster), run as
# the image's non-root `deno` user.
#
#   docker build -t policy-gateway .
#   docker run -p 8080:8080 -v gw-data:/data policy-gateway
#
# Secrets come from the environment: GATEWAY_KEY_SECRET, GATEWAY_ADMIN_TOKEN, GATEWAY_JWT_KEYS.
# Mount a configuration file and set GATEWAY_CONFIG=/config/gateway.yaml for real routes.
ARG DENO_VERSION=2.9.6
FROM denoland/deno:${DENO_VERSION}

WORKDIR /app

# Dependencies first, so this layer is reused until deno.json / deno.lock change.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY . .
# Compile the default policy into a bundle, and cache every module the server loads.
RUN deno task build --optimize && deno cache --frozen src/main.ts \
  && mkdir -p /data && chown deno:deno /data

USER deno
ENV GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8080 \
    GATEWAY_KEYS_DB=/data/keys.db
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8080/healthz'); Deno.exit(r.ok ? 0 : 1)"]

CMD ["run", "--cached-only", "--allow-net", "--allow-read", "--allow-write=/data", "--allow-env", "--allow-sys", "--unstable-kv", "src/main.ts"]
