import { Table, Text, clx } from "@medusajs/ui"
import { useState } from "react"
import { Link, useNavigate } from "react-router-dom"
import { useSyncRuns } from "../lib/api"
import { formatCount, formatDuration, formatTrigger } from "../lib/format"
import { LoadError, LoadingLines } from "./load-state"
import { RunStatusBadge } from "./run-status-badge"
import { TimeStamp } from "./time-stamp"
import { TablePages } from "./table-pages"

const PAGE_SIZE = 20

const COUNT_COLUMNS = [
  { key: "fetched", label: "Fetched" },
  { key: "created", label: "Created" },
  { key: "updated", label: "Updated" },
  { key: "unchanged", label: "Unchanged" },
  { key: "archived", label: "Archived" },
  { key: "rejected", label: "Rejected" },
] as const

/** Every run, newest first, 20 per page; a row opens the run's details. */
export const RunHistory = () => {
  const [pageIndex, setPageIndex] = useState(0)
  const navigate = useNavigate()
  const runs = useSyncRuns(PAGE_SIZE, pageIndex * PAGE_SIZE)

  if (runs.isPending) {
    return (
      <div className="px-6 py-4">
        <LoadingLines lines={6} />
      </div>
    )
  }
  if (runs.isError) {
    return (
      <div className="px-6 py-4">
        <LoadError what="the run history" error={runs.error} onRetry={() => void runs.refetch()} />
      </div>
    )
  }
  const { count } = runs.data
  if (count === 0) {
    return (
      <Text size="small" className="text-ui-fg-subtle px-6 py-4" data-testid="runs-empty">
        No runs yet. Each sync — scheduled, from Sync now, or from a webhook — will be listed here.
      </Text>
    )
  }
  const pageCount = Math.ceil(count / PAGE_SIZE)
  return (
    <div data-testid="run-history">
      <div className="overflow-x-auto">
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Started</Table.HeaderCell>
              <Table.HeaderCell>Trigger</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Duration</Table.HeaderCell>
              {COUNT_COLUMNS.map((column) => (
                <Table.HeaderCell key={column.key} className="text-right">
                  {column.label}
                </Table.HeaderCell>
              ))}
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {runs.data.runs.map((run) => (
              <Table.Row
                key={run.id}
                className="cursor-pointer"
                onClick={() => navigate(`/catalog-sync/runs/${run.id}`)}
                data-testid="run-row"
                data-run-id={run.id}
              >
                <Table.Cell className="py-2">
                  <Link to={`/catalog-sync/runs/${run.id}`} onClick={(e) => e.stopPropagation()} className="block">
                    <TimeStamp iso={run.started_at} layout="stacked" />
                  </Link>
                </Table.Cell>
                <Table.Cell>{formatTrigger(run.trigger)}</Table.Cell>
                <Table.Cell>
                  <RunStatusBadge status={run.status} />
                </Table.Cell>
                <Table.Cell className="text-right tabular-nums">
                  {run.status === "running" ? "…" : formatDuration(run.duration_seconds)}
                </Table.Cell>
                {COUNT_COLUMNS.map((column) => (
                  <Table.Cell
                    key={column.key}
                    className={clx(
                      "text-right tabular-nums",
                      column.key === "rejected" && run.rejected > 0 && "text-ui-fg-error font-medium"
                    )}
                    data-testid={`run-${column.key}`}
                  >
                    {formatCount(run[column.key])}
                  </Table.Cell>
                ))}
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </div>
      <TablePages
        count={count}
        pageSize={PAGE_SIZE}
        pageIndex={pageIndex}
        pageCount={pageCount}
        setPageIndex={setPageIndex}
        what="runs"
      />
    </div>
  )
}
