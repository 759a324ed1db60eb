'use strict';
/**
 * A deterministic DummyJSON-shaped catalog for the package tests and the benchmark.
 *
 * `generateCatalog(n)` returns products with ids 1..n in DummyJSON's shape (only the fields the sync selects:
 * no reviews), spread over the 24 real category slugs in contiguous blocks, with the quirks a sync must
 * survive: titles shared by two products, titles that differ only by punctuation (same handle), and `brand`
 * absent on every other product. SKUs and barcodes are unique.
 */

/** The 24 DummyJSON category slugs. */
const CATEGORY_SLUGS = ['beauty', 'fragrances', 'furniture', 'groceries', 'home-decoration', 'kitchen-accessories',
  'laptops', 'mens-shirts', 'mens-shoes', 'mens-watches', 'mobile-accessories', 'motorcycle', 'skin-care',
  'smartphones', 'sports-accessories', 'sunglasses', 'tablets', 'tops', 'vehicle', 'womens-bags', 'womens-dresses',
  'womens-jewellery', 'womens-shoes', 'womens-watches'];

const ADJECTIVES = ['Red', 'Classic', 'Modern', 'Wireless', 'Leather', 'Organic', 'Steel', 'Golden', 'Compact', 'Pro'];
const NOUNS = ['Lamp', 'Chair', 'Watch', 'Phone', 'Bag', 'Shoes', 'Mug', 'Perfume', 'Shirt', 'Tablet', 'Kettle', 'Bike'];

/** mulberry32: a small deterministic PRNG, one stream per product. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Category slug of product `id` in a catalog of `n` products (24 contiguous blocks). */
function categoryOf(id, n) {
  return CATEGORY_SLUGS[Math.floor(((id - 1) * CATEGORY_SLUGS.length) / Math.max(n, CATEGORY_SLUGS.length))];
}

/**
 * Title of product `id`: every 10th product reuses the title of the product 5 before it (same title), and
 * every 10th product (offset 3) is the same words as the one before it joined with " & " (same handle).
 */
function titleOf(id, n) {
  if (id % 10 === 0 && id > 5) return titleOf(id - 5, n);
  const base = (k) => `${ADJECTIVES[k % ADJECTIVES.length]} ${NOUNS[Math.floor(k / ADJECTIVES.length) % NOUNS.length]} ${k}`;
  if (id % 10 === 3 && id > 1) return base(id - 1).replace(' ', ' & ');
  return base(id);
}

/** One product in DummyJSON's shape (the selected fields). */
function productOf(id, n) {
  const random = prng(id * 2654435761);
  const category = categoryOf(id, n);
  const images = Array.from({ length: 1 + Math.floor(random() * 4) },
    (_, k) => `https://cdn.dummyjson.com/product-images/${category}/${id}/${k + 1}.webp`);
  const product = {
    id,
    title: titleOf(id, n),
    description: `Description of product ${id}: a ${category.replace('-', ' ')} item built to last.`,
    category,
    price: Math.round((0.79 + random() * 2000) * 100) / 100,
    discountPercentage: Math.round(random() * 2000) / 100,
    rating: Math.round((1 + random() * 4) * 100) / 100,
    stock: Math.floor(random() * 101),
    tags: [category.split('-')[0], random() < 0.5 ? 'sale' : 'new'],
    sku: `SKU-${String(id).padStart(7, '0')}`,
    weight: 1 + Math.floor(random() * 9),
    dimensions: {
      width: Math.round(random() * 3000) / 100,
      height: Math.round(random() * 3000) / 100,
      depth: Math.round(random() * 3000) / 100,
    },
    warrantyInformation: '1 year warranty',
    shippingInformation: 'Ships in 1-2 business days',
    availabilityStatus: 'In Stock',
    returnPolicy: '30 days return policy',
    minimumOrderQuantity: 1 + Math.floor(random() * 10),
    meta: {
      createdAt: '2025-04-30T09:41:02.053Z',
      updatedAt: '2025-04-30T09:41:02.053Z',
      barcode: String(1000000000000 + id),
      qrCode: 'https://cdn.dummyjson.com/public/qr-code.png',
    },
    images,
    thumbnail: `https://cdn.dummyjson.com/product-images/${category}/${id}/thumbnail.webp`,
  };
  if (id % 2 === 1) product.brand = `Brand ${1 + (id % 17)}`;
  return product;
}

/** Products 1..n. */
function generateCatalog(n) {
  return Array.from({ length: n }, (_, i) => productOf(i + 1, n));
}

/** Page bodies of `products` as `/products?limit=pageSize&skip=...` would answer them. */
function pageBodies(products, pageSize, total = products.length) {
  const pages = [];
  for (let skip = 0; skip < products.length; skip += pageSize) {
    const slice = products.slice(skip, skip + pageSize);
    pages.push(JSON.stringify({ products: slice, total, skip, limit: slice.length }));
  }
  return pages;
}

/** Store categories as the host would pass them after creating every slug: ids `pcat_<slug>`. */
function storeCategories() {
  return CATEGORY_SLUGS.map((slug) => ({ id: `pcat_${slug}`, handle: slug, name: slug }));
}

/** Store tags for every tag value in `products`: ids `ptag_<value>`. */
function storeTags(products) {
  const values = new Set(products.flatMap((p) => (Array.isArray(p.tags) ? p.tags : [])));
  return [...values].map((value) => ({ id: `ptag_${value}`, value }));
}

module.exports = { CATEGORY_SLUGS, generateCatalog, pageBodies, storeCategories, storeTags, titleOf };
