'use strict';
/**
 * A small client for the Medusa admin API of a running store: login, JSON requests with the bearer token,
 * paging helpers, and the catalog-sync routes (trigger a run, wait for it).
 * Plain Node (global fetch); used by the e2e tests, the demo and the benchmark.
 */

/** Fields requested for every product: everything the sync writes, plus updated_at. */
const PRODUCT_FIELDS = [
  'id', 'title', 'handle', 'description', 'status', 'external_id', 'thumbnail', 'discountable',
  'weight', 'width', 'height', 'length', 'metadata', 'created_at', 'updated_at', 'deleted_at',
  '*images', '*tags', '*categories', '*sales_channels', '*options', '*options.values',
  '*variants', '*variants.prices', '*variants.options',
  'variants.inventory_items.inventory_item_id',
  'variants.inventory_items.required_quantity',
  'variants.inventory_items.inventory.id',
  'variants.inventory_items.inventory.sku',
  'variants.inventory_items.inventory.location_levels.location_id',
  'variants.inventory_items.inventory.location_levels.stocked_quantity',
].join(',');

/** An HTTP error from the admin API, carrying the status and the parsed body. */
class AdminApiError extends Error {
  /**
   * @param {string} method
   * @param {string} path
   * @param {number} status
   * @param {unknown} body
   */
  constructor(method, path, status, body) {
    super(`${method} ${path} -> HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`.slice(0, 2000));
    this.status = status;
    this.body = body;
  }
}

/** Sleeps for ms milliseconds. */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logged-in admin API client for one Medusa server. */
class MedusaAdmin {
  /** @param {string} baseUrl e.g. http://127.0.0.1:9000 */
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = null;
  }

  /** Logs in with email/password (`POST /auth/user/emailpass`) and keeps the token. */
  async login(email, password) {
    const res = await this.raw('POST', '/auth/user/emailpass', { email, password }, { auth: false });
    if (res.status !== 200 || !res.body || typeof res.body.token !== 'string') {
      throw new AdminApiError('POST', '/auth/user/emailpass', res.status, res.body);
    }
    this.token = res.body.token;
    return this;
  }

  /**
   * Sends a request and returns `{ status, body }` whatever the status (body parsed as JSON when it is JSON).
   * @param {string} method
   * @param {string} path starting with /
   * @param {unknown} [body]
   * @param {{ auth?: boolean, timeoutMs?: number }} [opts]
   */
  async raw(method, path, body, opts = {}) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    let parsed = text;
    if ((res.headers.get('content-type') || '').includes('json') && text) {
      try { parsed = JSON.parse(text); } catch { parsed = text; }
    }
    return { status: res.status, body: parsed };
  }

  /** GET returning the JSON body; throws AdminApiError unless 2xx. */
  async get(path) {
    const res = await this.raw('GET', path);
    if (res.status < 200 || res.status > 299) throw new AdminApiError('GET', path, res.status, res.body);
    return res.body;
  }

  /** POST returning the JSON body; throws AdminApiError unless 2xx. */
  async post(path, body = {}) {
    const res = await this.raw('POST', path, body);
    if (res.status < 200 || res.status > 299) throw new AdminApiError('POST', path, res.status, res.body);
    return res.body;
  }

  /**
   * Reads every row of a paged admin list route (`{ <key>: [...], count }`).
   * @param {string} path route with its query string (without limit/offset)
   * @param {string} key the array's key in the answer, e.g. "products"
   */
  async listAll(path, key, pageSize = 200) {
    const rows = [];
    const sep = path.includes('?') ? '&' : '?';
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.get(`${path}${sep}limit=${pageSize}&offset=${offset}`);
      rows.push(...page[key]);
      if (page[key].length < pageSize || rows.length >= page.count) return rows;
    }
  }

  /** Every product (any status) with the fields the sync writes. */
  products(fields = PRODUCT_FIELDS) {
    return this.listAll(`/admin/products?fields=${encodeURIComponent(fields)}&order=id`, 'products');
  }

  /** Every product category. */
  categories() {
    return this.listAll('/admin/product-categories?fields=id,name,handle,is_active,is_internal,updated_at', 'product_categories');
  }

  /** `GET /admin/sync/status`. */
  syncStatus() {
    return this.get('/admin/sync/status');
  }

  /** `POST /admin/sync/trigger` → `{ status, body }` (202 or 409). */
  triggerRaw() {
    return this.raw('POST', '/admin/sync/trigger', {});
  }

  /** Triggers a sync and returns its run id; throws unless 202. */
  async trigger() {
    const res = await this.triggerRaw();
    if (res.status !== 202 || !res.body || typeof res.body.run_id !== 'string') {
      throw new AdminApiError('POST', '/admin/sync/trigger', res.status, res.body);
    }
    return res.body.run_id;
  }

  /** `POST /admin/sync/runs/:id/apply-removals` ("Apply removals") → `{ status, body }` (202, 400, 404 or 409). */
  applyRemovals(id) {
    return this.raw('POST', `/admin/sync/runs/${encodeURIComponent(id)}/apply-removals`, {});
  }

  /** `GET /admin/sync/runs/:id` → the run. */
  async run(id) {
    return (await this.get(`/admin/sync/runs/${encodeURIComponent(id)}`)).run;
  }

  /** `GET /admin/sync/runs?limit&offset`. */
  runs(limit = 20, offset = 0) {
    return this.get(`/admin/sync/runs?limit=${limit}&offset=${offset}`);
  }

  /**
   * Polls a run until it has ended (it is no longer `queued` or `running`).
   * @param {string} id
   * @param {{ timeoutMs?: number, intervalMs?: number, onProgress?: (run: object) => void }} [opts]
   */
  async waitForRun(id, opts = {}) {
    const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
    let networkFailures = 0;
    for (;;) {
      let run;
      try {
        run = await this.run(id);
        networkFailures = 0;
      } catch (error) {
        // A poll that failed at the network level (`fetch failed`: e.g. a keep-alive socket the server closed while
        // a long synchronous step held its event loop) is tried again, up to 20 times in a row and until the deadline.
        networkFailures += 1;
        if (!(error instanceof TypeError) || networkFailures > 20 || Date.now() > deadline) throw error;
        await sleep(Math.max(opts.intervalMs ?? 100, 500));
        continue;
      }
      if (run.status !== 'running' && run.status !== 'queued') return run;
      if (opts.onProgress) opts.onProgress(run);
      if (Date.now() > deadline) throw new Error(`run ${id} still running after ${opts.timeoutMs ?? 300_000} ms: ${JSON.stringify(run.progress)}`);
      await sleep(opts.intervalMs ?? 100);
    }
  }

  /** Triggers a sync, waits for it and returns the finished run. */
  async sync(opts) {
    return this.waitForRun(await this.trigger(), opts);
  }
}

/** Resolves once `GET /health` answers 200, or throws after timeoutMs. */
async function waitForHealth(baseUrl, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`${baseUrl}/health did not answer within ${timeoutMs} ms`);
    await sleep(250);
  }
}

module.exports = { MedusaAdmin, AdminApiError, PRODUCT_FIELDS, waitForHealth, sleep };
