import { Text } from "@medusajs/ui"
import { formatCount, formatPhase } from "../lib/format"
import type { RunProgress } from "../lib/types"

/** One labelled progress bar; without a total it shows the count alone. */
const ProgressBar = ({ label, done, total, testId }: { label: string; done: number; total: number | null; testId: string }) => {
  const percent = total ? Math.min(100, Math.round((done / total) * 100)) : null
  return (
    <div className="flex flex-col gap-1" data-testid={testId}>
      <div className="flex items-center justify-between">
        <Text size="small" leading="compact" className="text-ui-fg-subtle">
          {label}
        </Text>
        <Text size="small" leading="compact" weight="plus" className="tabular-nums" data-testid={`${testId}-text`}>
          {total === null ? `${formatCount(done)} so far` : `${formatCount(done)} of ${formatCount(total)}`}
        </Text>
      </div>
      <div
        className="bg-ui-bg-component h-1.5 w-full overflow-hidden rounded-full"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={done}
      >
        <div
          className={percent === null ? "bg-ui-tag-blue-icon h-full w-1/4 animate-pulse rounded-full" : "bg-ui-tag-blue-icon h-full rounded-full transition-[width] duration-500"}
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
    </div>
  )
}

/** Live progress of a running sync: the phase, pages fetched of total, products written of planned. */
export const RunProgressBars = ({ progress }: { progress: RunProgress | null }) => {
  const current = progress ?? { phase: "starting", pages_fetched: 0, pages_total: null, products_written: 0, products_planned: null }
  return (
    <div className="flex flex-col gap-3" data-testid="run-progress">
      <Text size="small" leading="compact" weight="plus" data-testid="run-phase">
        {formatPhase(current.phase)}…
      </Text>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <ProgressBar label="Pages fetched" done={current.pages_fetched} total={current.pages_total} testId="progress-pages" />
        <ProgressBar
          label="Products written"
          done={current.products_written}
          total={current.products_planned}
          testId="progress-products"
        />
      </div>
    </div>
  )
}
