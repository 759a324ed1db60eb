'use strict';
/**
 * A sender of the plugin's signed webhook (`POST /webhooks/product-update`): signs `<timestamp>.<raw body>`
 * with HMAC-SHA256 (Node's crypto, independently of the plugin) and sends the body bytes exactly as given.
 * Used by the e2e tests; also the reference for a store's own sender (see js-host/README.md).
 */
const crypto = require('node:crypto');

/** The webhook route. */
const WEBHOOK_PATH = '/webhooks/product-update';

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
function signWebhook(secret, timestamp, body) {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * Sends a webhook call and returns `{ status, body }` whatever the status (body parsed when it is JSON).
 * @param {string} baseUrl the store, e.g. http://127.0.0.1:9000
 * @param {string} secret the signing secret
 * @param {string | Buffer | object} payload a string or bytes (sent as they are) or an object (JSON.stringify)
 * @param {{ timestamp?: number, signature?: string | null }} [opts] timestamp in Unix seconds (default now); a
 *   signature to send instead of the correct one, or `null` for none
 */
async function sendWebhook(baseUrl, secret, payload, opts = {}) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = opts.signature === undefined ? signWebhook(secret, timestamp, body) : opts.signature;
  const headers = { 'content-type': 'application/json', 'x-webhook-timestamp': timestamp };
  if (signature !== null) headers['x-webhook-signature'] = signature;
  const res = await fetch(baseUrl.replace(/\/+$/, '') + WEBHOOK_PATH, {
    method: 'POST', headers, body, signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

module.exports = { WEBHOOK_PATH, signWebhook, sendWebhook };
