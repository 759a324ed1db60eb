import { Badge, Button, Table, Text, toast, usePrompt } from "@medusajs/ui"
import { useState } from "react"
import { Link, useNavigate } from "react-router-dom"
import { describeError, useApplyRemovals } from "../lib/api"
import { formatCount } from "../lib/format"
import type { HeldRemoval, SyncRun } from "../lib/types"
import { TablePages, usePage } from "./table-pages"

const PAGE_SIZE = 20

/** "3 products will be deleted and 2 set to draft." */
function consequences(removals: HeldRemoval[]): string {
  const deleted = removals.filter((removal) => removal.action === "delete").length
  const drafted = removals.length - deleted
  const parts = [
    deleted ? `${formatCount(deleted)} product${deleted === 1 ? "" : "s"} will be deleted` : null,
    drafted ? `${formatCount(drafted)} product${drafted === 1 ? "" : "s"} will be set to draft` : null,
  ].filter((part): part is string => part !== null)
  return `${parts.join(" and ")}.`
}

/** The held removals, 20 per page: source id, the store product, and what applying does to it. */
const HeldRemovalsTable = ({ removals }: { removals: HeldRemoval[] }) => {
  const { pageIndex, setPageIndex, pageCount, rows: page } = usePage(removals, PAGE_SIZE)
  return (
    <div data-testid="held-removals-table">
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Source id</Table.HeaderCell>
            <Table.HeaderCell>Store product</Table.HeaderCell>
            <Table.HeaderCell>Action</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {page.map((removal) => (
            <Table.Row key={removal.product_id} data-testid="held-removal-row" data-source-id={removal.source_id}>
              <Table.Cell className="tabular-nums">{removal.source_id}</Table.Cell>
              <Table.Cell>
                <Link to={`/products/${removal.product_id}`} className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover">
                  <code className="txt-compact-xsmall">{removal.product_id}</code>
                </Link>
              </Table.Cell>
              <Table.Cell>
                <Badge size="2xsmall" color={removal.action === "delete" ? "red" : "orange"} data-testid="held-removal-action">
                  {removal.action === "delete" ? "Delete" : "Set to draft"}
                </Badge>
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      <TablePages
        count={removals.length}
        pageSize={PAGE_SIZE}
        pageIndex={pageIndex}
        pageCount={pageCount}
        setPageIndex={setPageIndex}
        what="products"
      />
    </div>
  )
}

/**
 * The removals the guard held back in a run (a source that suddenly listed far fewer products): how many, why
 * (the run's REMOVALS_HELD_BACK message), the list with each product's action, and "Apply removals", which
 * asks for a confirmation and then starts a run applying exactly that set — or, once used, the run that
 * applied them. Renders nothing for a run that held nothing back.
 */
export const HeldRemovals = ({ run }: { run: SyncRun }) => {
  const prompt = usePrompt()
  const navigate = useNavigate()
  const apply = useApplyRemovals(run.id)
  const [failure, setFailure] = useState<string | null>(null)
  const removals = run.held_removals
  if (!removals.length) {
    return null
  }
  const why = run.errors.find((error) => error.code === "REMOVALS_HELD_BACK")?.message

  const onApply = async () => {
    setFailure(null)
    const confirmed = await prompt({
      title: `Apply ${formatCount(removals.length)} held-back removal${removals.length === 1 ? "" : "s"}?`,
      description:
        `${consequences(removals)} Only products the source still does not have, and that are unchanged in the ` +
        "store, are removed; the others are skipped and named in the new run.",
      confirmText: "Apply removals",
      cancelText: "Cancel",
      variant: "danger",
    })
    if (!confirmed) {
      return
    }
    try {
      const { run_id } = await apply.mutateAsync()
      toast.success("Removals are being applied", { description: `Run ${run_id} applies them.` })
      navigate(`/catalog-sync/runs/${run_id}`)
    } catch (error) {
      const message = describeError(error)
      setFailure(message)
      toast.error("Could not apply the removals", { description: message })
    }
  }

  return (
    <div className="flex flex-col gap-3 px-6 py-4" data-testid="held-removals" data-count={removals.length}>
      <Text size="small" leading="compact" className="text-ui-fg-subtle" data-testid="held-removals-why">
        {why ?? `${formatCount(removals.length)} products missing upstream were not removed.`}
      </Text>
      <div className="flex flex-wrap items-center gap-3">
        {run.removals_applied_by ? (
          <Text size="small" leading="compact" data-testid="held-removals-applied">
            Applied by run{" "}
            <Link
              to={`/catalog-sync/runs/${run.removals_applied_by}`}
              className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
              data-testid="held-removals-applied-link"
            >
              {run.removals_applied_by}
            </Link>
          </Text>
        ) : (
          <Button
            size="small"
            variant="danger"
            isLoading={apply.isPending}
            disabled={apply.isPending}
            onClick={() => void onApply()}
            data-testid="apply-removals"
          >
            Apply removals
          </Button>
        )}
        {failure ? (
          <Text size="small" leading="compact" className="text-ui-fg-error" data-testid="apply-removals-error">
            {failure}
          </Text>
        ) : null}
      </div>
      <HeldRemovalsTable removals={removals} />
    </div>
  )
}
