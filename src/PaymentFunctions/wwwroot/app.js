// The demo SPA: what the platform's SPA does with this API, in one page without a build step. It signs in with a
// development token (POST /dev/token, Development and loopback only), books, pays in the page as Stripe.js would
// (the PaymentIntent's client secret and a publishable key, straight to Stripe or the emulator) or through Stripe
// Checkout, and polls the booking so its status and history update live. Everything shown is set with textContent.
'use strict';

const TEST_CARDS = [
  ['pm_card_visa', 'Visa 4242 (succeeds)'],
  ['pm_card_mastercard', 'Mastercard 4444 (succeeds)'],
  ['pm_card_chargeDeclined', 'Visa 0002 (declined)'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'Visa 9995 (insufficient funds)'],
  ['pm_card_authenticationRequired', 'Visa 3184 (needs 3-D Secure)'],
  ['pm_card_refundFail', 'Visa 5126 (its refund fails later)'],
];
const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);
const session = window.sessionStorage;
const state = { config: null, token: session.getItem('token'), userId: session.getItem('userId'), bookingId: null, pollTimer: null, seen: null };

function bookings() { return JSON.parse(session.getItem('bookings:' + state.userId) || '[]'); }

function setText(id, text) { $(id).textContent = text ?? ''; }

function showError(text) { setText('error', text); }

function problemText(answer) {
  const p = answer.json || {};
  const errors = p.errors ? ' ' + Object.entries(p.errors).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; ') : '';
  return `${answer.status} ${p.title || ''}${p.detail ? ': ' + p.detail : ''}${errors}`;
}

function money(minor, currency) {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  return format.format(minor / 10 ** format.resolvedOptions().maximumFractionDigits);
}

async function call(method, path, body, idempotent) {
  const headers = {};
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // A new key per user action: a retry of the same action by the browser cannot book or refund twice.
  if (idempotent) headers['Idempotency-Key'] = '"' + crypto.randomUUID() + '"';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, ok: response.ok, json: text ? JSON.parse(text) : null };
}

async function signIn(event) {
  event.preventDefault();
  const answer = await call('POST', '/dev/token', { userId: $('user').value.trim() });
  if (!answer.ok) return showError('Sign-in failed: ' + problemText(answer));
  state.token = answer.json.token;
  state.userId = answer.json.userId;
  session.setItem('token', state.token);
  session.setItem('userId', state.userId);
  showError('');
  selectBooking(null);
  showSignedIn();
}

function showSignedIn() {
  setText('signed-in-as', `Signed in as ${state.userId}`);
  $('book-section').hidden = false;
  $('cards-section').hidden = false;
  renderBookingList();
  loadCards();
}

async function book(event) {
  event.preventDefault();
  const answer = await call('POST', '/api/bookings', { ticketTypeId: $('ticket-type').value, quantity: Number($('quantity').value) }, true);
  if (answer.status !== 201) return showError('Booking failed: ' + problemText(answer));
  showError('');
  session.setItem('bookings:' + state.userId, JSON.stringify([...bookings(), answer.json.id]));
  selectBooking(answer.json.id);
}

function renderBookingList() {
  const list = $('booking-list');
  list.replaceChildren(...bookings().map((id) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = id;
    button.addEventListener('click', () => selectBooking(id));
    return button;
  }));
}

function selectBooking(id) {
  state.bookingId = id;
  state.seen = null;
  clearTimeout(state.pollTimer);
  $('booking-section').hidden = !id;
  for (const field of ['booking-id', 'booking-status', 'booking-reason', 'booking-amount', 'booking-refunded', 'payment-status', 'payment-message', 'cancel-message']) setText(field, '');
  $('booking-history').replaceChildren();
  $('booking-refunds').replaceChildren();
  renderBookingList();
  if (id) poll();
}

// Live status: the booking read again every second while the page is visible (2 storage round trips: the booking
// and its history), and its payment (1 more) only when the booking changed, which is when Stripe's news has arrived.
async function poll() {
  const id = state.bookingId;
  if (!document.hidden) {
    const booking = await call('GET', `/api/bookings/${encodeURIComponent(id)}`);
    if (id !== state.bookingId) return;
    if (!booking.ok) showError('Reading the booking failed: ' + problemText(booking));
    else {
      renderBooking(booking.json);
      const seen = JSON.stringify([booking.json.status, booking.json.history.length, booking.json.amountRefunded, booking.json.refunds]);
      if (seen !== state.seen) {
        state.seen = seen;
        const payment = await call('GET', `/api/payments/${encodeURIComponent(id)}`);
        if (id !== state.bookingId) return;
        if (payment.ok) renderPayment(payment.json.payment);
      }
    }
  }
  state.pollTimer = setTimeout(poll, POLL_MS);
}

function renderBooking(b) {
  setText('booking-id', b.id);
  const status = $('booking-status');
  status.textContent = b.status;
  status.className = 'status ' + b.status;
  const last = b.history[b.history.length - 1];
  setText('booking-reason', last && last.reason ? `(${last.reason})` : '');
  setText('booking-amount', `${money(b.amount, b.currency)} (${b.quantity} x ${b.ticketTypeId})`);
  setText('booking-refunded', money(b.amountRefunded, b.currency));
  $('booking-history').replaceChildren(...b.history.map((h) => {
    const item = document.createElement('li');
    item.textContent = `${new Date(h.at).toLocaleTimeString()}  ${h.from ?? '-'} -> ${h.to}  (${h.cause}${h.reason ? ', ' + h.reason : ''})`;
    return item;
  }));
  $('booking-refunds').replaceChildren(...b.refunds.map((r) => {
    const item = document.createElement('li');
    item.textContent = `${r.id}: ${money(r.amount, b.currency)} ${r.status}${r.failureReason ? ' (' + r.failureReason + ')' : ''}`;
    return item;
  }));
}

function renderPayment(p) {
  setText('payment-status', p ? `${p.status}${p.failureMessage ? ': ' + p.failureMessage : ''}` : 'nothing reported by Stripe yet');
}

// In the page: the booking's PaymentIntent from this API, then the confirm Stripe.js would send from the browser,
// with the client secret and the publishable key as form fields (a CORS simple request, as Stripe.js sends it).
async function pay(event) {
  event.preventDefault();
  setText('payment-message', 'Paying...');
  const intent = await call('POST', '/api/payments/intents', { bookingId: state.bookingId, savePaymentMethod: $('save-card').checked }, true);
  if (!intent.ok) return setText('payment-message', 'No PaymentIntent: ' + problemText(intent));
  const { stripe } = state.config;
  const form = new URLSearchParams({
    payment_method: $('card').value,
    client_secret: intent.json.clientSecret,
    key: stripe.publishableKey,
    return_url: `${location.origin}/?booking_id=${encodeURIComponent(state.bookingId)}`,
  });
  const response = await fetch(`${stripe.apiBase}/v1/payment_intents/${encodeURIComponent(intent.json.paymentIntentId)}/confirm`, { method: 'POST', body: form });
  const confirmed = await response.json();
  if (!response.ok) return setText('payment-message', `Stripe: ${confirmed.error.message}`);
  const next = confirmed.next_action && confirmed.next_action.redirect_to_url;
  setText('payment-message', confirmed.status === 'succeeded'
    ? 'Stripe: payment succeeded. The booking follows when the webhook has been processed.'
    : `Stripe: ${confirmed.status}${next ? ' (the customer would authenticate at ' + next.url + ')' : ''}`);
  loadCards();
}

// Stripe Checkout: the app creates the session, the browser goes to Stripe's page and comes back with
// ?session_id=...&booking_id=...
async function payWithCheckout() {
  const answer = await call('POST', '/api/payments/checkout-sessions', { bookingId: state.bookingId, returnPath: '/' }, true);
  if (answer.status !== 201) return setText('payment-message', 'No Checkout session: ' + problemText(answer));
  window.location = answer.json.url;
}

async function cancelBooking() {
  const answer = await call('POST', `/api/bookings/${encodeURIComponent(state.bookingId)}/cancel`, undefined, true);
  if (!answer.ok) return setText('cancel-message', 'Not cancelled: ' + problemText(answer));
  const refund = answer.json.refund;
  setText('cancel-message', refund
    ? `Refund ${refund.id} ${refund.status}: the booking is cancelled when Stripe reports the refund.`
    : 'Cancelled: the booking was unpaid.');
}

async function loadCards() {
  const answer = await call('GET', '/api/payment-methods');
  if (!answer.ok) return showError('Reading saved cards failed: ' + problemText(answer));
  $('saved-cards').replaceChildren(...answer.json.data.map((card) => {
    const item = document.createElement('li');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      const removed = await call('DELETE', `/api/payment-methods/${encodeURIComponent(card.id)}`);
      if (removed.status !== 204) showError('Removing the card failed: ' + problemText(removed));
      loadCards();
    });
    item.append(`${card.brand} ending ${card.last4}, expires ${card.expMonth}/${card.expYear} (${card.id}) `, remove);
    return item;
  }));
  const saved = answer.json.data.map((card) => [card.id, `Saved ${card.brand} ${card.last4}`]);
  fillSelect($('card'), [...TEST_CARDS, ...saved], $('card').value);
}

function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => new Option(label, value, false, value === selected)));
}

async function start() {
  $('sign-in').addEventListener('submit', signIn);
  $('book').addEventListener('submit', book);
  $('pay').addEventListener('submit', pay);
  $('pay-checkout').addEventListener('click', payWithCheckout);
  $('cancel-button').addEventListener('click', cancelBooking);
  $('refresh-cards').addEventListener('click', loadCards);
  fillSelect($('card'), TEST_CARDS, 'pm_card_visa');

  const config = await call('GET', '/dev/config');
  if (!config.ok) return showError('The demo is not available: ' + problemText(config));
  state.config = config.json;
  fillSelect($('ticket-type'), state.config.ticketTypes.map((t) => [t.id, `${t.name} (${money(t.unitAmount, t.currency)})`]), 'standard');
  $('pay-checkout').hidden = !state.config.checkout;

  if (state.token) {
    showSignedIn();
    // Back from Stripe Checkout (or a redirect-based payment): show that booking.
    const params = new URLSearchParams(location.search);
    if (params.get('booking_id')) {
      selectBooking(params.get('booking_id'));
      if (params.get('session_id')) setText('payment-message', `Back from Checkout (${params.get('session_id')}).`);
      history.replaceState(null, '', '/');
    }
  }
}

start();
