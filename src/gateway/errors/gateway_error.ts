import type { ReasonId } from "./reasons.ts";

/** The gateway layer's one error type: a stable reason id and an internal message (never sent). */
export class GatewayError extends Error {
  constructor(readonly reason: ReasonId, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GatewayError";
  }
}
