'use strict';
/**
 * Deterministic DummyJSON-like product catalog generator.
 *
 * The default catalog (size 194) mirrors the real DummyJSON database: same 24 categories with the same
 * number of products each (so category blocks start at the same ids), the same product shape and key
 * order, brand on ~half of the products, and the real-world quirks a sync must survive (see QUIRKS).
 * Any other size scales the category blocks proportionally and keeps the quirks.
 *
 * Every product is generated from its own PRNG stream `mix(seed, id)`, so generation is O(size) and
 * products added later (control API "add") are generated the same way.
 */
const fs = require('node:fs');
const { createRng, hashSeed, mix } = require('./prng');

/** Constant timestamps, like the real data (createdAt === updatedAt === review dates; never bumped). */
const CREATED_AT = '2025-04-30T09:41:02.053Z';

const WARRANTIES = ['1 week warranty', '1 month warranty', '3 months warranty', '6 months warranty', '1 year warranty',
  '2 year warranty', '3 year warranty', '5 year warranty', 'Lifetime warranty', 'No warranty'];
const SHIPPING = ['Ships overnight', 'Ships in 1-2 business days', 'Ships in 3-5 business days', 'Ships in 1 week',
  'Ships in 2 weeks', 'Ships in 1 month'];
const RETURN_POLICIES = ['7 days return policy', '30 days return policy', '60 days return policy',
  '90 days return policy', 'No return policy'];
const POSITIVE_COMMENTS = ['Great product!', 'Excellent quality!', 'Highly recommended!', 'Very satisfied!',
  'Awesome product!', 'Great value for money!', 'Fast shipping!', 'Very happy with my purchase!', 'Would buy again!',
  'Very pleased!', 'Highly impressed!'];
const NEGATIVE_COMMENTS = ['Poor quality!', 'Not as described!', 'Disappointing product!', 'Would not recommend!',
  'Waste of money!', 'Very dissatisfied!', 'Very disappointed!', 'Not worth the price!',
  'Very unhappy with my purchase!', 'Would not buy again!'];
const FIRST_NAMES = ['Eleanor', 'Lucas', 'Addison', 'Max', 'Luna', 'Aria', 'Mateo', 'Nolan', 'Chloe', 'Liam', 'Zoe',
  'Ethan', 'Harper', 'Owen', 'Scarlett', 'Logan', 'Ava', 'Jacob', 'Mila', 'Henry'];
const LAST_NAMES = ['Collins', 'Gordon', 'Ward', 'Russell', 'Perez', 'Bennett', 'Hughes', 'Foster', 'Reyes', 'Morgan',
  'Cooper', 'Brooks', 'Price', 'Sanders', 'Jenkins', 'Powell', 'Long', 'Perry', 'Butler', 'Barnes'];
/** Every reviewer name/email pair, built once so 100,000 products share the strings. */
const REVIEWERS = FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => ({
  name: `${first} ${last}`,
  email: `${first}.${last}@x.dummyjson.com`.toLowerCase(),
})));
const DESCRIPTION_TAILS = ['Designed for everyday use and built to last.', 'A customer favourite with great value for money.',
  'Carefully made from quality materials.', 'Perfect as a gift or a treat for yourself.',
  'Combines modern style with practical features.', 'Easy to use, easy to clean and easy to love.',
  'Available while stocks last.', 'Trusted by thousands of happy customers.'];
const VARIANTS = ['Pro', 'Plus', 'Mini', 'Max', 'Lite', 'Deluxe', 'Classic', 'XL', 'II', 'Edition 2024', 'Eco', 'Select'];
/** [image count, weight]: mostly 1, 3 or 4 images like the real data, occasionally 2, 5 or 6. */
const IMAGE_COUNTS = [[1, 45], [2, 7], [3, 27], [4, 16], [5, 2], [6, 3]];

/**
 * The 24 real categories in real (alphabetical) order, with the real product count per category
 * (sum 194), whether products carry a brand, a price range and the words titles are built from.
 */
const CATEGORY_SPECS = [
  { slug: 'beauty', count: 5, brands: ['Essence', 'Glamour Beauty', 'Velvet Touch', 'Chic Cosmetics', 'Nail Couture'], price: [4, 40], tags: ['beauty'], adjs: ['Red', 'Nude', 'Matte', 'Glossy', 'Velvet', 'Radiant', 'Pearl'], nouns: ['Mascara', 'Lipstick', 'Nail Polish', 'Eyeshadow Palette', 'Face Powder', 'Lip Gloss', 'Blush', 'Eyeliner'] },
  { slug: 'fragrances', count: 5, brands: ['Calvin Klein', 'Chanel', 'Dior', 'Dolce & Gabbana', 'Gucci'], price: [29, 199], tags: ['fragrances', 'perfumes'], adjs: ['Bloom', 'Noir', 'Shine', 'Velvet', 'Amber', 'Citrus', 'Oud'], nouns: ['Eau de Parfum', 'Eau de Toilette', 'Perfume', 'Body Mist', 'Cologne'] },
  { slug: 'furniture', count: 5, brands: ['Annibale Colombo', 'Furniture Co.', 'Knoll', 'Bath Trends'], price: [199, 2999], tags: ['furniture'], adjs: ['Oak', 'Walnut', 'Leather', 'Modern', 'Executive', 'Rustic', 'Velvet'], nouns: ['Bed', 'Sofa', 'Bedside Table', 'Office Chair', 'Bookshelf', 'Dining Table', 'Wardrobe', 'Bathroom Sink'] },
  { slug: 'groceries', count: 27, brands: [], price: [0.79, 24], tags: ['groceries'], adjs: ['Fresh', 'Organic', 'Green', 'Red', 'Frozen', 'Premium', 'Farm'], nouns: ['Apple', 'Beef Steak', 'Cat Food', 'Chicken Meat', 'Cucumber', 'Dog Food', 'Eggs', 'Honey Jar', 'Ice Cream', 'Juice', 'Kiwi', 'Lemon', 'Milk', 'Coffee', 'Potatoes', 'Rice', 'Water', 'Tissue Paper Box'] },
  { slug: 'home-decoration', count: 5, brands: [], price: [9, 89], tags: ['home decor'], adjs: ['Wooden', 'Ceramic', 'Vintage', 'Golden', 'Rattan', 'Glass'], nouns: ['Photo Frame', 'Plant Pot', 'Table Lamp', 'Decoration Swing', 'Wall Clock', 'Vase', 'Showpiece'] },
  { slug: 'kitchen-accessories', count: 30, brands: [], price: [2.99, 129], tags: ['kitchen tools'], adjs: ['Bamboo', 'Black', 'Steel', 'Silver', 'Wooden', 'Yellow', 'Glass', 'Carbon'], nouns: ['Spatula', 'Whisk', 'Blender', 'Wok', 'Chopping Board', 'Strainer', 'Grater', 'Ice Cube Tray', 'Lunch Box', 'Rolling Pin', 'Peeler', 'Tongs', 'Pan', 'Pot', 'Spice Rack', 'Mug'] },
  { slug: 'laptops', count: 5, brands: ['Apple', 'Asus', 'Huawei', 'Lenovo', 'Dell'], price: [699, 2999], tags: ['electronics', 'laptops'], adjs: ['Pro', 'Air', 'Zen', 'Yoga', 'XPS', 'Matebook'], nouns: ['Laptop', 'Notebook', 'Ultrabook', '14 Inch Laptop', '16 Inch Laptop'] },
  { slug: 'mens-shirts', count: 5, brands: ['Fashion Trends', 'Classic Wear', 'Casual Comfort', 'Urban Chic'], price: [14.99, 59.99], tags: ['clothing', "men's shirts"], adjs: ['Blue', 'Plaid', 'Check', 'Linen', 'Denim', 'White', 'Striped'], nouns: ['Shirt', 'T-Shirt', 'Short Sleeve Shirt', 'Polo Shirt', 'Oxford Shirt'] },
  { slug: 'mens-shoes', count: 5, brands: ['Nike', 'Puma', 'Off White', 'Adidas'], price: [49.99, 199.99], tags: ['footwear'], adjs: ['Red', 'Black', 'White', 'Running', 'Leather', 'Canvas'], nouns: ['Sneakers', 'Trainers', 'Cleats', 'Loafers', 'Boots'] },
  { slug: 'mens-watches', count: 6, brands: ['Fashion Timepieces', 'Longines', 'Rolex'], price: [89.99, 13999.99], tags: ['watches'], adjs: ['Brown Leather', 'Master', 'Datejust', 'Submariner', 'Steel', 'Gold'], nouns: ['Watch', 'Chronograph', 'Automatic Watch', 'Dress Watch'] },
  { slug: 'mobile-accessories', count: 14, brands: ['Amazon', 'Apple', 'Beats', 'TechGear', 'GadgetMaster', 'SnapTech', 'ProVision'], price: [9.99, 549.99], tags: ['electronics'], adjs: ['Wireless', 'Silicone', 'Magnetic', 'Smart', 'Portable', 'Fast'], nouns: ['Charger', 'Earphones', 'Headphones', 'Power Bank', 'Phone Case', 'Selfie Stick', 'Smart Speaker', 'Smartwatch'] },
  { slug: 'motorcycle', count: 5, brands: ['Generic Motors', 'Kawasaki', 'MotoGP', 'ScootMaster', 'SpeedMaster'], price: [2499.99, 16999.99], tags: ['motorcycles'], adjs: ['Sport', 'Touring', 'Naked', 'Classic', 'Adventure'], nouns: ['Motorcycle', 'Scooter', 'Sportbike', 'Cruiser'] },
  { slug: 'skin-care', count: 3, brands: ['Attitude', 'Olay', 'Vaseline'], price: [5.99, 39.99], tags: ['personal care'], adjs: ['Shea Butter', 'Aloe', 'Super Leaves', 'Ultra Moisture', 'Gentle'], nouns: ['Hand Soap', 'Body Wash', 'Body Lotion', 'Face Cream', 'Sunscreen'] },
  { slug: 'smartphones', count: 16, brands: ['Apple', 'Oppo', 'Realme', 'Samsung', 'Vivo'], price: [129.99, 1499.99], tags: ['smartphones'], adjs: ['Galaxy', 'Note', 'Pro', 'Neo', 'Ultra', 'Lite'], nouns: ['Smartphone', 'Phone', '5G Phone'] },
  { slug: 'sports-accessories', count: 17, brands: [], price: [4.99, 79.99], tags: ['sports equipment'], adjs: ['Leather', 'Pro', 'Training', 'Metal', 'Junior', 'Feather'], nouns: ['Football', 'Baseball Glove', 'Basketball', 'Cricket Bat', 'Golf Ball', 'Tennis Racket', 'Volleyball', 'Shuttlecock', 'Helmet'] },
  { slug: 'sunglasses', count: 5, brands: ['Fashion Shades', 'Fashion Fun'], price: [14.99, 49.99], tags: ['eyewear', 'sunglasses'], adjs: ['Black', 'Classic', 'Green', 'Party', 'Aviator', 'Round'], nouns: ['Sunglasses', 'Sun Glasses', 'Glasses'] },
  { slug: 'tablets', count: 3, brands: ['Apple', 'Samsung'], price: [249.99, 1199.99], tags: ['electronics', 'tablets'], adjs: ['Mini', 'Air', 'Tab', 'Starlight', 'Grey', 'White'], nouns: ['Tablet', 'Tab S8', 'iPad'] },
  { slug: 'tops', count: 5, brands: [], price: [14.99, 49.99], tags: ['clothing'], adjs: ['Blue', 'Summer', 'Gray', 'Short', 'Tartan', 'Floral'], nouns: ['Frock', 'Dress', 'Top', 'Blouse', 'Tunic'] },
  { slug: 'vehicle', count: 5, brands: ['Chrysler', 'Dodge'], price: [19999.99, 36999.99], tags: ['vehicles'], adjs: ['Touring', 'SXT', 'GT Plus', 'RWD', 'Limited'], nouns: ['Sedan', 'SUV', 'Minivan', 'Hatchback', 'Coupe'] },
  { slug: 'womens-bags', count: 5, brands: ['Fashionista', 'Heshe', 'Prada', 'Urban Chic', 'Elegance Collection'], price: [29.99, 699.99], tags: ['fashion accessories'], adjs: ['Blue', 'Leather', 'Faux Leather', 'Black', 'White'], nouns: ["Women's Handbag", 'Backpack', 'Shoulder Bag', 'Tote Bag', 'Clutch'] },
  { slug: 'womens-dresses', count: 5, brands: [], price: [39.99, 199.99], tags: ['clothing'], adjs: ['Black', 'Red', 'Satin', 'Silk', 'Evening', 'Corset'], nouns: ["Women's Gown", 'Dress', 'Skirt', 'Suit', 'Maxi Dress'] },
  { slug: 'womens-jewellery', count: 3, brands: [], price: [9.99, 99.99], tags: ['fashion accessories'], adjs: ['Green Crystal', 'Silver', 'Tropical', 'Pearl', 'Golden'], nouns: ['Earring', 'Necklace', 'Bracelet', 'Ring', 'Pendant'] },
  { slug: 'womens-shoes', count: 5, brands: ['Comfort Trends', 'Calvin Klein', 'Fashion Diva', 'Pampi', 'Fashion Express'], price: [19.99, 129.99], tags: ['footwear'], adjs: ['Black', 'Golden', 'Red', 'Brown', 'Heel', 'Suede'], nouns: ['Slipper', 'Heel Shoes', 'Sandals', 'Pumps', 'Ballet Flats'] },
  { slug: 'womens-watches', count: 5, brands: ['IWC', 'Rolex', 'Fashion Gold', 'Fashion Co.'], price: [99.99, 15999.99], tags: ['watches'], adjs: ['Pearl Dial', 'Datejust', 'Steel', 'Ingenieur', 'Rose Gold'], nouns: ['Watch', 'Wrist Watch', 'Automatic Watch'] },
];

/** Category slugs in real order. */
const CATEGORY_SLUGS = CATEGORY_SPECS.map((c) => c.slug);
const SPEC_BY_SLUG = new Map(CATEGORY_SPECS.map((c) => [c.slug, c]));
for (const spec of CATEGORY_SPECS) spec.phrase = spec.slug.replace(/-/g, ' '); // "home decoration"

/**
 * Planted quirks, placed at a fixed offset inside their category block (for size 194 these are the
 * same ids as in the real data where the real data has the quirk: 8, 91, 92, 96, 191). In smaller
 * catalogs a quirk moves to the last free position of its block (see placeQuirks); only when a block
 * has fewer products than quirks are some left out. `brand: null` = no brand key.
 */
const QUIRKS = [
  // Two different products with exactly the same title (real: ids 96 and 191).
  { category: 'mens-watches', offset: 3, title: 'Rolex Cellini Moonphase', brand: 'Rolex', price: 12999.99, kind: 'duplicate-title' },
  { category: 'womens-watches', offset: 1, title: 'Rolex Cellini Moonphase', brand: 'Rolex', price: 15999.99, kind: 'duplicate-title' },
  // Titles differing only in punctuation: both slug to the same handle (real: ids 91 and 92).
  { category: 'mens-shoes', offset: 3, title: 'Sports Sneakers Off White & Red', brand: 'Off White', price: 119.99, kind: 'punctuation-twin' },
  { category: 'mens-shoes', offset: 4, title: 'Sports Sneakers Off White Red', brand: 'Off White', price: 109.99, kind: 'punctuation-twin' },
  { category: 'kitchen-accessories', offset: 10, title: 'Knife & Fork Set', brand: null, price: 14.99, kind: 'punctuation-twin' },
  { category: 'kitchen-accessories', offset: 11, title: 'Knife Fork Set', brand: null, price: 12.99, kind: 'punctuation-twin' },
  // Apostrophes and non-ASCII letters.
  { category: 'fragrances', offset: 2, title: "Dior J'adore", brand: 'Dior', price: 89.99, kind: 'apostrophe' },
  { category: 'womens-jewellery', offset: 0, title: "Women's Gold Ring", brand: null, price: 29.99, kind: 'apostrophe' },
  { category: 'kitchen-accessories', offset: 20, title: 'Crème Brûlée Torch', brand: null, price: 24.99, kind: 'non-ascii' },
  // Price extremes of the real data.
  { category: 'groceries', offset: 0, title: 'Apple', brand: null, price: 0.79, kind: 'min-price' },
  { category: 'vehicle', offset: 0, title: 'Durango SXT RWD', brand: 'Dodge', price: 36999.99, kind: 'max-price' },
];

/**
 * Maps "category:offset" → quirk for the given block sizes: each quirk takes its offset, or the nearest
 * free lower offset when the block is too small.
 */
function placeQuirks(counts) {
  const at = new Map();
  const sorted = [...QUIRKS].sort((a, b) => a.offset - b.offset);
  for (const q of sorted) {
    const count = counts[CATEGORY_SLUGS.indexOf(q.category)];
    let offset = Math.min(q.offset, count - 1);
    while (offset >= 0 && at.has(`${q.category}:${offset}`)) offset -= 1;
    if (offset >= 0) at.set(`${q.category}:${offset}`, q);
  }
  return at;
}

/**
 * Turns a title into a URL handle: strips accents, lowercases, joins alphanumeric runs with "-".
 * "Knife & Fork Set" and "Knife Fork Set" both give "knife-fork-set".
 * @param {string} text
 * @returns {string}
 */
function slugify(text) {
  return String(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Real display name of a category slug: "womens-jewellery" → "Womens Jewellery".
 * @param {string} slug
 * @returns {string}
 */
function categoryName(slug) {
  return String(slug).split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/**
 * Real availability status for a stock level: 0 → "Out of Stock", 1..7 → "Low Stock", else "In Stock".
 * @param {number} stock
 * @returns {'In Stock'|'Low Stock'|'Out of Stock'}
 */
function availabilityStatusFor(stock) {
  if (stock <= 0) return 'Out of Stock';
  if (stock <= 7) return 'Low Stock';
  return 'In Stock';
}

/**
 * Splits `size` products over the 24 categories proportionally to the real counts (largest remainder,
 * ties broken by category order). Size 194 gives exactly the real counts.
 * @param {number} size
 * @returns {number[]} count per CATEGORY_SPECS entry
 */
function categoryCounts(size) {
  const total = CATEGORY_SPECS.reduce((s, c) => s + c.count, 0);
  const exact = CATEGORY_SPECS.map((c) => (c.count * size) / total);
  const counts = exact.map(Math.floor);
  let left = size - counts.reduce((s, n) => s + n, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left -= 1) counts[order[k][1]] += 1;
  return counts;
}

/** Real SKU scheme: CAT-BRA-KEY-00id (category, brand letters or BRD, first word > 3 chars or PRD). */
function makeSku(category, brand, title, id) {
  const cat = category.slice(0, 3).toUpperCase() || 'GEN';
  const bra = (brand || '').replace(/[^a-zA-Z]/g, '').slice(0, 3).toUpperCase() || 'BRD';
  const word = title.split(' ').find((w) => w.length > 3);
  const key = (word || '').replace(/[^a-zA-Z]/g, '').slice(0, 3).toUpperCase() || 'PRD';
  return `${cat}-${bra}-${key}-${String(id).padStart(3, '0')}`;
}

/**
 * Unique 13-digit EAN-13 barcode: a seed-dependent bijection of the id over 12 digits plus check digit,
 * so two ids never share a barcode.
 */
function makeBarcode(seedHash, id) {
  const M = 1000000000000n;
  const body = (BigInt(id) * 738291046573n + BigInt(seedHash) * 2654435761n) % M;
  const digits = body.toString().padStart(12, '0');
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + String((10 - (sum % 10)) % 10);
}

/** Log-uniform price in [min, max] ending mostly in .99/.49/.95, 2 decimals, clamped to the real range. */
function makePrice(rng, [min, max]) {
  const raw = Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min)));
  const cents = rng.pick([0.99, 0.99, 0.99, 0.49, 0.95, rng.int(0, 99) / 100]);
  const price = raw < 1 ? raw : Math.floor(raw) + cents;
  return Math.min(36999.99, Math.max(0.79, Number(price.toFixed(2))));
}

/** Real minimum-order-quantity rule (cheaper products → larger minimum quantities). */
function makeMoq(rng, price) {
  if (price > 1000) return 1;
  if (price > 500) return rng.int(1, 2);
  if (price > 100) return rng.int(1, 5);
  if (price > 50) return rng.int(1, 10);
  if (price > 20) return rng.int(1, 20);
  return rng.int(1, 50);
}

/** Three reviews, 70 % positive (rating 4-5) like the real generator. */
function makeReviews(rng) {
  const reviews = [];
  for (let i = 0; i < 3; i += 1) {
    const reviewer = rng.pick(REVIEWERS);
    const positive = rng.chance(0.7);
    reviews.push({
      rating: positive ? rng.int(4, 5) : rng.int(1, 3),
      comment: rng.pick(positive ? POSITIVE_COMMENTS : NEGATIVE_COMMENTS),
      date: CREATED_AT,
      reviewerName: reviewer.name,
      reviewerEmail: reviewer.email,
    });
  }
  return reviews;
}

/**
 * Coarse title key used for de-duplication: accents stripped, lowercased, only [a-z0-9] kept. Two titles
 * with different keys can never share a handle under any usual handle rule (ours, Medusa's toHandle).
 */
function titleKey(title) {
  return String(title).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/**
 * Registry of used title keys: `keys` holds every reserved key, `next` remembers the next numeric
 * suffix to try per base key so de-duplication stays O(1) even for 100,000 products.
 */
function createTitleRegistry(titles = []) {
  const registry = { keys: new Set(), next: new Map() };
  for (const t of titles) registry.keys.add(titleKey(t));
  return registry;
}

/** Picks a title (brand, adjective, noun, optional variant) whose key is not yet used, and reserves it. */
function makeTitle(rng, spec, brand, registry) {
  const noun = rng.pick(spec.nouns);
  const parts = [brand, rng.pick(spec.adjs), noun];
  if (rng.chance(0.35)) parts.push(rng.pick(VARIANTS));
  const base = parts.filter(Boolean).join(' ');
  const baseKey = titleKey(base);
  let title = base;
  let key = baseKey;
  let n = registry.next.get(baseKey) || 2;
  while (registry.keys.has(key)) {
    title = `${base} ${n}`;
    key = `${baseKey}${n}`;
    n += 1;
  }
  registry.next.set(baseKey, n);
  registry.keys.add(key);
  return { title, noun };
}

/**
 * Builds one product in the real key order. `quirk` (optional) forces title/brand/price.
 * @param {{ id: number, category: string, seedHash: number, baseUrl: string, registry: object, quirk?: object }} args
 * @returns {object}
 */
function buildProduct({ id, category, seedHash, baseUrl, registry, quirk }) {
  const rng = createRng(mix(seedHash, id));
  const spec = SPEC_BY_SLUG.get(category);
  let brand;
  if (quirk) brand = quirk.brand || undefined;
  else if (spec.brands.length && rng.chance(0.97)) brand = rng.pick(spec.brands);
  const { title, noun } = quirk ? { title: quirk.title, noun: 'product' } : makeTitle(rng, spec, brand, registry);
  const price = quirk ? quirk.price : makePrice(rng, spec.price);
  const description = `The ${title} is a ${rng.pick(['popular', 'reliable', 'stylish', 'high-quality', 'best-selling', 'versatile'])} `
    + `${noun.toLowerCase()} from our ${spec.phrase} range. ${rng.pick(DESCRIPTION_TAILS)}`;

  // Real stock rule: base 0..100; < 3 → out of stock; < 7 → low stock 1..7.
  const base = rng.int(0, 100);
  const stock = base < 3 ? 0 : base < 7 ? rng.int(1, 7) : base;
  const tags = [...spec.tags, spec.nouns[rng.int(0, spec.nouns.length - 1)].toLowerCase()].slice(0, rng.int(1, 3));
  const imageCount = rng.weighted(IMAGE_COUNTS);
  const imageBase = `${baseUrl}/images/products/${id}`;

  const product = {
    id,
    title,
    description,
    category,
    price,
    discountPercentage: rng.float(0, 20),
    rating: rng.float(2.5, 5),
    stock,
    tags,
  };
  if (brand) product.brand = brand;
  Object.assign(product, {
    sku: makeSku(category, brand, title, id),
    weight: rng.int(1, 10),
    dimensions: { width: rng.float(5, 30), height: rng.float(5, 30), depth: rng.float(5, 30) },
    warrantyInformation: rng.pick(WARRANTIES),
    shippingInformation: rng.pick(SHIPPING),
    availabilityStatus: availabilityStatusFor(stock),
    reviews: makeReviews(rng),
    returnPolicy: rng.pick(RETURN_POLICIES),
    minimumOrderQuantity: makeMoq(rng, price),
    meta: {
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
      barcode: makeBarcode(seedHash, id),
      qrCode: `${baseUrl}/images/qr-code.png`,
    },
    images: Array.from({ length: imageCount }, (_, i) => `${imageBase}/${i + 1}.png`),
    thumbnail: `${imageBase}/thumbnail.png`,
  });
  return product;
}

/**
 * Generates the full deterministic catalog: ids 1..size in contiguous category blocks (real order),
 * planted quirks included. 100,000 products take well under a second.
 * @param {{ size?: number, seed?: number|string, baseUrl?: string }} [options]
 *   size: number of products (default 194); seed: PRNG seed (default 1);
 *   baseUrl: absolute origin used in image/thumbnail/qrCode URLs (default "http://127.0.0.1").
 * @returns {object[]} products
 */
function generateCatalog({ size = 194, seed = 1, baseUrl = 'http://127.0.0.1' } = {}) {
  const n = Math.max(0, Math.floor(Number(size) || 0));
  const seedHash = hashSeed(seed);
  const origin = String(baseUrl).replace(/\/+$/, '');
  const counts = categoryCounts(n);
  const quirkAt = placeQuirks(counts);
  // Reserve quirk titles first so generated titles never collide with them.
  const registry = createTitleRegistry(QUIRKS.map((q) => q.title));
  const products = new Array(n);
  let id = 0;
  CATEGORY_SPECS.forEach((spec, c) => {
    for (let offset = 0; offset < counts[c]; offset += 1) {
      id += 1;
      const quirk = quirkAt.get(`${spec.slug}:${offset}`);
      products[id - 1] = buildProduct({ id, category: spec.slug, seedHash, baseUrl: origin, registry, quirk });
    }
  });
  return products;
}

/**
 * Generates extra products with the given ids (used by the control API "add"): category picked by the
 * product's own PRNG weighted by real category sizes, title unique against `existing` products.
 * @param {{ ids: number[], seed?: number|string, baseUrl?: string, existing?: object[] }} options
 * @returns {object[]}
 */
function generateProducts({ ids, seed = 1, baseUrl = 'http://127.0.0.1', existing = [] }) {
  const seedHash = hashSeed(seed);
  const origin = String(baseUrl).replace(/\/+$/, '');
  const registry = createTitleRegistry(QUIRKS.map((q) => q.title));
  for (const p of existing) if (p && typeof p.title === 'string') registry.keys.add(titleKey(p.title));
  const weights = CATEGORY_SPECS.map((c) => [c.slug, c.count]);
  return ids.map((id) => {
    const category = createRng(mix(seedHash, id, 0xadd)).weighted(weights);
    return buildProduct({ id, category, seedHash, baseUrl: origin, registry });
  });
}

/**
 * Loads a catalog snapshot from a JSON file: a `{ products: [...] }` envelope or a plain array.
 * Products are returned as-is (no validation, no fixing).
 * @param {string} file path to the JSON file
 * @returns {object[]}
 */
function loadCatalogFile(file) {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.products)) return data.products;
  throw new Error(`catalog file ${file}: expected an array or a { products: [...] } object`);
}

module.exports = {
  generateCatalog,
  generateProducts,
  loadCatalogFile,
  slugify,
  titleKey,
  categoryName,
  availabilityStatusFor,
  categoryCounts,
  CATEGORY_SLUGS,
  QUIRKS,
  CREATED_AT,
};
