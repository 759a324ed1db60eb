import { Text, clx } from "@medusajs/ui"
import { formatCount } from "../lib/format"
import type { SyncRun } from "../lib/types"

interface Figure {
  key: string
  label: string
  value: number
  hint: string
  tone?: "danger" | "warning"
}

/** The figures of a run worth showing: the usual six, plus deleted, stock, images and failed writes when not zero. */
function figuresOf(run: SyncRun): Figure[] {
  const figures: Figure[] = [
    { key: "synced", label: "In sync", value: run.products_synced, hint: "Products matching the source after this run (created + updated + unchanged)" },
    { key: "created", label: "Created", value: run.created, hint: "New products added to the store" },
    { key: "updated", label: "Updated", value: run.updated, hint: "Products whose data changed at the source" },
    { key: "unchanged", label: "Unchanged", value: run.unchanged, hint: "Products already up to date: nothing written" },
    { key: "archived", label: "Archived", value: run.archived, hint: "Products gone from the source, set to draft" },
    {
      key: "rejected",
      label: "Rejected",
      value: run.rejected,
      hint: "Source products with invalid data, skipped (see the errors)",
      tone: run.rejected > 0 ? "danger" : undefined,
    },
  ]
  if (run.kept > 0) {
    figures.push({ key: "kept", label: "Kept", value: run.kept, hint: "Products gone from the source, left as they are" })
  }
  if (run.deleted > 0) {
    figures.push({ key: "deleted", label: "Deleted", value: run.deleted, hint: "Products gone from the source, deleted" })
  }
  if (run.stock_levels > 0) {
    figures.push({ key: "stock", label: "Stock set", value: run.stock_levels, hint: "Stock levels of existing products set to the source stock (new products get theirs when created)" })
  }
  if (run.images_uploaded + run.images_reused > 0) {
    figures.push({
      key: "images",
      label: "Images stored",
      value: run.images_uploaded + run.images_reused,
      hint: `New images copied into the store's file storage (${run.images_uploaded} uploaded, ${run.images_reused} reused from identical files)`,
    })
  }
  if (run.failed > 0) {
    figures.push({ key: "failed", label: "Write failed", value: run.failed, hint: "Products Medusa refused to save (see the errors)", tone: "danger" })
  }
  return figures
}

/** A row of labelled figures (In sync, Created, Updated, Unchanged, Archived, Rejected, …). */
export const RunFigures = ({ run }: { run: SyncRun }) => (
  <dl className="grid grid-cols-3 gap-3 sm:grid-cols-6" data-testid="run-figures">
    {figuresOf(run).map((figure) => (
      <div
        key={figure.key}
        title={figure.hint}
        className={clx(
          "rounded-lg border px-3 py-2",
          figure.tone === "danger" ? "border-ui-tag-red-border bg-ui-tag-red-bg" : "border-ui-border-base bg-ui-bg-subtle"
        )}
        data-testid={`figure-${figure.key}`}
      >
        <Text as="span" size="xsmall" leading="compact" className="text-ui-fg-subtle block">
          {figure.label}
        </Text>
        <Text
          as="span"
          size="large"
          weight="plus"
          leading="compact"
          className={clx("block tabular-nums", figure.tone === "danger" ? "text-ui-tag-red-text" : "text-ui-fg-base")}
          data-testid={`figure-${figure.key}-value`}
        >
          {formatCount(figure.value)}
        </Text>
      </div>
    ))}
  </dl>
)
