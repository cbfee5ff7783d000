"""Refresh the translations: ``python -m ui.i18n.update``.

Runs pyside6-lupdate over every module in ui/, fills each message of desk_copilot_zh_CN.ts from
``zh_CN_strings.ZH_CN`` (numerus forms included), reports strings that have no translation yet and
compiles the .qm with pyside6-lrelease.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from ui.i18n.zh_CN_strings import ZH_CN

HERE = Path(__file__).resolve().parent
UI = HERE.parent
TS = HERE / "desk_copilot_zh_CN.ts"
QM = HERE / "desk_copilot_zh_CN.qm"


def main() -> int:
    files = sorted(str(p) for p in UI.rglob("*.py") if "i18n" not in p.parts)
    subprocess.run(["pyside6-lupdate", *files, "-ts", str(TS), "-target-language", "zh_CN", "-no-obsolete",
                    "-locations", "none"], check=True, capture_output=True)
    tree = ET.parse(TS)
    missing: list[str] = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        text = ZH_CN.get(source)
        if text is None:
            missing.append(source)
            continue
        translation.attrib.pop("type", None)
        for child in list(translation):
            translation.remove(child)
        if message.get("numerus") == "yes":
            translation.text = None
            form = ET.SubElement(translation, "numerusform")
            form.text = text
        else:
            translation.text = text
    ET.indent(tree)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.run(["pyside6-lrelease", str(TS), "-qm", str(QM)], check=True, capture_output=True)
    for source in missing:
        sys.stdout.write(f"untranslated: {source!r}\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
