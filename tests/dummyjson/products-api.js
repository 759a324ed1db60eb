'use strict';
/**
 * The /products routes with the real DummyJSON semantics (ported from Ovi/DummyJSON
 * src/middleware/clean-request.js, src/controllers/product.js and src/utils/util.js):
 * - limit defaults to 30, skip to 0; both are validated with `!isNaN(Number(x))` then parseInt'ed;
 * - skip applies only when > 0; limit 0 or a limit above the remaining items returns everything;
 * - the returned `limit` is the number of items returned, `skip` is the parsed skip;
 * - select keeps `id` plus the named top-level keys; sortBy/order sort a copy (default order: asc);
 * - search lowercases q, turns "-" into " " and matches title or description.
 * Handlers are pure: they return `{ status, body, list }` and never throw on bad data.
 */
const { categoryName } = require('./catalog');

/** Error carrying an HTTP status, answered as `{ message }` (like the real APIError). */
class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const isNumber = (v) => !Number.isNaN(Number(v));

/** Reads a query parameter like Express' qs parser: undefined, a string, or an array when repeated. */
function queryValue(params, name) {
  const values = params.getAll(name).concat(params.getAll(`${name}[]`));
  if (values.length === 0) return undefined;
  return values.length === 1 && !params.has(`${name}[]`) ? values[0] : values;
}

/**
 * Parses and validates the query string exactly like the real clean-request middleware.
 * @param {URLSearchParams} params
 * @returns {{ limit: number, skip: number, delay: number, select: string[]|null, q: string, sortBy?: string, order?: string }}
 * @throws {ApiError} 400 with the real messages
 */
function parseOptions(params) {
  const limit = queryValue(params, 'limit') ?? 30;
  const skip = queryValue(params, 'skip') ?? 0;
  const delay = queryValue(params, 'delay');
  const sortBy = queryValue(params, 'sortBy');
  let select = queryValue(params, 'select');
  let order = queryValue(params, 'order');
  let q = queryValue(params, 'q');
  if (q === undefined && params.has('q[valueSearch]')) q = params.get('q[valueSearch]');

  if (!isNumber(limit)) throw new ApiError("Invalid 'limit' - must be a number", 400);
  if (!isNumber(skip)) throw new ApiError("Invalid 'skip' - must be a number", 400);

  let searchQuery = '';
  if (typeof q === 'string') searchQuery = q.trim().toLowerCase().split('-').join(' ');
  else if (q) throw new ApiError("Invalid 'q' - must be a string", 400);

  if (delay) {
    if (!isNumber(delay)) throw new ApiError('Delay must be a number in milliseconds', 400);
    if (Number(delay) > 5000) throw new ApiError('Delay cannot be greater than 5 seconds', 400);
    if (Number(delay) < 0) throw new ApiError('Delay cannot be less than 0', 400);
  }

  if (select) {
    if (Array.isArray(select)) select = ['id', ...select];
    else select = ['id', ...String(select).split(',')];
  } else select = null;

  if (order && sortBy) {
    order = String(order).toLowerCase();
    if (!['asc', 'desc'].includes(order)) throw new ApiError("Order can be: 'asc' or 'desc'", 400);
  }
  if (sortBy && !order) order = 'asc';

  return {
    limit: parseInt(limit, 10),
    skip: parseInt(skip, 10),
    delay: parseInt(delay, 10) || 0,
    select,
    q: searchQuery,
    sortBy,
    order,
  };
}

/** Real `getObjectSubset`: picks the keys in order (undefined values disappear from the JSON). */
function pick(obj, keys) {
  const out = {};
  for (const key of keys) out[key] = obj == null ? undefined : obj[key];
  return out;
}

/** Real `sortArray` comparator on a copy; Array#sort is stable so ties keep id order. */
function sortProducts(items, sortBy, order) {
  return [...items].sort((a, b) => {
    const x = a == null ? undefined : a[sortBy];
    const y = b == null ? undefined : b[sortBy];
    if (x === y) return 0;
    if (order === 'asc') return x > y ? 1 : -1;
    return x < y ? 1 : -1;
  });
}

/**
 * Builds the `{ products, total, skip, limit }` envelope from already-filtered items.
 * @param {object[]} items filtered clean products
 * @param {object} opts parsed options
 * @param {(p: object) => object} present turns a stored product into what is served (faults)
 * @returns {{ status: number, body: object, list: true }}
 */
function envelope(items, opts, present) {
  const total = items.length;
  let page = opts.sortBy ? sortProducts(items, opts.sortBy, opts.order) : items;
  let limited;
  if (opts.limit > 0) {
    // The same items as the general path below, copying only the page (not the rest of the catalog after `skip`:
    // that made every page request O(catalog), 3,334 copies of up to 100,000 entries for a 100,000-product fetch).
    const start = opts.skip > 0 ? opts.skip : 0;
    limited = page.slice(start, start + opts.limit);
  } else {
    if (opts.skip > 0) page = page.slice(opts.skip);
    limited = opts.limit === 0 || opts.limit > page.length ? page : page.slice(0, opts.limit);
  }
  let products = limited.map(present);
  if (opts.select) products = products.map((p) => pick(p, opts.select));
  return { status: 200, body: { products, total, skip: opts.skip, limit: products.length }, list: true };
}

const lower = (v) => (typeof v === 'string' ? v.toLowerCase() : '');

/**
 * Dispatches one /products request.
 * @param {string[]} rest path segments after "products" (already URL-decoded)
 * @param {object} opts parsed options (parseOptions)
 * @param {{ catalog: object[], byId: Map<string, object>, baseUrl: string, present: (p: object) => object }} ctx
 * @returns {{ status: number, body: unknown, list?: boolean }}
 */
function handleProducts(rest, opts, ctx) {
  const { catalog, present } = ctx;
  if (rest.length === 0) return envelope(catalog, opts, present);
  const head = rest[0].toLowerCase();
  if (rest.length === 1 && head === 'search') {
    const q = opts.q;
    return envelope(catalog.filter((p) => p && (lower(p.title).includes(q) || lower(p.description).includes(q))), opts, present);
  }
  if (rest.length === 1 && head === 'category-list') return { status: 200, body: categoryList(catalog) };
  if (rest.length === 1 && head === 'categories') {
    return {
      status: 200,
      body: categoryList(catalog).map((slug) => ({ slug, name: categoryName(slug), url: `${ctx.baseUrl}/products/category/${slug}` })),
    };
  }
  if (rest.length === 2 && head === 'category') {
    const wanted = rest[1].toLowerCase();
    return envelope(catalog.filter((p) => p && lower(p.category) === wanted), opts, present);
  }
  if (rest.length === 1) {
    const id = rest[0];
    const product = ctx.byId.get(id);
    if (!product) throw new ApiError(`Product with id '${id}' not found`, 404);
    const served = present(product);
    return { status: 200, body: opts.select ? pick(served, opts.select) : served };
  }
  return null; // not a products route
}

/** Distinct category values (strings) in order of first appearance, like the real categoryList. */
function categoryList(catalog) {
  const seen = new Set();
  for (const p of catalog) if (p && typeof p.category === 'string') seen.add(p.category);
  return [...seen];
}

/**
 * Route template of a /products path, used as the stats key.
 * @param {string[]} rest path segments after "products"
 * @returns {string|null}
 */
function productsRouteName(rest) {
  if (rest.length === 0) return '/products';
  const head = rest[0].toLowerCase();
  if (rest.length === 1 && ['search', 'categories', 'category-list'].includes(head)) return `/products/${head}`;
  if (rest.length === 2 && head === 'category') return '/products/category/:slug';
  if (rest.length === 1) return '/products/:id';
  return null;
}

module.exports = { ApiError, parseOptions, handleProducts, productsRouteName, categoryList, sortProducts, pick };
