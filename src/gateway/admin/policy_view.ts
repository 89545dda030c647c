/**
 * What `GET /admin/policy` shows of the policy in force and its reloads: the revision, where it came
 * from (URLs redacted), when it was activated, the last failure (kept after later successes) and the
 * reload counters. Built from the engine's BundleInfo and the reload manager's status.
 */
import type { BundleInfo, ReloadStatus } from "../../engine/mod.ts";
import { redactUrl, redactUrlsIn } from "../observe/redact.ts";

export interface PolicyView {
  /** The revision in force; null when no bundle was ever loaded (every request is refused). */
  revision: string | null;
  /** The configured source. */
  source: string;
  /** Where the bundle in force was loaded from (the source, or the last good copy). */
  loaded_from: string | null;
  activated_at: string | null;
  last_failure: { code: string; message: string; at: string } | null;
  /** The source's bundle is not in force: this copy is (policy.lastGoodPath). */
  last_good: { path: string; revision: string; loaded_at: string } | null;
  reloads: {
    activations: number;
    failures: number;
    last_attempt_at: string | null;
    last_success_at: string | null;
  };
}

const iso = (d: Date | null) => d === null ? null : d.toISOString();

export function policyView(source: string, bundle: BundleInfo | null, status: ReloadStatus): PolicyView {
  const failure = status.lastFailure;
  return {
    revision: bundle?.revision ?? null,
    source: redactUrl(source),
    loaded_from: bundle === null ? null : redactUrl(bundle.source),
    activated_at: iso(bundle?.loadedAt ?? null),
    last_failure: failure === null
      ? null
      : { code: failure.code, message: redactUrlsIn(failure.message), at: failure.at.toISOString() },
    last_good: status.lastGood === null ? null : {
      path: status.lastGood.path,
      revision: status.lastGood.revision,
      loaded_at: status.lastGood.loadedAt.toISOString(),
    },
    reloads: {
      activations: status.activations,
      failures: status.failures,
      last_attempt_at: iso(status.lastAttemptAt),
      last_success_at: iso(status.lastSuccessAt),
    },
  };
}
