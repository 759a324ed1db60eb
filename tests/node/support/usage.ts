// Compiled (not run) by tests/node/types.test.js: the package's declarations must type every main shape.
// Each `@ts-expect-error` fails the compile if the line it marks is NOT an error, i.e. if a type is `any`.
import {
  validateOptions, firstPageRequest, planRemainingPages, readPageHeader, decideRetry, planCategories, planTags,
  planSync, planSyncJson, splitBatch, writeErrorFor, summarizeRun, verifyWebhookSignature, parseWebhookBody,
  collectPages, productRequests, categoriesRequest, planCatalog, checkWebhook, webhookBodyLimit, mergeQueuedIds,
  readSnapshot,
} from "catalog-sync-core";
import type { CatalogSyncError, SyncOptions, SyncPlan, WriteBatch, RunReport, RetryDecision, CatalogPlan,
  CatalogPlanSummary } from "catalog-sync-core";

const options: SyncOptions = validateOptions({ pageSize: 30, schedule: false, onMissing: "keep" });
// @ts-expect-error onMissing is a closed set
validateOptions({ onMissing: "archive" });
declare const environmentSecret: string | undefined;
const fromEnv: string | null = validateOptions({}, { webhookSecret: environmentSecret }).webhookSecret;
// @ts-expect-error the fallbacks are typed
validateOptions({}, { webhookSecret: 5 });
const pageSize: number = options.pageSize;
// @ts-expect-error the result is typed, not any
const notAString: string = options.pageSize;

const first = firstPageRequest(options);
const kind: "page" | "product" | "categories" = first.kind;
const header = readPageHeader("{}");
const rest = planRemainingPages({ options, total: header.total, firstPageCount: header.count });
// @ts-expect-error firstPageCount is required
planRemainingPages({ options, total: 1 });
const urls: string[] = [...rest, ...productRequests({ options, productIds: [1] }), categoriesRequest(options)].map((r) => r.url);

const decision: RetryDecision = decideRetry({ attempt: 1, maxRetries: 4, seed: 1, nowMs: 0, url: first.url,
  outcome: { kind: "http", status: 503, retryAfter: null } });
const delay: number = decision.action === "retry" ? decision.delayMs : 0;

const categories = planCategories({ pages: [], existing: [] });
const handles: string[] = categories.create.map((c) => c.handle);
const tagValues: string[] = planTags({ pages: [], existing: [] }).create.map((t) => t.value);

const plan: SyncPlan = planSync({ options, pages: [], scope: { kind: "full" }, categories: [], tags: [], owned: [],
  takenHandles: [], salesChannelId: null });
// @ts-expect-error scope is required
planSync({ options, pages: [], categories: [], tags: [], owned: [], takenHandles: [], salesChannelId: null });
const text: string = planSyncJson({ options, pages: [], scope: { kind: "targeted", productIds: [3] }, categories: [],
  tags: [], owned: [], takenHandles: [], salesChannelId: null });
const batches: WriteBatch[] = plan.batches.flatMap((batch) => splitBatch(batch));
const catalogPlan: CatalogPlan = planCatalog({ options, pages: [], scope: { kind: "full" }, categories: [], tags: [],
  owned: [], takenHandles: [], salesChannelId: null });
const summary: CatalogPlanSummary = catalogPlan.summary();
const outline: Array<["create" | "update" | "archive" | "delete" | "stock", number, Array<number | null>]> =
  summary.batches.map((b) => [b.kind, b.len, b.sourceIds]);
const pulled: WriteBatch[] = summary.batches.map((_, i) => catalogPlan.batch(i));
const batchCount: number = catalogPlan.batchCount;
const batchTexts: string[] = summary.batches.map((_, i) => catalogPlan.batchJson(i));
// @ts-expect-error a batch is typed, not any
const notABatch: string = catalogPlan.batch(0);
// @ts-expect-error the summary has no batch contents
summary.batches[0].products;
// @ts-expect-error planCatalog takes a PlanInput
planCatalog({ options });
catalogPlan.free();
const titles: string[] = plan.batches.flatMap((b) => (b.kind === "create" ? b.products.map((p) => p.title) : []));
const messages: string[] = batches.length ? writeErrorFor({ batch: batches[0], message: "refused" }).map((e) => e.message) : [];
const report: RunReport = summarizeRun({ plan, results: [], fetch: { requests: 0, retries: 0, pagesTotal: 0, pagesFetched: 0 } });
const fromSummary: RunReport = summarizeRun({ plan: summary, results: [], fetch: { requests: 0, retries: 0, pagesTotal: 0, pagesFetched: 0 } });
const status: "success" | "partial" | "failed" = report.status;

verifyWebhookSignature({ secret: "s", timestamp: "1", signature: "00", body: new Uint8Array(0), nowSeconds: 1 });
const ids: number[] = parseWebhookBody(new Uint8Array(0)).productIds;
const verdict = checkWebhook({ secret: null, headers: { "x-webhook-timestamp": "1", "set-cookie": ["a"] },
  body: new Uint8Array(0), bodyLength: 0, nowSeconds: 1 });
const answer: number | number[] = verdict.kind === "refused" ? verdict.status : verdict.productIds;
// @ts-expect-error a refusal has no productIds
verdict.productIds;
const limit: number = webhookBodyLimit();
const queued: number[] = mergeQueuedIds({ queued: [1], incoming: [2] });
// @ts-expect-error both lists are required
mergeQueuedIds({ queued: [1] });
const doomed: string[] = readSnapshot({ rows: [], currencyCode: "usd", salesChannelId: null, scope: { kind: "full" } })
  .incompleteProductIds;
// @ts-expect-error the scope is required
readSnapshot({ rows: [], currencyCode: "usd", salesChannelId: null });

async function collect(): Promise<number> {
  const collected = await collectPages(options, async (request) => request.url);
  // @ts-expect-error fetchPage must resolve with a string
  await collectPages(options, async () => 42);
  return collected.pages.length;
}

function codeOf(error: unknown): string {
  return (error as CatalogSyncError).code;
}

export const used = [pageSize, notAString, kind, urls, delay, handles, tagValues, text, titles, messages, status, ids, collect, codeOf,
  outline, pulled, batchCount, batchTexts, fromSummary, notABatch, fromEnv, answer, limit, queued, doomed];
