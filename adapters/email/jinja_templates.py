"""E-mail templates rendered with Jinja2: a subject, a plain-text part and an HTML part.

Each template is a folder ``templates/emails/<name>/`` holding ``subject.txt.j2``,
``body.txt.j2`` and ``body.html.j2``; the bodies extend the shared layouts in
``templates/layouts/``. HTML is autoescaped, text and subject are not. Undefined variables raise
(StrictUndefined), so a producer that forgets a field gets an error instead of a blank e-mail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import jinja2

from adapters.email.errors import MissingTemplateVariable, UnknownEmailTemplate
from application.ports.messaging import RenderedEmail

TEMPLATES_DIR = Path(__file__).parent / "templates"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CURRENCY_SYMBOLS = {"INR": "₹"}


def money(amount_minor: int, currency: str = "INR") -> str:
    """Integer minor units (paise) as a display amount: ``49900, "INR"`` → ``₹499.00``."""
    sign = "-" if amount_minor < 0 else ""
    units, minor = divmod(abs(int(amount_minor)), 100)
    symbol = _CURRENCY_SYMBOLS.get(currency)
    amount = f"{units:,}.{minor:02d}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


class JinjaEmailTemplates:
    """``EmailTemplates`` over the Jinja2 files next to this module."""

    def __init__(
        self,
        *,
        app_name: str = "FairArena",
        frontend_url: str = "http://localhost:5173",
        directory: Path = TEMPLATES_DIR,
    ) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["money"] = money
        self._env.globals.update(app_name=app_name, frontend_url=frontend_url.rstrip("/"))
        self._directory = directory

    def names(self) -> list[str]:
        """Every template name available."""
        emails = self._directory / "emails"
        return sorted(p.name for p in emails.iterdir() if (p / "subject.txt.j2").exists())

    def render(self, template: str, context: Mapping[str, object]) -> RenderedEmail:
        if not _NAME.match(template):
            raise UnknownEmailTemplate(f"no e-mail template named {template!r}")
        try:
            subject, text, html = (
                self._env.get_template(f"emails/{template}/{part}").render(dict(context))
                for part in ("subject.txt.j2", "body.txt.j2", "body.html.j2")
            )
        except jinja2.TemplateNotFound as exc:
            raise UnknownEmailTemplate(f"no e-mail template named {template!r}") from exc
        except jinja2.UndefinedError as exc:
            raise MissingTemplateVariable(f"template {template!r}: {exc.message}") from exc
        # A subject is one header line: never let a newline from the context through.
        return RenderedEmail(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)
