/**
 * Test-only: the real Redis the distributed tests talk to (127.0.0.1:6379, or $REDIS_URL), a
 * unique key prefix per test, and stand-ins for a broken server. A test using `testRedis()` fails
 * with a clear message when Redis is unreachable: these tests never skip.
 */
import { RedisConnection } from "../connection.ts";
import { UpstashFront } from "./upstash_front.ts";
import { redactRedisUrl, REDIS_DEFAULTS, type RedisSettings, resolveRedisSettings } from "../config.ts";

/** Settings for the test server with a fresh key prefix; fails loudly when Redis is unreachable. */
export async function testRedis(over: Partial<RedisSettings> = {}): Promise<RedisSettings> {
  const settings: RedisSettings = {
    ...resolveRedisSettings(undefined),
    // Generous on a loaded CI machine; the timeout tests set their own.
    commandTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    keyPrefix: `test:${crypto.randomUUID()}:`,
    ...over,
  };
  let probe: RedisConnection | null = null;
  try {
    probe = await RedisConnection.connect(settings);
    await probe.ping();
  } catch (e) {
    throw new Error(
      `Redis is unreachable at ${redactRedisUrl(settings.url)} (${(e as Error).message}). ` +
        "These tests need a real Redis: start redis-server on 127.0.0.1:6379 (.ci/run does) or set REDIS_URL.",
    );
  } finally {
    await probe?.close();
  }
  return settings;
}

/** A loopback port nothing listens on (bound, then released). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export function settingsAt(port: number, over: Partial<RedisSettings> = {}): RedisSettings {
  return {
    url: `redis://127.0.0.1:${port}`,
    ...REDIS_DEFAULTS,
    keyPrefix: `test:${crypto.randomUUID()}:`,
    ...over,
  };
}

/**
 * A TCP proxy in front of the real Redis, to break it on demand: `freeze()` holds back every reply
 * (a server that hangs), `cut()` drops every connection and stops listening (a server that is
 * gone), `restore()` brings it back on the same port.
 */
export class FlakyProxy {
  readonly port: number;
  readonly #target: { hostname: string; port: number };
  #listener: Deno.Listener | null = null;
  #frozen = false;
  readonly #conns = new Set<Deno.Conn>();
  readonly #tasks = new Set<Promise<void>>();

  private constructor(target: { hostname: string; port: number }, listener: Deno.Listener) {
    this.#target = target;
    this.port = (listener.addr as Deno.NetAddr).port;
    this.#serve(listener);
  }

  /** `base` (the test Redis's settings) reached through this proxy, with a command deadline. */
  settings(base: RedisSettings, commandTimeoutMs = 50): RedisSettings {
    return { ...base, url: this.url(base.url), commandTimeoutMs };
  }

  /** A proxy to the server of `url` (the test Redis). */
  static start(url: string): FlakyProxy {
    const u = new URL(url);
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    return new FlakyProxy({ hostname: u.hostname, port: Number(u.port || 6379) }, listener);
  }

  /** The test Redis' URL (its user and password kept) pointed at this proxy. */
  url(of: string): string {
    const u = new URL(of);
    u.hostname = "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  freeze(): void {
    this.#frozen = true;
  }

  cut(): void {
    this.#listener?.close();
    this.#listener = null;
    this.#dropAll();
  }

  restore(): void {
    this.#frozen = false;
    if (this.#listener === null) this.#serve(Deno.listen({ hostname: "127.0.0.1", port: this.port }));
  }

  async close(): Promise<void> {
    this.cut();
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
  }

  #serve(listener: Deno.Listener): void {
    this.#listener = listener;
    this.#track((async () => {
      try {
        for await (const client of listener) this.#track(this.#pipe(client));
      } catch {
        // listener closed
      }
    })());
  }

  async #pipe(client: Deno.Conn): Promise<void> {
    let server: Deno.Conn;
    try {
      server = await Deno.connect(this.#target);
    } catch {
      client.close();
      return;
    }
    this.#conns.add(client).add(server);
    const relay = async (from: Deno.Conn, to: Deno.Conn, replies: boolean) => {
      const buf = new Uint8Array(16 * 1024);
      try {
        for (let n = await from.read(buf); n !== null; n = await from.read(buf)) {
          if (replies && this.#frozen) continue; // swallowed: the client waits forever
          let off = 0;
          while (off < n) off += await to.write(buf.subarray(off, n));
        }
      } catch {
        // either side closed
      }
      this.#close(from);
      this.#close(to);
    };
    await Promise.all([relay(client, server, false), relay(server, client, true)]);
  }

  #dropAll(): void {
    for (const c of [...this.#conns]) this.#close(c);
  }

  #close(conn: Deno.Conn): void {
    if (!this.#conns.delete(conn)) return;
    try {
      conn.close();
    } catch {
      // already closed
    }
  }

  #track(task: Promise<void>): void {
    this.#tasks.add(task);
    task.finally(() => this.#tasks.delete(task));
  }
}

/**
 * Settings for the REST transport through a fresh UpstashFront to the test Redis (fresh key
 * prefix); `close()` stops the front.
 */
export async function testUpstash(
  over: Partial<RedisSettings> = {},
): Promise<{ settings: RedisSettings; front: UpstashFront; close(): Promise<void> }> {
  const base = await testRedis();
  const front = await UpstashFront.start(base.url);
  const settings: RedisSettings = { ...base, url: front.url, restToken: front.token, ...over };
  return { settings, front, close: () => front.close() };
}
