// Compiled (not run) by tests/node/types.test.js: the package's declarations must type every main shape.
// Each `@ts-expect-error` fails the compile if the line it marks is NOT an error, i.e. if a type is `any`.
import {
  validateOptions, TaxonomyReader, splitBatch, writeErrorFor, summarizeRun, fetchSource, planCatalog,
  checkWebhook, webhookBodyLimit, mergeQueuedIds, StoreCheck, syncMarkers, classifyAddress, checkRunDeadline,
  ImageCopier, runTransition, runLiveness, endRun, leaseFigures, finalWriteRetryDelay, executionSite,
  writeSite, batchTake, fanOutState,
} from "catalog-sync-core";
import type { CatalogSyncError, CoreErrorCode, SyncOptions, WriteBatch, RunReport, CatalogPlan, CatalogPlanner,
  CatalogPlanSummary, RunErrorCode, SourceHost, SourceAnswer, AddressClass, RunTimeout, SyncRunStatus, RunOwner,
} from "catalog-sync-core";

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

const host: SourceHost = {
  fetchPage: async (request, limits): Promise<SourceAnswer> => {
    const kind: "page" | "product" | "categories" = request.kind;
    const signal: AbortSignal = limits.signal;
    return kind === "page" && !signal.aborted && limits.maxBytes > 0 ? { kind: "timeout" } : { kind: "body", body: request.url };
  },
  sleep: async (ms: number) => undefined,
  now: () => 0,
  onBody: (body) => {
    const kind: "page" | "product" = body.kind;
    const position: number = body.position;
    kept.push(`${kind}:${position}:${body.body}`);
  },
};
const kept: string[] = [];
// @ts-expect-error a host keeps the bodies: onBody is required
const noKeeper: SourceHost = { fetchPage: host.fetchPage, sleep: host.sleep, now: host.now };
// @ts-expect-error a source answer is one of the core's kinds
const badAnswer: SourceAnswer = { kind: "gone" };
const address: AddressClass = classifyAddress("127.0.0.1");
// @ts-expect-error an address class is one of the core's classes
const notAClass: AddressClass = "internal";
const timeout: RunTimeout | null = checkRunDeadline({ deadline: { startedAtMs: 0, runTimeoutMs: 1000 }, nowMs: 1, phase: "write" });
// @ts-expect-error the phase is one of the core's phases
checkRunDeadline({ deadline: { startedAtMs: 0, runTimeoutMs: 1000 }, nowMs: 1, phase: "lunch" });
const copier = new ImageCopier("csrun_1", options, [], []);
const hop = copier.checkHop("http://x/1.png", 0);
const checkAddress: boolean = hop.action === "request" ? hop.checkAddress : false;
copier.free();

const reader = new TaxonomyReader();
reader.readPages([]);
const taxonomy = reader.plan({ categoriesBody: null, existingCategories: [], existingTags: [] });
// @ts-expect-error the store's tags are required
new TaxonomyReader().plan({ existingCategories: [] });
const handles: string[] = taxonomy.categories.create.map((c) => c.handle);
const tagValues: string[] = taxonomy.tags.create.map((t) => t.value);

const catalogPlan: CatalogPlan = planCatalog({ options, pages: [], scope: { kind: "targeted", productIds: [3] },
  categories: [], tags: [], owned: [], takenHandles: [], salesChannelId: null });
// @ts-expect-error scope is required
planCatalog({ options, pages: [], categories: [], tags: [], owned: [], takenHandles: [], salesChannelId: null });
const summary: CatalogPlanSummary = catalogPlan.summary();
const outline: Array<["create" | "update" | "complete" | "archive" | "delete" | "stock", number, Array<number | null>]> =
  summary.batches.map((b) => [b.kind, b.len, b.sourceIds]);
const batchCount: number = catalogPlan.batchCount;
const batchTexts: string[] = summary.batches.map((_, i) => catalogPlan.batchJson(i));
const pulled: WriteBatch[] = batchTexts.map((text) => JSON.parse(text) as WriteBatch);
// @ts-expect-error batchJson hands over text, not a batch
const notABatch: WriteBatch = catalogPlan.batchJson(0);
// @ts-expect-error the summary has no batch contents
summary.batches[0].products;
// @ts-expect-error planCatalog takes a PlanInput
planCatalog({ options });
catalogPlan.free();
const batches: WriteBatch[] = pulled.flatMap((batch) => splitBatch(batch));
const titles: string[] = pulled.flatMap((b) => (b.kind === "create" ? b.products.map((p) => p.title) : []));
const messages: string[] = batches.length ? writeErrorFor({ batch: batches[0], message: "refused" }).map((e) => e.message) : [];
// @ts-expect-error writeErrorFor needs Medusa's message
writeErrorFor({ batch: batches[0] });
const report: RunReport = summarizeRun({ plan: summary, results: [], fetch: { requests: 0, retries: 0, pagesTotal: 0, pagesFetched: 0 } });
const status: "success" | "partial" | "failed" = report.status;
const runCode: RunErrorCode = summary.errors.length ? summary.errors[0].code : "INVALID_FIELD";
// @ts-expect-error a run error's code is one of the core's codes, not any string
const notARunCode: RunErrorCode = "NOT_A_CODE";
const { externalIdPrefix } = syncMarkers();

const verdict = checkWebhook({ secret: null, headers: { "x-webhook-timestamp": "1", "set-cookie": ["a"] },
  body: new Uint8Array(0), bodyLength: 0, nowSeconds: 1 });
const answer: number | number[] = verdict.kind === "refused" ? verdict.status : verdict.productIds;
// @ts-expect-error a refusal has no productIds
verdict.productIds;
const limit: number = webhookBodyLimit();
const queued: number[] = mergeQueuedIds({ queued: [1], incoming: [2] });
// @ts-expect-error both lists are required
mergeQueuedIds({ queued: [1] });
const check = new StoreCheck({ currencyCode: "usd", salesChannelId: null, scope: { kind: "full" } }, "[]", "[]");
const suspects: string[] = check.summary().suspectProductIds;
const doomed: string[] = check.readSuspects({ productIds: suspects, rows: [] }).incompleteProductIds;
// @ts-expect-error the scope is required
new StoreCheck({ currencyCode: "usd", salesChannelId: null }, "[]", "[]");
const planner: CatalogPlanner = check.planner({ options, scope: { kind: "full" }, categories: [], tags: [], owned: [],
  takenHandles: [], salesChannelId: null });
const wanted: string[] = planner.finishReading();
const windowCount: number = (planner.summary().windows ?? []).length;
// @ts-expect-error planWindow takes the window's bodies
planner.planWindow(0, 5);
planner.free();

const reached: SyncRunStatus = runTransition({ kind: "finish", outcome: "success" }).to;
// @ts-expect-error a run cannot finish as queued
runTransition({ kind: "finish", outcome: "queued" });
const runOwner: RunOwner = { host: "h", pid: 1, boot: "b", mode: "worker" };
const verdict2 = runLiveness({ owner: runOwner, heartbeatAtMs: 0, nowMs: 1, thisBoot: "x", heldHere: false });
const leaseEnd: number | null = verdict2.kind === "live" ? verdict2.leaseEndsAtMs : null;
// @ts-expect-error the worker mode is a closed set
runLiveness({ owner: { ...runOwner, mode: "cluster" }, heartbeatAtMs: 0, nowMs: 1, thisBoot: "x", heldHere: false });
const endMessage: string | null = endRun({ kind: "failed", message: null }).errorMessage;
const leaseMs: number = leaseFigures().leaseMs;
const retryIn: number | null = finalWriteRetryDelay(1);
const site: "thisProcess" | "workers" = executionSite("server");
const writes: "thisProcess" | "workers" = writeSite("worker");
const take = batchTake({ published: true, recorded: false, runWriting: true, claim: null, nowMs: 0, thisBoot: "x", heldHere: false });
const observedBoot: string | null = take.kind === "take" ? (take.observed?.claimer.boot ?? null) : null;
// @ts-expect-error a claim names its claimer as a run owner
batchTake({ published: true, recorded: false, runWriting: true, claim: { claimer: "w", heartbeatAtMs: 0 }, nowMs: 0, thisBoot: "x", heldHere: false });
const fanOut = fanOutState({ batches: [], fullLook: true, lastFullLookMs: 0, nowMs: 0, thisBoot: "x", heldHere: [], closing: false });
const republish: number[] = fanOut.republish;
const changedSinceMs: number | null = fanOut.nextLook.kind === "changedSince" ? fanOut.nextLook.sinceMs : null;
// @ts-expect-error a look says whether it read every row
fanOutState({ batches: [], lastFullLookMs: 0, nowMs: 0, thisBoot: "x", heldHere: [], closing: false });

// A host's own answer type comes back with each body, typed.
type StampedAnswer = SourceAnswer & { receivedAtMs: number };
const stampedHost: SourceHost<StampedAnswer> = {
  ...host,
  fetchPage: async (request) => ({ kind: "body", body: request.url, receivedAtMs: 1 }),
  onBody: (body, answer) => {
    const receivedAtMs: number = answer.receivedAtMs;
    kept.push(`${body.position}@${receivedAtMs}`);
  },
};
const stampedHosts: SourceHost<StampedAnswer>[] = [stampedHost];
// @ts-expect-error a host typed with its answers resolves fetchPage with them
stampedHosts.push({ ...stampedHost, fetchPage: async () => ({ kind: "timeout" as const }) });

async function collect(): Promise<number> {
  const fetched = await fetchSource({ options, scope: { kind: "full" }, runId: "csrun_1", startedAtMs: 0 }, host);
  await fetchSource({ options, scope: { kind: "full" }, runId: "csrun_2", startedAtMs: 0 }, stampedHost);
  // @ts-expect-error fetchPage must resolve with a source answer
  await fetchSource({ options, scope: { kind: "full" }, runId: "csrun_1", startedAtMs: 0 }, { ...host, fetchPage: async () => 42 });
  // @ts-expect-error the bodies went to onBody, not into the result
  fetched.pages;
  return kept.length + fetched.notFoundIds.length;
}

function codeOf(error: unknown): CoreErrorCode {
  return (error as CatalogSyncError).code;
}
const refusedCode: CoreErrorCode | null = verdict.kind === "refused" ? verdict.code : null;
// @ts-expect-error a thrown error's code is one of the core's codes, not any string
const notACode: CatalogSyncError["code"] = "NOT_A_CODE";

export const used = [pageSize, notAString, badAnswer, address, notAClass, timeout, checkAddress, handles, tagValues, titles, messages, status, collect, codeOf,
  outline, pulled, batchCount, batchTexts, notABatch, fromEnv, answer, limit, queued, doomed, wanted, windowCount, runCode, notARunCode,
  externalIdPrefix, refusedCode, notACode, reached, leaseEnd, endMessage, leaseMs, retryIn, site,
  writes, observedBoot, republish, changedSinceMs];
