/** The single error type of the keys layer (stores, key management, secrets). Codes are stable ids. */

export type KeyErrorCode =
  | "key_not_found"
  | "key_revoked"
  | "key_already_rotated"
  | "key_invalid_input"
  | "key_secret_invalid"
  | "key_store_failed"
  /** The store did not answer (unreachable, or past its deadline): fail closed. */
  | "key_store_unavailable";

export class KeyError extends Error {
  constructor(readonly code: KeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeyError";
  }
}
