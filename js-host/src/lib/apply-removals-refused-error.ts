import { MedusaError } from "@medusajs/framework/utils"
import type { ApplyRemovalsVerdict } from "catalog-sync-core"

/** The core's refusal of an "Apply removals" request. */
type Refusal = Extract<ApplyRemovalsVerdict, { kind: "refused" }>

/**
 * The core refused to apply a run's held removals (`checkApplyRemovals`): the run held back none (400
 * `NO_HELD_REMOVALS`) or another run applies or applied them (409 `REMOVALS_ALREADY_APPLIED`).
 */
export class ApplyRemovalsRefusedError extends MedusaError {
  /** The HTTP status the route answers. */
  readonly status: number
  /** The core's stable code. */
  readonly code: Refusal["code"]

  constructor(refusal: Refusal) {
    super(refusal.status === 409 ? MedusaError.Types.CONFLICT : MedusaError.Types.INVALID_DATA, refusal.message)
    this.status = refusal.status
    this.code = refusal.code
  }
}
