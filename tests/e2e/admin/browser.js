'use strict';
/**
 * Headless Chromium for the admin tests: playwright-core driving Debian's /usr/bin/chromium (no browser is
 * ever downloaded), logging in through the Medusa admin's login form, screenshots into tests/artifacts/,
 * and small waiting helpers.
 */
const fs = require('node:fs');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Where screenshots go (git-ignored). */
const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', 'artifacts');

/** Loads playwright-core from this folder's node_modules (tests/e2e/run.sh installs it from package.json). */
function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (error) {
    throw new Error(`playwright-core is not installed: run the e2e tests through tests/e2e/run.sh, or \`npm install\` in ${__dirname} (${error.message})`);
  }
}

/** Starts headless Chromium. */
async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)`);
  }
  const { chromium } = loadPlaywright();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A page in a fresh context (desktop size, English, UTC), whose browser console errors and failed
 * requests are collected in `page.problems` for assertion messages.
 */
async function newPage(browser) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console error: ${msg.text()}`);
  });
  return page;
}

/** Logs in through the admin's login form and waits until the admin has left the login page. */
async function login(page, baseUrl, email, password) {
  await page.goto(`${baseUrl}/app/login`, { waitUntil: 'domcontentloaded' });
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.includes('/login'), { timeout: 60_000 });
}

/**
 * Saves a screenshot as tests/artifacts/<name>.png and returns its path: of `element` alone when given,
 * else of the whole page. The admin scrolls inside its main pane (a plain full-page shot would stop at
 * the window's height), so the window is made as tall as the scrolled content for the shot.
 */
async function screenshot(page, name, element = null) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  if (element) {
    await element.scrollIntoViewIfNeeded();
    await element.screenshot({ path: file });
    return file;
  }
  const viewport = page.viewportSize();
  const contentHeight = await page.evaluate(() =>
    Math.max(...Array.from(document.querySelectorAll('body, body *'), (el) => el.scrollHeight + el.getBoundingClientRect().top)));
  const height = Math.min(6000, Math.max(viewport.height, Math.ceil(contentHeight)));
  await page.setViewportSize({ width: viewport.width, height });
  try {
    await page.screenshot({ path: file });
  } finally {
    await page.setViewportSize(viewport);
  }
  return file;
}

/**
 * Polls `probe` until it returns a truthy value (returned), or throws with `what` and the last value
 * after `timeoutMs`.
 */
async function waitUntil(what, probe, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The trimmed text of the first element matching a locator. */
async function textOf(locator) {
  return ((await locator.first().textContent()) || '').replace(/\s+/g, ' ').trim();
}

module.exports = { launchBrowser, newPage, login, screenshot, waitUntil, textOf };
