/**
 * Credentials for a bundle server, from the environment (a URL is no place for them: it is shown
 * in logs and on /readyz):
 *
 *   GATEWAY_BUNDLE_TOKEN=…                     → Authorization: Bearer …
 *   GATEWAY_BUNDLE_HEADERS='{"X-Api-Key": "…"}' → those headers (a JSON object of strings)
 *
 * Both may be set, as long as the headers do not also give Authorization. Errors name the
 * variable and the problem, never a value.
 *
 * For a bundle in S3 (or another AWS service), `policy.awsSigning` signs each request with AWS
 * Signature Version 4 from the environment's credentials, as OPA's `s3_signing.environment_credentials`
 * does: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional) and AWS_REGION
 * (unless the configuration names the region), read at each request so rotated credentials are
 * used. The signing is providers.aws.sign_req's (builtins/aws_sign.ts).
 */
import { AWS_BUILTINS } from "../builtins/aws_sign.ts";

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

export const AWS_ENV = {
  accessKey: "AWS_ACCESS_KEY_ID",
  secretKey: "AWS_SECRET_ACCESS_KEY",
  sessionToken: "AWS_SESSION_TOKEN",
  region: "AWS_REGION",
} as const;

export interface AwsSigningOptions {
  /** Default "s3". */
  service?: string;
  /** Default $AWS_REGION. */
  region?: string;
}

export type RequestSigner = (method: string, url: string, headers: Headers) => void;

/**
 * A SigV4 signer over the environment's AWS credentials. Throws CredentialsError when they are
 * missing now (a start-up error), or when they are gone at a later request (a failed fetch).
 */
export function awsSignerFromEnv(
  env: (name: string) => string | undefined,
  options: AwsSigningOptions = {},
  now: () => number = Date.now,
): RequestSigner {
  const read = () => {
    const access = env(AWS_ENV.accessKey), secret = env(AWS_ENV.secretKey);
    const region = options.region ?? env(AWS_ENV.region);
    const missing = [
      access ? null : AWS_ENV.accessKey,
      secret ? null : AWS_ENV.secretKey,
      region ? null : AWS_ENV.region,
    ].filter((n) => n !== null);
    if (missing.length > 0) throw new CredentialsError(`AWS signing needs ${missing.join(", ")}`);
    return {
      aws_access_key: access!,
      aws_secret_access_key: secret!,
      aws_region: region!,
      aws_service: options.service ?? "s3",
      aws_session_token: env(AWS_ENV.sessionToken) ?? "",
    };
  };
  read();
  const sign = AWS_BUILTINS["providers.aws.sign_req"];
  return (method, url, headers) => {
    const own: Record<string, string> = {};
    headers.forEach((value, name) => own[name] = value);
    const signed = sign({ method, url, headers: own }, read(), now() * 1_000_000) as {
      headers: Record<string, string>;
    };
    for (const [name, value] of Object.entries(signed.headers)) {
      if (name.toLowerCase() !== "host") headers.set(name, value); // fetch sets Host from the URL
    }
  };
}
