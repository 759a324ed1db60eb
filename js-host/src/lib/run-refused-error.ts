import { MedusaError } from "@medusajs/framework/utils"
import type { CoreErrorCode } from "catalog-sync-core"

/** A core verdict that refuses an operator's request about a run: its HTTP status, stable code and message. */
export interface RunRefusal {
  status: number
  code: CoreErrorCode
  message: string
}

/**
 * The core refused an operator's request about a run (applying a preview, stopping a run): the route answers the
 * verdict's status with `{ code, message }`.
 */
export class RunRequestRefusedError extends MedusaError {
  /** The HTTP status the route answers. */
  readonly status: number
  /** The core's stable code. */
  readonly code: CoreErrorCode

  constructor(refusal: RunRefusal) {
    super(refusal.status === 409 ? MedusaError.Types.CONFLICT : MedusaError.Types.INVALID_DATA, refusal.message)
    this.status = refusal.status
    this.code = refusal.code
  }
}
