/**
 * Credentials for a bundle server, from the environment (a URL is no place for them: it is shown
 * in logs and on /readyz):
 *
 *   GATEWAY_BUNDLE_TOKEN=…                     → Authorization: Bearer …
 *   GATEWAY_BUNDLE_HEADERS='{"X-Api-Key": "…"}' → those headers (a JSON object of strings)
 *
 * Both may be set, as long as the headers do not also give Authorization. Errors name the
 * variable and the problem, never a value.
 */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const BUNDLE_TOKEN_ENV = "GATEWAY_BUNDLE_TOKEN";
export const BUNDLE_HEADERS_ENV = "GATEWAY_BUNDLE_HEADERS";

export class CredentialsError extends Error {}

export function bundleHeadersFromEnv(env: (name: string) => string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const json = env(BUNDLE_HEADERS_ENV);
  if (json !== undefined && json !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new CredentialsError(`${BUNDLE_HEADERS_ENV} is not valid JSON`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new CredentialsError(`${BUNDLE_HEADERS_ENV} must be a JSON object of header names to strings`);
    }
    for (const [name, value] of Object.entries(parsed)) {
      if (!HEADER_NAME.test(name)) {
        throw new CredentialsError(`${BUNDLE_HEADERS_ENV}: ${JSON.stringify(name)} is not a header name`);
      }
      if (typeof value !== "string" || /[\r\n\0]/.test(value)) {
        throw new CredentialsError(`${BUNDLE_HEADERS_ENV}: the value of ${name} must be a one-line string`);
      }
      headers[name] = value;
    }
  }
  const token = env(BUNDLE_TOKEN_ENV);
  if (token !== undefined && token !== "") {
    if (Object.keys(headers).some((name) => name.toLowerCase() === "authorization")) {
      throw new CredentialsError(
        `${BUNDLE_TOKEN_ENV} and an Authorization header in ${BUNDLE_HEADERS_ENV} are both set`,
      );
    }
    if (/[\s\0]/.test(token)) {
      throw new CredentialsError(`${BUNDLE_TOKEN_ENV} must not contain spaces or newlines`);
    }
    headers["Authorization"] = `Bearer ${token}`;
  }
  return headers;
}
