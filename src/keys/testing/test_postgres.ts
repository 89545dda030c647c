/**
 * Test-only: the real PostgreSQL the key-store tests talk to (127.0.0.1:5432, user postgres, or
 * $TEST_DATABASE_URL), with a fresh schema per test so parallel runs never meet. A test using
 * `testPostgres()` fails with a clear message when the server is unreachable: these tests never skip.
 */
import postgres from "postgres";
import { POSTGRES_DEFAULTS, type PostgresSettings } from "../postgres/settings.ts";

export const TEST_DATABASE_URL = Deno.env.get("TEST_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

/** Settings on a schema no one else uses; `drop()` removes it with everything in it. */
export async function testPostgres(
  over: Partial<PostgresSettings> = {},
): Promise<{ settings: PostgresSettings; drop(): Promise<void> }> {
  const schema = `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const settings: PostgresSettings = {
    ...POSTGRES_DEFAULTS,
    url: TEST_DATABASE_URL,
    schema,
    // Generous on a loaded CI machine; the timeout tests set their own.
    queryTimeoutMs: 5000,
    ...over,
  };
  const admin = postgres(TEST_DATABASE_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`SELECT 1`;
  } catch (e) {
    throw new Error(
      `PostgreSQL is unreachable at 127.0.0.1:5432 (${(e as Error).message}). These tests need a real ` +
        "PostgreSQL: .ci/run starts one, or set TEST_DATABASE_URL.",
    );
  } finally {
    await admin.end({ timeout: 1 });
  }
  return {
    settings,
    async drop() {
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${settings.schema}" CASCADE`);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  };
}
