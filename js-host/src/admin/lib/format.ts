/**
 * Formatting of times, durations and figures for the catalog-sync admin, in the browser's locale.
 */

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" })
const shortFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" })
const numberFormat = new Intl.NumberFormat()
const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })

/** "28 Nov 2026, 14:32:10" */
export function formatDateTime(iso: string): string {
  return absoluteFormat.format(new Date(iso))
}

/** "Nov 28, 14:32" (chart axes). */
export function formatShortDateTime(iso: string): string {
  return shortFormat.format(new Date(iso))
}

/** "just now", "45 seconds ago", "5 minutes ago", "yesterday", … relative to `now` (ms). */
export function formatRelative(iso: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 10) {
    return "just now"
  }
  if (abs < 60) {
    return relativeFormat.format(seconds, "second")
  }
  if (abs < 3600) {
    return relativeFormat.format(Math.round(seconds / 60), "minute")
  }
  if (abs < 86400) {
    return relativeFormat.format(Math.round(seconds / 3600), "hour")
  }
  return relativeFormat.format(Math.round(seconds / 86400), "day")
}

/** "850 ms", "1.4 s", "2 min 5 s", "1 h 2 min"; "—" when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return "—"
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`
  }
  if (seconds < 60) {
    return `${rateFormat.format(seconds)} s`
  }
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) {
    return `${minutes} min ${Math.round(seconds % 60)} s`
  }
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** "1,234" */
export function formatCount(value: number): string {
  return numberFormat.format(value)
}

/** "123.4 products/s"; "—" when unknown. */
export function formatRate(perSecond: number | null | undefined): string {
  return perSecond === null || perSecond === undefined ? "—" : `${rateFormat.format(perSecond)} products/s`
}

const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 2 })

/** "20%" for 0.2. */
export function formatPercent(share: number): string {
  return percentFormat.format(share)
}

/** "Scheduled", "Manual" (Sync now), "Webhook", "Apply removals". */
export function formatTrigger(trigger: string): string {
  switch (trigger) {
    case "schedule":
      return "Scheduled"
    case "manual":
      return "Manual"
    case "webhook":
      return "Webhook"
    case "apply_removals":
      return "Apply removals"
    case "preview":
      return "Preview"
    case "apply_preview":
      return "Apply preview"
    default:
      return trigger
  }
}

/** "products 12, 13 and 40"; long lists end with "and N more". */
export function formatProductIds(ids: number[], shown = 10): string {
  const listed = ids.slice(0, shown).join(", ")
  if (ids.length > shown) {
    return `products ${listed} and ${formatCount(ids.length - shown)} more`
  }
  return ids.length === 1 ? `product ${listed}` : `products ${listed}`
}

/** What a run is doing in a phase, in words. */
export function formatPhase(phase: string): string {
  const phases: Record<string, string> = {
    starting: "Starting",
    store: "Preparing the store",
    fetch: "Fetching products from the source",
    taxonomy: "Reconciling categories and tags",
    images: "Copying images into file storage",
    snapshot: "Reading the store's synced products",
    repair: "Repairing interrupted writes",
    plan: "Planning changes",
    write: "Writing products",
    check: "Checking the source and the store against the preview",
    changes: "Storing the change list",
    stock: "Setting stock levels",
    done: "Finishing",
  }
  return phases[phase] ?? phase
}
