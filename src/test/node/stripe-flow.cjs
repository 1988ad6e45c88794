// Stripe's own Node client (the `stripe` npm package), unchanged but for host, port and protocol, against the
// router's Stripe-compatible door: a payment, a decline, a manual capture in part, refunds and an over-refund, a list
// read by auto-pagination, and a key reused with other parameters. Run by StripeNodeClientTest, which passes:
//   STRIPE_NODE_MODULES  the node_modules folder `stripe` was installed into
//   ROUTER_HOST, ROUTER_PORT, ROUTER_API_KEY  where the door listens, and a merchant's key
// Prints one JSON line {"ok": true, ...} and exits 0, or prints what failed and exits 1.
'use strict';

const path = require('node:path');
const crypto = require('node:crypto');

const Stripe = require(path.join(process.env.STRIPE_NODE_MODULES, 'stripe'));
const stripe = new Stripe(process.env.ROUTER_API_KEY, {
  host: process.env.ROUTER_HOST,
  port: Number(process.env.ROUTER_PORT),
  protocol: 'http',
  maxNetworkRetries: 2,
  telemetry: false,
});

function check(condition, what) {
  if (!condition) {
    throw new Error('expected ' + what);
  }
}

async function refused(call, errorClass, what) {
  try {
    await call();
  } catch (error) {
    check(error instanceof errorClass, what + ' to raise ' + errorClass.name + ', got ' + error.type);
    return error;
  }
  throw new Error('expected ' + what + ' to be refused');
}

async function main() {
  const paid = await stripe.paymentIntents.create({
    amount: 1299, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { order_id: '42' },
  });
  check(paid.object === 'payment_intent' && paid.status === 'succeeded', 'a confirmed payment to succeed');
  check(paid.amount_received === 1299 && paid.currency === 'eur', 'the amount received in lower-case currency');
  check(paid.metadata.order_id === '42' && paid.metadata.router_provider, 'metadata and the router provider');

  const declined = await refused(() => stripe.paymentIntents.create({
    amount: 500, currency: 'eur', payment_method: 'pm_card_chargeDeclined', confirm: true,
  }), Stripe.errors.StripeCardError, 'a declined card');
  check(declined.decline_code === 'generic_decline' && declined.statusCode === 402, 'a generic decline, 402');

  const held = await stripe.paymentIntents.create({
    amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual',
  });
  check(held.status === 'requires_capture', 'a manual payment to be held');
  const captured = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 800 });
  check(captured.status === 'succeeded' && captured.amount_received === 800, 'a capture in part');

  const refund = await stripe.refunds.create({ payment_intent: captured.id, amount: 300 });
  check(refund.object === 'refund' && refund.status === 'succeeded', 'a refund to succeed');
  await refused(() => stripe.refunds.create({ payment_intent: captured.id, amount: 600 }),
    Stripe.errors.StripeInvalidRequestError, 'an over-refund');

  const listed = [];
  for await (const intent of stripe.paymentIntents.list({ limit: 2 })) {
    listed.push(intent.id);
  }
  check(listed.length === 3 && new Set(listed).size === 3, 'auto-pagination to list the 3 payments once each');

  const key = crypto.randomUUID();
  await stripe.paymentIntents.create({ amount: 100, currency: 'eur' }, { idempotencyKey: key });
  await refused(() => stripe.paymentIntents.create({ amount: 200, currency: 'eur' }, { idempotencyKey: key }),
    Stripe.errors.StripeIdempotencyError, 'a key reused with other parameters');

  console.log(JSON.stringify({ ok: true, paid: paid.id, listed: listed.length }));
}

main().catch((error) => {
  console.log(JSON.stringify({ ok: false, error: String(error && error.message ? error.message : error) }));
  process.exit(1);
});
