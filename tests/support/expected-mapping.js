'use strict';
/**
 * The test oracle: what a DummyJSON product must look like in Medusa after a sync, written down
 * independently of the plugin from the shared contract (field mapping, handle rules, category names),
 * and a comparison that lists every difference instead of stopping at the first.
 */

/** Medusa 2.21's `toHandle`, as the contract fixes it. */
function toHandle(value) {
  return String(value)
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Handles a first sync into a store without other products must produce: the lowest source id keeps the
 * plain handle, every other product with the same handle gets `<handle>-<source id>`.
 * @param {object[]} catalog source products
 * @returns {Map<number, string>} source id → handle
 */
function expectedHandles(catalog) {
  const taken = new Set();
  const out = new Map();
  for (const p of [...catalog].sort((a, b) => a.id - b.id)) {
    const base = toHandle(p.title) || `product-${p.id}`;
    let handle = taken.has(base) ? `${base}-${p.id}` : base;
    for (let n = 2; taken.has(handle); n += 1) handle = `${base}-${p.id}-${n}`;
    taken.add(handle);
    out.set(p.id, handle);
  }
  return out;
}

/** A category's display name: from the source's categories list, else the slug's words capitalised. */
function categoryName(slug, categoriesBody) {
  const hit = Array.isArray(categoriesBody) ? categoriesBody.find((c) => c && c.slug === slug) : undefined;
  if (hit && typeof hit.name === 'string') return hit.name;
  return slug.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** The metadata the contract maps from a source product (brand only when the source has one). */
function expectedMetadata(p) {
  const m = {
    sku: p.sku,
    rating: p.rating,
    discountPercentage: p.discountPercentage,
    warrantyInformation: p.warrantyInformation,
    shippingInformation: p.shippingInformation,
    returnPolicy: p.returnPolicy,
    minimumOrderQuantity: p.minimumOrderQuantity,
    barcode: p.meta && p.meta.barcode,
    availabilityStatus: p.availabilityStatus,
    catalog_sync_source_id: p.id,
  };
  if (p.brand !== undefined) m.brand = p.brand;
  return m;
}

const near = (a, b) => typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-6;

/**
 * Compares one Medusa product (admin API, fields of PRODUCT_FIELDS) with its source product.
 * @param {object} actual the Medusa product
 * @param {object} source the DummyJSON product
 * @param {{ handle?: string, currency?: string, salesChannelId?: string, stockLocationId?: string,
 *           images?: 'link' | { storedBase: string } }} expect
 *   handle: the expected handle; currency: price currency (default usd); salesChannelId: the channel the
 *   product must be in; stockLocationId: the location whose level must hold the source stock (default: the
 *   variant's only level); images: 'link' when image URLs must be the source's, or the base URL uploaded
 *   copies must be under (every image and the thumbnail a stored copy, none a source URL).
 * @returns {string[]} the differences, empty when the product is right
 */
function diffProduct(actual, source, expect = {}) {
  const diffs = [];
  const label = `product ${source.id}`;
  const eq = (field, got, want) => {
    const same = typeof want === 'number' ? near(got, want) : JSON.stringify(got) === JSON.stringify(want);
    if (!same) diffs.push(`${label}: ${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  eq('title', actual.title, source.title);
  eq('description', actual.description, source.description);
  eq('status', actual.status, 'published');
  eq('external_id', actual.external_id, `dummyjson:${source.id}`);
  if (expect.handle) eq('handle', actual.handle, expect.handle);
  eq('weight', actual.weight, source.weight);
  eq('width', actual.width, source.dimensions.width);
  eq('height', actual.height, source.dimensions.height);
  eq('length', actual.length, source.dimensions.depth);
  const meta = actual.metadata || {};
  for (const [k, v] of Object.entries(expectedMetadata(source))) eq(`metadata.${k}`, meta[k], v);
  if (source.brand === undefined && meta.brand !== undefined && meta.brand !== null) {
    diffs.push(`${label}: metadata.brand is ${JSON.stringify(meta.brand)} but the source has no brand`);
  }
  // The change-detection fingerprints: lowercase hex digests (the algorithm is the core's business).
  for (const k of ['catalog_sync_fingerprint', 'catalog_sync_images_fingerprint']) {
    if (!/^[0-9a-f]{32,128}$/.test(String(meta[k]))) diffs.push(`${label}: metadata.${k} is not a lowercase hex digest (${meta[k]})`);
  }
  // Tags are a set in Medusa: a tag repeated in the source is one tag.
  eq('tags', (actual.tags || []).map((t) => t.value).sort(), [...new Set(source.tags)].sort());
  eq('categories', (actual.categories || []).map((c) => c.handle), [source.category]);
  // Images: linked (URL kept) or uploaded (a new URL per image); either way one per source image, in order.
  const images = (actual.images || []).slice().sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  eq('images.length', images.length, source.images.length);
  if (expect.images === 'link') {
    eq('images', images.map((i) => i.url), source.images);
    eq('thumbnail', actual.thumbnail, source.thumbnail);
  } else if (expect.images && expect.images.storedBase) {
    const base = expect.images.storedBase;
    const notStored = [...images.map((i) => i.url), actual.thumbnail].filter((url) => typeof url !== 'string' || !url.startsWith(base));
    if (notStored.length) diffs.push(`${label}: images not stored under ${base}: ${notStored.join(', ')}`);
  }
  if (!actual.thumbnail) diffs.push(`${label}: thumbnail is empty`);
  const variants = actual.variants || [];
  eq('variants.length', variants.length, 1);
  const v = variants[0];
  if (v) {
    eq('variant.title', v.title, 'Default');
    eq('variant.sku', v.sku, source.sku);
    eq('variant.barcode', v.barcode, source.meta && source.meta.barcode);
    eq('variant.manage_inventory', v.manage_inventory, true);
    eq('variant.allow_backorder', v.allow_backorder, false);
    const currency = expect.currency || 'usd';
    const prices = (v.prices || []).filter((p) => p.currency_code === currency);
    eq(`variant.prices[${currency}].length`, prices.length, 1);
    if (prices[0]) eq(`variant.prices[${currency}].amount`, Number(prices[0].amount), source.price);
    const items = v.inventory_items || [];
    eq('variant.inventory_items.length', items.length, 1);
    const levels = (items[0] && items[0].inventory && items[0].inventory.location_levels) || [];
    const synced = expect.stockLocationId ? levels.filter((l) => l.location_id === expect.stockLocationId) : levels;
    eq('inventory_levels (at the sync location).length', synced.length, 1);
    if (synced[0]) eq('stocked_quantity', Number(synced[0].stocked_quantity), source.stock);
  }
  const channels = (actual.sales_channels || []).map((c) => c.id);
  if (expect.salesChannelId) eq('sales_channels', channels, [expect.salesChannelId]);
  else eq('sales_channels.length', channels.length, 1);
  return diffs;
}

/**
 * Summarises many differences for an assertion message: how many products differ in each field, with the
 * first example of each.
 * @param {string[]} diffs lines of diffProduct ("product N: field ...")
 */
function summarizeDiffs(diffs) {
  const byField = new Map();
  for (const d of diffs) {
    const m = /^product \d+: ([^ ]+)/.exec(d);
    const key = m ? m[1] : d;
    const entry = byField.get(key) || { count: 0, example: d };
    entry.count += 1;
    byField.set(key, entry);
  }
  return [...byField].map(([field, e]) => `${field}: ${e.count} (e.g. ${e.example})`).join('\n');
}

module.exports = { toHandle, expectedHandles, categoryName, expectedMetadata, diffProduct, summarizeDiffs };
