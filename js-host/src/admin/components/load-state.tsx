import { Alert, Button, Skeleton, Text } from "@medusajs/ui"
import { describeError } from "../lib/api"

/** Grey placeholder lines while data loads. */
export const LoadingLines = ({ lines = 3 }: { lines?: number }) => (
  <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading" data-testid="loading">
    {Array.from({ length: lines }, (_, i) => (
      <Skeleton key={i} className={i === 0 ? "h-5 w-1/3" : "h-4 w-full"} />
    ))}
  </div>
)

/** A failed load: what went wrong, in words, and a Retry button. */
export const LoadError = ({ what, error, onRetry }: { what: string; error: unknown; onRetry: () => void }) => (
  <Alert variant="error" data-testid="load-error">
    <div className="flex flex-col gap-2">
      <Text size="small" leading="compact">
        Could not load {what}. {describeError(error)}
      </Text>
      <Button size="small" variant="secondary" className="w-fit" onClick={onRetry}>
        Retry
      </Button>
    </div>
  </Alert>
)
