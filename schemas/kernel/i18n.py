"""Translation catalogue: English message ids, zh-CN (default) and English.

Catalogues are the ``.po`` files under schemas/kernel/locales, maintained with Babel
(``make messages`` extracts and updates them). They are compiled in memory at start-up, so a
fresh clone needs no build step. The reader's language lives in a context variable set per
request, which templates and error messages both read.
"""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> gettext.NullTranslations:
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_(message: str, **params: object) -> str:
    text = translations(current_language.get()).gettext(message)
    return text % params if params else text


def translate_in(language: str, message: str, params: dict[str, object] | None = None) -> str:
    """Render a message for someone other than the current reader (e-mail, stored titles)."""
    text = translations(language).gettext(message)
    return text % params if params else text


def ngettext_(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(current_language.get()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def normalise_language(value: str | None) -> str | None:
    """Map ``zh``, ``zh-CN``, ``zh_Hans``, ``en-US``... onto a supported catalogue."""
    if not value:
        return None
    value = value.strip().replace("-", "_").lower()
    if value.startswith("zh"):
        return "zh_CN"
    if value.startswith("en"):
        return "en"
    return None


def negotiate(accept_language: str | None) -> str | None:
    """The first supported language in an Accept-Language header, by q-weight."""
    if not accept_language:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        piece = part.strip().split(";")
        quality = 1.0
        for param in piece[1:]:
            if param.strip().startswith("q="):
                try:
                    quality = float(param.strip()[2:])
                except ValueError:
                    quality = 0.0
        language = normalise_language(piece[0])
        if language and quality > 0:
            weighted.append((-quality, position, language))
    return sorted(weighted)[0][2] if weighted else None
