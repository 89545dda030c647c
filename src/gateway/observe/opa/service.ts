/**
 * POSTing to an OPA-style service (decision logs, status): JSON, gzip'd, with a bearer token from
 * the environment when one is set. The URL holds no credentials (config schema), and errors name
 * it without its query (redact.ts), never the token.
 */
import { redactUrl } from "../redact.ts";

export interface ServiceTarget {
  /** The service's base URL; `resource` is appended ("/logs", "/status"). */
  url: string;
  resource: string;
  /** Bearer token, from the environment. Never logged. */
  token?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class ServiceError extends Error {
  override name = "ServiceError";
}

export function endpoint(target: Pick<ServiceTarget, "url" | "resource">): string {
  return target.url.replace(/\/+$/, "") + target.resource;
}

export async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Sends `json` gzip'd; resolves on a 2xx answer, else throws ServiceError. */
export async function postGzipJson(target: ServiceTarget, json: string): Promise<void> {
  const body = await gzip(json);
  const url = endpoint(target);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-encoding": "gzip",
    "user-agent": "policy-gateway",
  };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  let res: Response;
  try {
    res = await (target.fetch ?? fetch)(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (e) {
    throw new ServiceError(`POST ${redactUrl(url)}: ${(e as Error)?.name ?? "error"}`);
  }
  await res.body?.cancel();
  if (res.status < 200 || res.status > 299) {
    throw new ServiceError(`POST ${redactUrl(url)}: HTTP ${res.status}`);
  }
}
