import { Badge, Button, Table, Text, toast, usePrompt } from "@medusajs/ui"
import { Fragment, useState } from "react"
import { Link, useNavigate } from "react-router-dom"
import { describeError, useApplyPreview, useSyncChanges } from "../lib/api"
import { formatCount } from "../lib/format"
import type { ChangeCounts, ChangeKind, FieldChange, ProductChangeRow, SyncRun } from "../lib/types"
import { TablePages } from "./table-pages"

const PAGE_SIZE = 20

/** The kinds of change, in the order the counts show them, with their label and badge colour. */
const KINDS: { kind: ChangeKind; label: string; color: "green" | "blue" | "red" | "grey" | "orange" | "purple" }[] = [
  { kind: "created", label: "Created", color: "green" },
  { kind: "updated", label: "Updated", color: "blue" },
  { kind: "removed", label: "Removed", color: "red" },
  { kind: "kept", label: "Kept", color: "grey" },
  { kind: "rejected", label: "Rejected", color: "orange" },
  { kind: "held", label: "Held back", color: "purple" },
]

/** A field value as the diff shows it: text as is, lists joined, images as their URLs, none as "—". */
function showValue(value: unknown): string {
  if (value === null || value === undefined || value === "") {
    return "—"
  }
  if (Array.isArray(value)) {
    return value.length ? value.map(showValue).join(", ") : "—"
  }
  if (typeof value === "object") {
    const images = value as { thumbnail?: string | null; urls?: string[] }
    const urls = [...(images.thumbnail ? [`thumbnail ${images.thumbnail}`] : []), ...(images.urls ?? [])]
    return urls.length ? urls.join(", ") : "—"
  }
  return String(value)
}

/** The field changes of one product: field, old value → new value. */
const DiffTable = ({ diff, completes, errors }: Pick<ProductChangeRow, "diff" | "completes" | "errors">) => (
  <div className="flex flex-col gap-2 px-6 py-3" data-testid="change-diff">
    {diff.length ? (
      <table className="txt-compact-small w-full table-fixed">
        <tbody>
          {diff.map((change: FieldChange) => (
            <tr key={change.field} data-testid="change-field" data-field={change.field}>
              <td className="text-ui-fg-subtle w-28 py-1 align-top capitalize">{change.field}</td>
              <td className="text-ui-fg-muted break-words py-1 align-top line-through" data-testid="change-old">
                {showValue(change.old)}
              </td>
              <td className="w-6 py-1 text-center align-top">→</td>
              <td className="text-ui-fg-base break-words py-1 align-top" data-testid="change-new">
                {showValue(change.new)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : null}
    {completes.length ? (
      <Text size="small" className="text-ui-fg-subtle">
        Completes what the product lacks: {completes.join(", ")}
      </Text>
    ) : null}
    {errors.map((error, position) => (
      <Text key={position} size="small" className="text-ui-fg-error" data-testid="change-error">
        {error.message}
      </Text>
    ))}
  </div>
)

/** Counts per kind as filter buttons: the whole list, or one kind. */
const KindFilter = ({
  counts,
  kind,
  onChange,
}: {
  counts: ChangeCounts | null
  kind: ChangeKind | null
  onChange: (kind: ChangeKind | null) => void
}) => (
  <div className="flex flex-wrap gap-2" data-testid="change-counts">
    <Button size="small" variant={kind === null ? "primary" : "secondary"} onClick={() => onChange(null)}>
      All
    </Button>
    {KINDS.map(({ kind: value, label }) => (
      <Button
        key={value}
        size="small"
        variant={kind === value ? "primary" : "secondary"}
        onClick={() => onChange(value)}
        data-testid={`change-count-${value}`}
        data-count={counts?.[value] ?? 0}
      >
        {label} <span className="tabular-nums">{formatCount(counts?.[value] ?? 0)}</span>
      </Button>
    ))}
  </div>
)

/** "Apply" on a preview that ended well and was not applied yet, with a confirmation; else the run that applies it. */
const ApplyPreview = ({ run }: { run: SyncRun }) => {
  const prompt = usePrompt()
  const navigate = useNavigate()
  const apply = useApplyPreview(run.id)
  const [failure, setFailure] = useState<string | null>(null)
  if (run.preview_applied_by) {
    return (
      <Text size="small" leading="compact" data-testid="preview-applied">
        Applied by run{" "}
        <Link
          to={`/catalog-sync/runs/${run.preview_applied_by}`}
          className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
          data-testid="preview-applied-link"
        >
          {run.preview_applied_by}
        </Link>
      </Text>
    )
  }
  if (run.status !== "success" && run.status !== "partial") {
    return null
  }
  const counts = run.change_counts
  const onApply = async () => {
    setFailure(null)
    const confirmed = await prompt({
      title: "Apply this preview?",
      description:
        `${formatCount(counts?.created ?? 0)} created, ${formatCount(counts?.updated ?? 0)} updated, ` +
        `${formatCount(counts?.removed ?? 0)} removed. The sync writes exactly these changes — or nothing, if the ` +
        "source or the store changed since the preview.",
      confirmText: "Apply",
      cancelText: "Cancel",
      variant: "confirmation",
    })
    if (!confirmed) {
      return
    }
    try {
      const { run_id } = await apply.mutateAsync()
      toast.success("Applying the preview", { description: `Run ${run_id} writes it.` })
      navigate(`/catalog-sync/runs/${run_id}`)
    } catch (error) {
      const message = describeError(error)
      setFailure(message)
      toast.error("Could not apply the preview", { description: message })
    }
  }
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button size="small" isLoading={apply.isPending} disabled={apply.isPending} onClick={() => void onApply()} data-testid="apply-preview">
        Apply
      </Button>
      {failure ? (
        <Text size="small" leading="compact" className="text-ui-fg-error" data-testid="apply-preview-error">
          {failure}
        </Text>
      ) : null}
    </div>
  )
}

/**
 * A preview's change list: the counts per kind (each a filter), "Apply", and the products 20 at a time — kind,
 * source id, title, store product — each opening its field changes (old → new), what it completes and its errors.
 */
export const PreviewChanges = ({ run }: { run: SyncRun }) => {
  const [kind, setKind] = useState<ChangeKind | null>(null)
  const [pageIndex, setPageIndex] = useState(0)
  const [open, setOpen] = useState<Set<string>>(new Set())
  const changes = useSyncChanges(run.id, kind, PAGE_SIZE, pageIndex * PAGE_SIZE)
  if (run.status === "running") {
    return (
      <Text size="small" className="text-ui-fg-subtle px-6 py-4">
        The preview is fetching and planning; its changes appear here when it ends. Nothing is written.
      </Text>
    )
  }
  const rows = changes.data?.changes ?? []
  const count = changes.data?.count ?? 0
  const keyOf = (row: ProductChangeRow) => `${row.source_id ?? "none"}:${row.product_id ?? ""}`
  return (
    <div className="flex flex-col gap-3 py-4" data-testid="preview-changes-list">
      <div className="flex flex-wrap items-center justify-between gap-3 px-6">
        <KindFilter
          counts={run.change_counts}
          kind={kind}
          onChange={(value) => {
            setKind(value)
            setPageIndex(0)
          }}
        />
        <ApplyPreview run={run} />
      </div>
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Change</Table.HeaderCell>
            <Table.HeaderCell>Source id</Table.HeaderCell>
            <Table.HeaderCell>Title</Table.HeaderCell>
            <Table.HeaderCell>Fields</Table.HeaderCell>
            <Table.HeaderCell>Store product</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {rows.map((row) => {
            const key = keyOf(row)
            const expanded = open.has(key)
            const appearance = KINDS.find((k) => k.kind === row.kind)
            return (
              <Fragment key={key}>
                <Table.Row
                  className="cursor-pointer"
                  onClick={() => {
                    const next = new Set(open)
                    if (expanded) {
                      next.delete(key)
                    } else {
                      next.add(key)
                    }
                    setOpen(next)
                  }}
                  data-testid="change-row"
                  data-kind={row.kind}
                  data-source-id={row.source_id ?? ""}
                >
                  <Table.Cell>
                    <Badge size="2xsmall" color={appearance?.color ?? "grey"}>
                      {appearance?.label ?? row.kind}
                    </Badge>
                  </Table.Cell>
                  <Table.Cell className="tabular-nums">{row.source_id ?? "—"}</Table.Cell>
                  <Table.Cell>{row.title ?? "—"}</Table.Cell>
                  <Table.Cell className="text-ui-fg-subtle">
                    {row.kind === "rejected"
                      ? `${row.errors.length} error${row.errors.length === 1 ? "" : "s"}`
                      : row.diff.map((change) => change.field).join(", ") || "—"}
                  </Table.Cell>
                  <Table.Cell>
                    {row.product_id ? (
                      <Link
                        to={`/products/${row.product_id}`}
                        onClick={(event) => event.stopPropagation()}
                        className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
                      >
                        <code className="txt-compact-xsmall">{row.product_id}</code>
                      </Link>
                    ) : (
                      "—"
                    )}
                  </Table.Cell>
                </Table.Row>
                {expanded ? (
                  <tr className="bg-ui-bg-subtle">
                    <td colSpan={5}>
                      <DiffTable diff={row.diff} completes={row.completes} errors={row.errors} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            )
          })}
        </Table.Body>
      </Table>
      <TablePages
        count={count}
        pageSize={PAGE_SIZE}
        pageIndex={pageIndex}
        pageCount={Math.ceil(count / PAGE_SIZE)}
        setPageIndex={(update) => setPageIndex(update)}
        what="products"
      />
    </div>
  )
}
