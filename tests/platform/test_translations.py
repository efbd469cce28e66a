"""Every message id in the code and templates has its Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext_": None, "N_": None, "ngettext": (1, 2)}


def code_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("web", "schemas", "store", "baton", "activities", "workflows"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                found.add(message)
            elif isinstance(message, tuple) and message[0]:
                found.add(message[0])
    return found


def test_every_message_has_a_chinese_translation() -> None:
    with (ROOT / "schemas/kernel/locales/zh_CN/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(code_messages() - translated)
    assert not missing, f"untranslated: {missing}"
