import { Badge, Table, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { formatCount } from "../lib/format"
import type { RunError } from "../lib/types"
import { TablePages, usePage } from "./table-pages"

/** "Product 17" or "Run" for an error that is not about one product. */
function subjectOf(error: RunError): string {
  return error.source_id === null ? "Run" : `Product ${error.source_id}`
}

/**
 * The first few errors of a run, one line each, with a link to the run's page for the rest.
 * Renders nothing when the run has no errors.
 */
export const ErrorPreview = ({ runId, errors, max = 3 }: { runId: string; errors: RunError[]; max?: number }) => {
  if (!errors.length) {
    return null
  }
  return (
    <div className="flex flex-col gap-2" data-testid="error-preview">
      <Text size="small" leading="compact" weight="plus" className="text-ui-fg-error">
        {errors.length === 1 ? "1 error" : `${formatCount(errors.length)} errors`} in this run
      </Text>
      <ul className="flex flex-col gap-1.5">
        {errors.slice(0, max).map((error, index) => (
          <li key={index} className="flex items-start gap-2" data-testid="error-preview-item">
            <Badge size="2xsmall" color="red" className="shrink-0">
              {subjectOf(error)}
            </Badge>
            <Text size="small" leading="compact" className="text-ui-fg-subtle break-words">
              {error.field ? <span className="text-ui-fg-base font-medium">{error.field}: </span> : null}
              {error.message}
            </Text>
          </li>
        ))}
      </ul>
      <Link
        to={`/catalog-sync/runs/${runId}`}
        className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover txt-compact-small-plus w-fit"
        data-testid="error-preview-link"
      >
        {errors.length > max ? `See all ${formatCount(errors.length)} errors` : "See the run details"} →
      </Link>
    </div>
  )
}

const ERRORS_PAGE_SIZE = 20

/** Every error of a run (source id, field, code, message), 20 per page. */
export const ErrorsTable = ({ errors }: { errors: RunError[] }) => {
  const { pageIndex, setPageIndex, pageCount, rows: page } = usePage(errors, ERRORS_PAGE_SIZE)
  if (!errors.length) {
    return (
      <Text size="small" className="text-ui-fg-subtle px-6 py-4" data-testid="errors-empty">
        No errors: every source product was valid and saved.
      </Text>
    )
  }
  return (
    <div data-testid="errors-table">
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Source id</Table.HeaderCell>
            <Table.HeaderCell>Field</Table.HeaderCell>
            <Table.HeaderCell>Code</Table.HeaderCell>
            <Table.HeaderCell>Message</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {page.map((error, index) => (
            <Table.Row key={pageIndex * ERRORS_PAGE_SIZE + index} data-testid="error-row">
              <Table.Cell className="tabular-nums">{error.source_id ?? "—"}</Table.Cell>
              <Table.Cell>{error.field ?? "—"}</Table.Cell>
              <Table.Cell>
                <code className="txt-compact-xsmall text-ui-fg-subtle">{error.code}</code>
              </Table.Cell>
              <Table.Cell className="whitespace-normal py-2">{error.message}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      <TablePages
        count={errors.length}
        pageSize={ERRORS_PAGE_SIZE}
        pageIndex={pageIndex}
        pageCount={pageCount}
        setPageIndex={setPageIndex}
        what="errors"
      />
    </div>
  )
}
