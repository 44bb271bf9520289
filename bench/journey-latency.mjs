// Confirm-to-CONFIRMED latency of the local journey, as the SPA sees it. Needs ./run.sh running.
// Usage: node bench/journey-latency.mjs [runs]   (loopback only, bounded: runs x one booking)
import { execFileSync } from "node:child_process";

const api = "http://127.0.0.1:7071";
const emulator = "http://127.0.0.1:12111";
const runs = Number(process.argv[2] ?? 10);
const token = execFileSync("tools/mint-dev-token.sh", ["latency"]).toString().trim();
const spa = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
const stripe = { Authorization: "Basic " + Buffer.from("sk_test_emulator:").toString("base64"), "Content-Type": "application/x-www-form-urlencoded" };
const json = async (url, init) => { const r = await fetch(url, init); if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.json(); };

const seconds = [];
for (let i = 0; i < runs; i++) {
  const booking = await json(`${api}/api/bookings`, { method: "POST", headers: spa, body: JSON.stringify({ ticketTypeId: "standard", quantity: 1 }) });
  const intent = await json(`${api}/api/payments/intents`, { method: "POST", headers: spa, body: JSON.stringify({ bookingId: booking.id }) });
  const start = performance.now();
  await json(`${emulator}/v1/payment_intents/${intent.paymentIntentId}/confirm`, { method: "POST", headers: stripe, body: "payment_method=pm_card_visa&return_url=https%3A%2F%2Fspa.example%2Fbookings%2Freturn" });
  const deadline = start + 10_000;
  while ((await json(`${api}/api/bookings/${booking.id}`, { headers: spa })).status !== "CONFIRMED") {
    if (performance.now() > deadline) throw new Error(`booking ${booking.id} not CONFIRMED within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  seconds.push((performance.now() - start) / 1000);
}
seconds.sort((a, b) => a - b);
console.log(`confirm -> CONFIRMED over ${runs} journeys: min ${seconds[0].toFixed(3)} s, median ${seconds[Math.floor(runs / 2)].toFixed(3)} s, max ${seconds[runs - 1].toFixed(3)} s`);
