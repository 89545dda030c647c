/**
 * Test-only: a small HTTP front that speaks Upstash's documented REST protocol to the real Redis
 * behind it, as Upstash's own local-testing proxy does, so the REST transport (upstash.ts) is tested
 * against a real server:
 *
 * - `POST /` with the command as a JSON array (`["SET","k","v"]`), or the path form
 *   `/set/k/v` (GET or POST; a POST body is the last argument);
 * - `POST /pipeline` with an array of commands, answered by an array of results;
 * - `Authorization: Bearer <token>` (or `?_token=`), else 401;
 * - `{"result": …}` with 200, or `{"error": "…"}` with 400 when Redis answers an error;
 * - `Upstash-Encoding: base64`: every string in the result base64-encoded, except "OK".
 *
 * `freeze()` holds every answer back (a server that hangs), `cut()` stops listening (gone),
 * `restore()` undoes both on the same port.
 */
import { createClient } from "@redis/client";

type Client = ReturnType<typeof createClient>;

export class UpstashFront {
  readonly token: string;
  readonly port: number;
  readonly #redis: Client;
  #server: Deno.HttpServer<Deno.NetAddr> | null = null;
  #frozen = false;
  readonly #held = new Set<() => void>();
  /** Requests answered, for tests that count round trips. */
  requests = 0;

  private constructor(redis: Client, token: string, port: number) {
    this.#redis = redis;
    this.token = token;
    this.port = port;
  }

  /** A front on a free loopback port in front of the Redis at `redisUrl`. */
  static async start(redisUrl: string, token = crypto.randomUUID()): Promise<UpstashFront> {
    const redis = createClient({ url: redisUrl });
    redis.on("error", () => {}); // reported per command
    await redis.connect();
    const front = new UpstashFront(redis as Client, token, 0);
    front.#listen(0);
    (front as { port: number }).port = front.#server!.addr.port;
    return front;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  freeze(): void {
    this.#frozen = true;
  }

  cut(): void {
    this.#server?.shutdown();
    this.#server = null;
  }

  restore(): void {
    this.#frozen = false;
    for (const release of [...this.#held]) release();
    if (this.#server === null) this.#listen(this.port);
  }

  async close(): Promise<void> {
    this.#frozen = false;
    for (const release of [...this.#held]) release();
    await this.#server?.shutdown();
    this.#server = null;
    this.#redis.destroy();
  }

  #listen(port: number): void {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      (req) => this.#handle(req),
    );
  }

  async #handle(req: Request): Promise<Response> {
    if (this.#frozen) {
      await new Promise<void>((resolve) => {
        const release = () => {
          this.#held.delete(release);
          resolve();
        };
        this.#held.add(release);
      });
    }
    this.requests++;
    const url = new URL(req.url);
    const auth = req.headers.get("authorization");
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : url.searchParams.get("_token");
    if (token !== this.token) return json({ error: "Unauthorized" }, 401);
    if (req.method !== "GET" && req.method !== "POST") return json({ error: "Method Not Allowed" }, 405);
    const base64 = req.headers.get("upstash-encoding")?.toLowerCase() === "base64";
    const encode = (value: unknown) => base64 ? encodeStrings(value) : value;
    const body = req.method === "POST" ? await req.text() : "";

    if (url.pathname === "/pipeline") {
      const commands = parseJson(body);
      if (!Array.isArray(commands) || !commands.every(isCommand)) {
        return json({ error: "ERR bad pipeline" }, 400);
      }
      const out = [];
      for (const command of commands) {
        const r = await this.#run(command.map(String));
        out.push("error" in r ? r : { result: encode(r.result) });
      }
      return json(out, 200);
    }
    let command: string[];
    if (url.pathname === "/" || url.pathname === "") {
      const doc = parseJson(body);
      if (!isCommand(doc)) return json({ error: "ERR the body must be a JSON array of strings" }, 400);
      command = doc.map(String);
    } else {
      command = url.pathname.slice(1).split("/").map(decodeURIComponent);
      if (req.method === "POST" && body !== "") command.push(body);
    }
    const r = await this.#run(command);
    return "error" in r ? json(r, 400) : json({ result: encode(r.result) }, 200);
  }

  async #run(command: string[]): Promise<{ result: unknown } | { error: string }> {
    try {
      return { result: await this.#redis.sendCommand(command.map(String)) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }
}

function isCommand(x: unknown): x is (string | number)[] {
  return Array.isArray(x) && x.length > 0 && x.every((a) => typeof a === "string" || typeof a === "number");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function encodeStrings(value: unknown): unknown {
  if (typeof value === "string") {
    if (value === "OK") return value;
    const bytes = new TextEncoder().encode(value);
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }
  return Array.isArray(value) ? value.map(encodeStrings) : value;
}

function json(value: unknown, status: number): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}
