/**
 * The readable reason of a failed request: `fetch failed` and socket errors hide the reason in `cause` or
 * `code` (ECONNREFUSED, ECONNRESET…); surface it.
 *
 * @param error - what the request threw or emitted
 */
export function describeNetworkError(error: unknown): string {
  const err = error as Error & { code?: string; cause?: { code?: string; message?: string } }
  const cause = err.cause?.code ?? err.cause?.message
  if (cause) {
    return `${err.message} (${cause})`
  }
  return err.code && !err.message.includes(err.code) ? `${err.message} (${err.code})` : err.message
}
