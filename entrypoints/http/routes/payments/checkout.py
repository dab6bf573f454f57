"""The development checkout: buy a plan in a browser without Razorpay (sandbox gateway only).

``/dev/checkout`` lists the plans and opens an order with your dev token; ``/dev/checkout/{id}``
plays Razorpay Checkout (a payment attempt + the signature Checkout would hand the browser), then
calls ``POST /api/v1/payments/verify`` exactly as a real frontend would. With Razorpay keys
configured, or in production, all of them answer 404: they do not exist.

Paying is safe to retry: the token is checked (it must own the order) before the sandbox takes
any money, a paid order hands back its one capture instead of capturing again, and the page
retries only the verify step after a capture.
"""

from __future__ import annotations

import html
import json

from aiohttp import web

from adapters.razorpay.sandbox import SandboxGateway
from application.payments.plans import ListPlans
from application.payments.queries import GetOwnPaymentByOrder
from application.ports.payment_gateway import GatewayOrder, GatewayRejected
from domain.errors import Conflict, NotFound
from entrypoints.http import envelope
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery

routes = ApiRoutes(tag="development")


def _sandbox(sandbox: SandboxGateway | None) -> SandboxGateway:
    if sandbox is None:  # Razorpay keys configured, or production
        raise NotFound("Not found")
    return sandbox


async def _order(gateway: SandboxGateway, order_id: str) -> GatewayOrder:
    try:
        return await gateway.fetch_order(order_id)
    except GatewayRejected as exc:
        raise NotFound(f"The sandbox gateway does not know order {order_id}") from exc


@routes.get("/dev/checkout", auth=Auth.NONE, raw=True, include_in_schema=False)
async def checkout_start(
    call: Call[NoBody, NoQuery], sandbox: SandboxGateway | None, list_plans: ListPlans
) -> web.Response:
    _sandbox(sandbox)
    plans = await list_plans()
    rows = "".join(
        f"<li>{html.escape(p.name)}: ₹{p.amount / 100:,.2f} → {p.credits} credits "
        f'<button data-plan="{html.escape(p.plan_id)}">Buy</button></li>'
        for p in plans
    )
    return _page("Buy credits (sandbox)", f"<ul>{rows}</ul>", _START_JS)


@routes.get("/dev/checkout/{orderId}", auth=Auth.NONE, raw=True, include_in_schema=False)
async def checkout_page(
    call: Call[NoBody, NoQuery], sandbox: SandboxGateway | None
) -> web.Response:
    gateway = _sandbox(sandbox)
    order_id = call.path["orderId"]
    try:
        order = await gateway.fetch_order(order_id)
    except GatewayRejected:
        return _unknown_order(order_id)
    paid = " disabled" if order.status == "paid" else ""
    body = (
        f"<p>Order <code>{html.escape(order.id)}</code>: "
        f"₹{order.amount / 100:,.2f} {html.escape(order.currency)} "
        f"(<span id=state>{html.escape(order.status)}</span>)</p>"
        f"<button id=pay{paid}>Pay</button> "
        f"<button id=decline{paid}>Decline the card</button>"
    )
    script = _PAY_JS.replace("__ORDER__", json.dumps(order.id))
    return _page("Sandbox checkout", body, script)


@routes.get("/dev/checkout/{orderId}/order", auth=Auth.NONE, raw=True, include_in_schema=False)
async def checkout_order(
    call: Call[NoBody, NoQuery], sandbox: SandboxGateway | None
) -> web.Response:
    """The order as the sandbox gateway sees it (the page refreshes its header from this)."""
    order = await _order(_sandbox(sandbox), call.path["orderId"])
    return envelope.success(
        {
            "orderId": order.id,
            "status": order.status,
            "amount": order.amount,
            "amountPaid": order.amount_paid,
            "attempts": order.attempts,
        }
    )


@routes.post("/dev/checkout/{orderId}/pay", auth=Auth.OPTIONAL, raw=True, include_in_schema=False)
async def checkout_pay(
    call: Call[NoBody, NoQuery], sandbox: SandboxGateway | None, own_payment: GetOwnPaymentByOrder
) -> web.Response:
    gateway = _sandbox(sandbox)
    order_id = call.path["orderId"]
    # The buyer's token first: a typo must not cost a capture (401/404 and nothing paid).
    await own_payment(call.user, order_id)
    await _order(gateway, order_id)
    succeed = call.request.query.get("outcome", "captured") != "failed"
    try:
        payment_id, signature = gateway.complete_checkout(order_id, succeed=succeed)
    except GatewayRejected as exc:  # declining a card on an order already paid
        raise Conflict(exc.message) from exc
    return web.json_response(
        {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": payment_id,
            "razorpay_signature": signature,
        }
    )


def _unknown_order(order_id: str) -> web.Response:
    body = (
        f"<p>The sandbox gateway does not know order <code>{html.escape(order_id)}</code>. "
        "It may come from another machine, or from before <code>var/</code> was reset.</p>"
        '<p><a href="/dev/checkout">Start a new order</a></p>'
    )
    return _page("Order not found", body, "", status=404)


def _page(title: str, body: str, script: str, *, status: int = 200) -> web.Response:
    document = f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui;max-width:40rem;margin:2rem auto}}pre{{background:#eee;
padding:1rem;white-space:pre-wrap}}input{{width:100%}}</style></head><body>
<h1>{title}</h1><p>Development only: no money moves. Token from
<code>.venv/bin/fairarena token you@example.com</code>:</p><input id=token placeholder="dev token">
{body}<pre id=out></pre><script>{_COMMON_JS}{script}</script></body></html>"""
    return web.Response(text=document, status=status, content_type="text/html")


_COMMON_JS = """
const tokenBox = document.getElementById('token');
tokenBox.value = localStorage.getItem('fairarena.devToken') || '';
tokenBox.onchange = () => localStorage.setItem('fairarena.devToken', tokenBox.value.trim());
const out = (v) => document.getElementById('out').textContent = JSON.stringify(v, null, 2);
const auth = () => ({'Authorization': 'Bearer ' + tokenBox.value.trim()});
async function api(path, body) {
  const r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json',
    ...auth()}, body: JSON.stringify(body)});
  return [r.status, await r.json()];
}
"""

_START_JS = """
document.querySelectorAll('button[data-plan]').forEach(b => b.onclick = async () => {
  const [status, res] = await api('/api/v1/payments/create-order', {planId: b.dataset.plan});
  if (status === 201) location.href = '/dev/checkout/' + res.data.orderId; else out(res);
});
"""

_PAY_JS = """
const ORDER = __ORDER__;
const buttons = [document.getElementById('pay'), document.getElementById('decline')];
let captured = null;  // a capture whose verify has not gone through yet: only verify is retried
async function refresh() {
  const r = await fetch('/dev/checkout/' + ORDER + '/order');
  if (!r.ok) return;
  const order = (await r.json()).data;
  document.getElementById('state').textContent = order.status;
  buttons.forEach(b => b.disabled = order.status === 'paid' && captured === null);
}
async function pay(outcome) {
  let checkout = outcome === 'captured' ? captured : null;
  if (checkout === null) {
    const r = await fetch('/dev/checkout/' + ORDER + '/pay?outcome=' + outcome,
                          {method: 'POST', headers: auth()});
    const answer = await r.json();
    if (!r.ok) { out({status: r.status, ...answer}); return; }  // nothing was paid
    checkout = answer;  // what Razorpay Checkout hands to its handler
    if (outcome === 'captured') captured = checkout;
  }
  const [status, res] = await api('/api/v1/payments/verify', checkout);
  if (status < 500 && status !== 401 && status !== 429) captured = null;  // settled either way
  out({status, ...res});
  await refresh();
}
buttons[0].onclick = () => pay('captured');
buttons[1].onclick = () => pay('failed');
"""
