"""Every user-facing text has a Chinese translation with the same placeholders."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "volunteer_hub" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w*\}")


def catalogue():
    with PO.open("rb") as fh:
        return read_po(fh)


def ids(message):
    return message.id if isinstance(message.id, tuple) else (message.id,)


def strings(message):
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_text_in_the_code_is_in_the_chinese_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "extract",
            "-F",
            ROOT / "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "pgettext:1c,2",
            "-o",
            pot,
            ROOT / "volunteer_hub",
        ],
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        extracted = {(m.context, ids(m)[0]) for m in read_po(fh) if m.id}
    translated = {(m.context, ids(m)[0]) for m in catalogue() if m.id and all(strings(m))}

    missing = sorted(text for _, text in extracted - translated)
    assert not missing, f"untranslated (run `make extract`, then translate): {missing[:10]}"


def test_translations_keep_every_placeholder():
    for message in catalogue():
        if not message.id:
            continue
        for string in strings(message):
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(ids(message)[-1])), message.id
