"""The development checkout: buy a plan in a browser without Razorpay (sandbox gateway only).

``/dev/checkout`` lists the plans and opens an order with your dev token; ``/dev/checkout/{id}``
plays Razorpay Checkout (a payment attempt + the signature Checkout would hand the browser), then
calls ``POST /api/v1/payments/verify`` exactly as a real frontend would. With Razorpay keys
configured, or in production, both answer 404: they do not exist.
"""

from __future__ import annotations

import html
import json

from aiohttp import web

from adapters.razorpay.sandbox import SandboxGateway
from domain.errors import NotFound
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery

routes = ApiRoutes(tag="development")


def _sandbox(call: Call[NoBody, NoQuery]) -> SandboxGateway:
    gateway = call.container.adapters.payment_gateway()
    if call.container.config().is_production or not isinstance(gateway, SandboxGateway):
        raise NotFound("Not found")
    return gateway


@routes.get("/dev/checkout", auth=Auth.NONE, raw=True, include_in_schema=False)
async def checkout_start(call: Call[NoBody, NoQuery]) -> web.Response:
    _sandbox(call)
    plans = await call.container.use_cases.list_plans()()
    rows = "".join(
        f"<li>{html.escape(p.name)}: ₹{p.amount / 100:,.2f} → {p.credits} credits "
        f'<button data-plan="{html.escape(p.plan_id)}">Buy</button></li>'
        for p in plans
    )
    return _page("Buy credits (sandbox)", f"<ul>{rows}</ul>", _START_JS)


@routes.get("/dev/checkout/{orderId}", auth=Auth.NONE, raw=True, include_in_schema=False)
async def checkout_page(call: Call[NoBody, NoQuery]) -> web.Response:
    gateway = _sandbox(call)
    order = await gateway.fetch_order(call.path["orderId"])
    body = (
        f"<p>Order <code>{html.escape(order.id)}</code>: "
        f"₹{order.amount / 100:,.2f} {html.escape(order.currency)} ({order.status})</p>"
        "<button id=pay>Pay</button> <button id=decline>Decline the card</button>"
    )
    script = _PAY_JS.replace("__ORDER__", json.dumps(order.id))
    return _page("Sandbox checkout", body, script)


@routes.post("/dev/checkout/{orderId}/pay", auth=Auth.NONE, raw=True, include_in_schema=False)
async def checkout_pay(call: Call[NoBody, NoQuery]) -> web.Response:
    gateway = _sandbox(call)
    succeed = call.request.query.get("outcome", "captured") != "failed"
    payment_id, signature = gateway.complete_checkout(call.path["orderId"], succeed=succeed)
    return web.json_response(
        {
            "razorpay_order_id": call.path["orderId"],
            "razorpay_payment_id": payment_id,
            "razorpay_signature": signature,
        }
    )


def _page(title: str, body: str, script: str) -> web.Response:
    document = f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui;max-width:40rem;margin:2rem auto}}pre{{background:#eee;
padding:1rem;white-space:pre-wrap}}input{{width:100%}}</style></head><body>
<h1>{title}</h1><p>Development only: no money moves. Token from
<code>fairarena token you@example.com</code>:</p><input id=token placeholder="dev token">
{body}<pre id=out></pre><script>{_COMMON_JS}{script}</script></body></html>"""
    return web.Response(text=document, content_type="text/html")


_COMMON_JS = """
const tokenBox = document.getElementById('token');
tokenBox.value = localStorage.getItem('fairarena.devToken') || '';
tokenBox.onchange = () => localStorage.setItem('fairarena.devToken', tokenBox.value.trim());
const out = (v) => document.getElementById('out').textContent = JSON.stringify(v, null, 2);
async function api(path, body) {
  const r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json',
    'Authorization': 'Bearer ' + tokenBox.value.trim()}, body: JSON.stringify(body)});
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
async function pay(outcome) {
  const r = await fetch('/dev/checkout/' + __ORDER__ + '/pay?outcome=' + outcome,
                        {method: 'POST'});
  const checkout = await r.json();  // what Razorpay Checkout hands to its handler
  const [status, res] = await api('/api/v1/payments/verify', checkout);
  out({status, ...res});
}
document.getElementById('pay').onclick = () => pay('captured');
document.getElementById('decline').onclick = () => pay('failed');
"""
