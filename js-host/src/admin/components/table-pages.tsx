import { Table } from "@medusajs/ui"
import { useState } from "react"

/** One page of a list shown `pageSize` rows at a time: the page index, its rows and the page count. */
export function usePage<T>(items: T[], pageSize: number) {
  const [pageIndex, setPageIndex] = useState(0)
  const pageCount = Math.ceil(items.length / pageSize)
  return {
    pageIndex,
    setPageIndex,
    pageCount,
    rows: items.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize),
  }
}

/**
 * Medusa UI's table pagination (Prev / Next, "1 — 20 of 45 `what`") for `count` rows shown `pageSize` at a
 * time, the current page being `pageIndex` of `pageCount`.
 */
export const TablePages = ({
  count,
  pageSize,
  pageIndex,
  pageCount,
  setPageIndex,
  what,
}: {
  count: number
  pageSize: number
  pageIndex: number
  pageCount: number
  setPageIndex: (update: (index: number) => number) => void
  what: string
}) => (
  <Table.Pagination
    count={count}
    pageSize={pageSize}
    pageIndex={pageIndex}
    pageCount={pageCount}
    canPreviousPage={pageIndex > 0}
    canNextPage={pageIndex < pageCount - 1}
    previousPage={() => setPageIndex((i) => Math.max(0, i - 1))}
    nextPage={() => setPageIndex((i) => Math.min(pageCount - 1, i + 1))}
    translations={{ of: "of", results: what, pages: "pages", prev: "Prev", next: "Next" }}
  />
)
