/**
 * Where the server-side HMAC secret for API keys comes from:
 *
 * 1. the environment variable GATEWAY_KEY_SECRET (at least 32 bytes; used as UTF-8 text), else
 * 2. for the embedded demo, a file beside the Deno KV key store, `<store path>.secret`, created on
 *    first run with 32 random bytes (base64url, mode 0600) and reused afterwards.
 *
 * Keys hashed with one secret do not verify under another: losing the secret file (or changing the
 * variable) invalidates every key in the store. Back it up with the store, never log it.
 */
import { dirname } from "node:path";
import { KeyError } from "./errors.ts";
import { MIN_SECRET_BYTES } from "./hash.ts";

export const KEY_SECRET_ENV = "GATEWAY_KEY_SECRET";

export interface ResolvedSecret {
  secret: Uint8Array;
  source: "env" | "file" | "generated";
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)), (c) => c.charCodeAt(0));
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function secretFilePath(storePath: string): string {
  return `${storePath}.secret`;
}

export async function resolveKeySecret(opts: {
  storePath: string | null;
  env?: (name: string) => string | undefined;
}): Promise<ResolvedSecret> {
  const readEnv = opts.env ?? ((name: string) => Deno.env.get(name));
  const fromEnv = readEnv(KEY_SECRET_ENV);
  if (fromEnv !== undefined && fromEnv !== "") {
    const secret = new TextEncoder().encode(fromEnv);
    if (secret.length < MIN_SECRET_BYTES) {
      throw new KeyError(
        "key_secret_invalid",
        `${KEY_SECRET_ENV} must be at least ${MIN_SECRET_BYTES} bytes`,
      );
    }
    return { secret, source: "env" };
  }
  if (opts.storePath === null || opts.storePath === ":memory:") {
    throw new KeyError(
      "key_secret_invalid",
      `${KEY_SECRET_ENV} is not set and there is no store file beside which to keep a secret`,
    );
  }
  const path = secretFilePath(opts.storePath);
  try {
    const secret = fromBase64Url((await Deno.readTextFile(path)).trim());
    if (secret.length < MIN_SECRET_BYTES) throw new KeyError("key_secret_invalid", `${path} is too short`);
    return { secret, source: "file" };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      if (error instanceof KeyError) throw error;
      throw new KeyError("key_secret_invalid", `cannot read ${path}`, { cause: error });
    }
  }
  const secret = crypto.getRandomValues(new Uint8Array(32));
  await Deno.mkdir(dirname(path), { recursive: true });
  try {
    await Deno.writeTextFile(path, toBase64Url(secret) + "\n", { createNew: true, mode: 0o600 });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return await resolveKeySecret(opts); // lost a race
    throw new KeyError("key_secret_invalid", `cannot write ${path}`, { cause: error });
  }
  return { secret, source: "generated" };
}
