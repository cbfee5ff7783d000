"""The Prompts workspace's Form tab: a template's front matter as fields (names, description,
category, tags, version, model options, inputs). It edits the raw text's front matter only — the
raw text stays the source of truth and the body is never touched."""

from __future__ import annotations

from typing import Any, Literal

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from copilot.prompts.schema import TemplateSpec

__all__ = ["TemplateForm"]

_INPUT_TYPES = ("text", "string", "number", "choice", "boolean")
_APPLIES = ("any", "docx", "xlsx", "pptx", "code", "text")
_OUTPUTS = ("popup", "replace", "new_document", "json")


class TemplateForm(QWidget):
    """Fields for a template's front matter; ``sig_edited`` when the user changed one."""

    sig_edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        layout = QFormLayout(self)
        self.f_id = QLabel()
        self.f_name_zh, self.f_name_en = QLineEdit(), QLineEdit()
        self.f_desc_zh, self.f_desc_en = QLineEdit(), QLineEdit()
        self.f_category = QLineEdit()
        self.f_tags = QLineEdit()
        self.f_version = QSpinBox()
        self.f_version.setRange(1, 100000)
        self.f_applies = QComboBox()
        self.f_applies.addItems(_APPLIES)
        self.f_output = QComboBox()
        self.f_output.addItems(_OUTPUTS)
        self.f_temperature = QDoubleSpinBox()
        self.f_temperature.setRange(0, 2)
        self.f_temperature.setSingleStep(0.1)
        self.f_max_tokens = QSpinBox()
        self.f_max_tokens.setRange(0, 1_000_000)
        self.f_favourite = QCheckBox()
        self.f_inputs = QTableWidget(0, 4)
        self.f_inputs.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.f_inputs.verticalHeader().hide()
        self._labels: list[QLabel] = []
        for widget in (self.f_id, self.f_name_zh, self.f_name_en, self.f_desc_zh, self.f_desc_en, self.f_category,
                       self.f_tags, self.f_version, self.f_applies, self.f_output, self.f_temperature,
                       self.f_max_tokens, self.f_favourite, self.f_inputs):
            label = QLabel()
            self._labels.append(label)
            layout.addRow(label, widget)
        for w in (self.f_name_zh, self.f_name_en, self.f_desc_zh, self.f_desc_en, self.f_category, self.f_tags):
            w.editingFinished.connect(self._edited)
        for s in (self.f_version, self.f_max_tokens):
            s.editingFinished.connect(self._edited)
        self.f_temperature.editingFinished.connect(self._edited)
        for c in (self.f_applies, self.f_output):
            c.activated.connect(self._edited)
        self.f_favourite.toggled.connect(self._edited)
        self.f_inputs.itemChanged.connect(self._edited)
        self.retranslate()

    def _edited(self, *_args: object) -> None:
        if not self._filling:
            self.sig_edited.emit()

    def retranslate(self) -> None:
        labels = (self.tr("Id"), self.tr("Name (中文)"), self.tr("Name (English)"), self.tr("Description (中文)"),
                  self.tr("Description (English)"), self.tr("Category"), self.tr("Tags"), self.tr("Version"),
                  self.tr("Applies to"), self.tr("Output"), self.tr("Temperature"), self.tr("Max tokens"),
                  self.tr("Favourite"), self.tr("Inputs"))
        for label, text in zip(self._labels, labels, strict=True):
            label.setText(text)
        self.f_inputs.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Type"), self.tr("Default"),
                                                 self.tr("Description")])
        self.f_tags.setPlaceholderText(self.tr("comma separated"))
        self.f_max_tokens.setSpecialValueText(self.tr("default"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def fill(self, spec: TemplateSpec, lang: Literal["zh", "en"]) -> None:
        """Show ``spec`` (input descriptions in ``lang``) without emitting ``sig_edited``."""
        self._filling = True
        try:
            self.f_id.setText(spec.id)
            self.f_name_zh.setText(spec.name.zh)
            self.f_name_en.setText(spec.name.en)
            self.f_desc_zh.setText(spec.description.zh)
            self.f_desc_en.setText(spec.description.en)
            for edit in (self.f_desc_zh, self.f_desc_en):
                edit.setCursorPosition(0)  # show a long description from its start, not its end
                edit.setToolTip(edit.text())
            self.f_category.setText(spec.category)
            self.f_tags.setText(", ".join(spec.tags))
            self.f_version.setValue(spec.version)
            self.f_applies.setCurrentText(spec.applies_to)
            self.f_output.setCurrentText(spec.output)
            self.f_temperature.setValue(spec.model.temperature or 0.0)
            self.f_max_tokens.setValue(spec.model.max_tokens or 0)
            self.f_favourite.setChecked(spec.favourite)
            self.f_inputs.setRowCount(0)
            for name, ispec in spec.inputs.items():
                row = self.f_inputs.rowCount()
                self.f_inputs.insertRow(row)
                default = "" if ispec.default is None else str(ispec.default)
                for col, value in enumerate((name, ispec.type, default, ispec.description.get(lang))):
                    cell = QTableWidgetItem(value)
                    if col == 0:
                        cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.f_inputs.setItem(row, col, cell)
        finally:
            self._filling = False

    def update_front(self, front: dict[str, Any]) -> dict[str, Any]:
        """``front`` (a parsed front matter) with the fields' values written into it."""
        front["name"] = {"zh": self.f_name_zh.text(), "en": self.f_name_en.text()}
        front["description"] = {"zh": self.f_desc_zh.text(), "en": self.f_desc_en.text()}
        front["category"] = self.f_category.text().strip()
        front["tags"] = [t.strip() for t in self.f_tags.text().split(",") if t.strip()]
        front["version"] = self.f_version.value()
        front["applies_to"] = self.f_applies.currentText()
        front["output"] = self.f_output.currentText()
        model = dict(front.get("model") or {})
        model["temperature"] = round(self.f_temperature.value(), 2)
        if self.f_max_tokens.value():
            model["max_tokens"] = self.f_max_tokens.value()
        else:
            model.pop("max_tokens", None)
        front["model"] = model
        if self.f_favourite.isChecked():
            front["favourite"] = True
        else:
            front.pop("favourite", None)
        inputs = dict(front.get("inputs") or {})
        for row in range(self.f_inputs.rowCount()):
            name_item = self.f_inputs.item(row, 0)
            if name_item is None or name_item.text() not in inputs:
                continue
            spec = dict(inputs[name_item.text()] or {})
            type_item, default_item = self.f_inputs.item(row, 1), self.f_inputs.item(row, 2)
            if type_item is not None and type_item.text() in _INPUT_TYPES:
                spec["type"] = type_item.text()
            if default_item is not None:
                if default_item.text():
                    spec["default"] = default_item.text()
                else:
                    spec.pop("default", None)
            inputs[name_item.text()] = spec
        front["inputs"] = inputs
        return front
