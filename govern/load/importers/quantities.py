"""Quantities written in card prose (`2290 tCO2eq`, `7.7M GPU hours`, `5.2 kWh`) as numbers.

A model card's energy and compute fields hold numbers in fixed units (kg CO2e, kWh, hours); cards
write them as a person would, with multipliers and units in many spellings. Each function returns
the first quantity of its kind in a text, converted, or None: a figure never comes from a guess
about a unit the text does not state.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_NUMBER = r"(?P<n>\d+(?:[,\s]\d{3})*(?:\.\d+)?|\.\d+)"
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
_MULTIPLIER = r"(?:\s*(?P<x>k|K|M|B|thousand|million|billion)\b|(?P<xs>[kKMB])(?=\s))?"
_CO2_UNIT = (
    r"(?P<u>g|kg|t|tonnes?|tons?|metric\s+tons?|lbs?|pounds?)\s*(?:of\s+)?"
    r"(?:co2|co₂|carbon(?:\s+dioxide)?)(?:\s*-?\s*(?:eq\b|e\b|equivalent|eq\.))?"
)
_CO2 = re.compile(_NUMBER + _MULTIPLIER + r"\s*" + _CO2_UNIT, re.IGNORECASE)
_MASS = re.compile(
    _NUMBER + _MULTIPLIER + r"\s*(?P<u>g|kg|t|tonnes?|tons?|metric\s+tons?|lbs?|pounds?)\b",
    re.IGNORECASE,
)
_TO_KG = {"g": 1e-3, "kg": 1.0, "t": 1e3, "ton": 1e3, "tonne": 1e3, "lb": 0.45359237}
_ENERGY = re.compile(_NUMBER + r"\s*(?P<u>Wh|kWh|MWh|GWh)\b")
_TO_KWH = {"wh": 1e-3, "kwh": 1.0, "mwh": 1e3, "gwh": 1e6}
_DEVICE_HOURS = re.compile(
    _NUMBER + _MULTIPLIER + r"\s*(?:GPU|TPU|accelerator|chip)[-\s]?hours\b", re.IGNORECASE
)
_HOURS = re.compile(_NUMBER + _MULTIPLIER + r"\s*(?:hours?|hrs?|h)?\b", re.IGNORECASE)
_FLOPS = re.compile(
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:[x\u00d7*]|\\times)\s*)?10\s*\^\s*\{?(?P<e>\d{1,3})\}?\s*FLOPs?\b"
    r"|(?P<sci>\d+(?:\.\d+)?[eE]\+?\d{1,3})\s*FLOPs?\b",
)
_HARDWARE = re.compile(
    r"\b(?:NVIDIA\s+|Nvidia\s+|AMD\s+|Google\s+|Intel\s+)?"
    r"(?:[HABL]\d{2,3}[A-Z]?|V100|T4|P100|K80|L4|L40S?|GH200|GB200|RTX\s?\d{4}|"
    r"TPU\s?v\d\w*|MI\d{3}X?|Gaudi\s?\d?)(?:[-\s]\d+\s?GB)?\b"
)
_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d{{2}})\b", re.IGNORECASE)
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_DMY = re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d{2})\b")


def _amount(match: re.Match[str]) -> float:
    value = float(re.sub(r"[,\s]", "", match.group("n")))
    scale = match.group("x") or match.group("xs")
    return value * _SCALE[scale.lower()] if scale else value


def _unit_kg(unit: str) -> float:
    unit = re.sub(r"^metric\s+", "", unit.lower()).rstrip("s")
    unit = "lb" if unit in ("lb", "pound") else unit
    return _TO_KG[unit]


def co2_kg(text: str, unit_implied: bool = False) -> float | None:
    """`2290 tCO2eq`, `240 tons CO2eq`, `1.5 kg` (when the field is about CO2) -> kilograms."""
    match = _CO2.search(text) or (_MASS.search(text) if unit_implied else None)
    if match is None:
        return None
    return _amount(match) * _unit_kg(match.group("u"))


def energy_kwh(text: str) -> float | None:
    """`5.2 kWh`, `1.2 MWh` -> kilowatt-hours."""
    match = _ENERGY.search(text)
    if match is None:
        return None
    return float(re.sub(r"[,\s]", "", match.group("n"))) * _TO_KWH[match.group("u").lower()]


def device_hours(text: str, unit_implied: bool = False) -> float | None:
    """`7.7M GPU hours`, `916k GPU hours` -> hours of compute; `2 hours` or `2.5` only where the
    field says it holds hours (`Hours used`), since prose counts hours of many other things."""
    match = _DEVICE_HOURS.search(text) or (_HOURS.match(text.strip(" ~")) if unit_implied else None)
    return _amount(match) if match else None


def training_flops(text: str) -> float | None:
    """`3.8 x 10^25 FLOPs` (or a multiplication sign), `3.8e25 FLOPs` -> operations."""
    match = _FLOPS.search(text)
    if match is None:
        return None
    if match.group("sci"):
        return float(match.group("sci"))
    return float(match.group("m") or 1) * 10.0 ** int(match.group("e"))


def hardware(text: str) -> str | None:
    """The accelerator a text names (`H100-80GB`, `NVIDIA A100`, `TPUv4`), as written."""
    match = _HARDWARE.search(text)
    return re.sub(r"\s+", " ", match.group(0)).strip() if match else None


def release_date(text: str) -> tuple[dt.date, bool] | None:
    """The first date a text states, and whether it gave the day (`February 2019` does not)."""
    for pattern in (_ISO, _DAY_MONTH_YEAR, _DMY):
        match = pattern.search(text)
        if match:
            month = match.group("m")
            number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                return dt.date(int(match.group("y")), number, int(match.group("d"))), True
            except ValueError:
                continue
    match = _MONTH_YEAR.search(text)
    if match:
        return dt.date(int(match.group("y")), _MONTHS[match.group("m").lower()], 1), False
    return None
