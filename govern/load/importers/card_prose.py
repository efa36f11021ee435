"""Model-card prose (Mitchell et al., the Hugging Face template and their variants) into our fields.

Cards are written for people: a heading says what the text under it is about, a bold lead
(`**Model developer:** Meta`) names a value, a table holds benchmark results. Headings and keys are
matched after folding case, punctuation and plurals, at any heading level, against the synonyms
below; text under a heading nobody recognises stays in `unmapped`, never guessed into a field.
Every value keeps its source: the key's line, the table row's, or the heading's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from govern.load.documents import FieldPath
from govern.load.importers import quantities
from govern.load.importers.card_tables import table_results
from govern.load.importers.mapping import Mapping, text
from govern.load.importers.markdown import Section, bullet_items, plain

# What a section says once placeholders and template defaults are taken out (None: nothing).
BodyOf = Callable[[Section], str | None]

# (heading synonyms, our field, whether it is a list). Text fields take the first match in the
# card's order; list fields gather every matching section.
HEADINGS: tuple[tuple[tuple[str, ...], FieldPath, bool], ...] = (
    (
        (
            "intended use",
            "intended use case",
            "primary intended use",
            "direct use",
            "evaluated use",
            "intended uses and limitation",
            "use case",
            "intended purpose",
            "model use",
            "use",
        ),
        ("intended_purpose", "description"),
        False,
    ),
    (("downstream use",), ("intended_purpose", "deployment_context"), False),
    (("primary intended user", "intended user"), ("intended_purpose", "users"), True),
    (
        (
            "out of scope use",
            "out of scope use case",
            "out of scope",
            "prohibited use",
            "misuse and out of scope use",
            "misuse malicious use and out of scope use",
        ),
        ("out_of_scope", "uses"),
        True,
    ),
    (
        ("misuse", "misuse and malicious use", "foreseeable misuse"),
        ("out_of_scope", "foreseeable_misuse"),
        True,
    ),
    (
        (
            "limitation",
            "bias risk and limitation",
            "risk and limitation",
            "known limitation",
            "performance and limitation",
            "ethical consideration and limitation",
            "limitation and bias",
            "bias and limitation",
            "caveat",
            "data performance and limitation",
        ),
        ("limitations", "known_limitations"),
        True,
    ),
    (("recommendation", "caveat and recommendation"), ("limitations", "recommendations"), True),
    (
        ("broader implication", "broader impact", "ethical consideration", "societal impact"),
        ("limitations", "foreseeable_unintended_outcomes"),
        True,
    ),
    (("factor", "relevant factor"), ("disaggregated", "factors"), True),
    (
        ("bias and fairness", "fairness", "quantitative analyse", "disaggregated evaluation"),
        ("disaggregated", "summary"),
        False,
    ),
    (
        ("how to get started with the model", "how to use", "usage"),
        ("instructions", "instructions_for_use"),
        False,
    ),
    (
        ("training procedure", "pre training", "pretraining", "training"),
        ("training", "method"),
        False,
    ),
    (("preprocessing",), ("training", "preprocessing"), False),
    (
        ("training data", "data", "dataset", "training dataset", "data collection"),
        ("gpai", "training_content_summary"),
        False,
    ),
    (("model examination",), ("explainability", "methods"), True),
    (("model type",), ("architecture", "model_type"), False),
    (
        ("model architecture and objective", "model architecture", "architecture"),
        ("architecture", "architecture_family"),
        False,
    ),
    (("compute infrastructure",), ("runtime", "compute_requirements"), False),
    (("hardware",), ("runtime", "hardware"), False),
    (("software", "framework version"), ("runtime", "software"), True),
    (
        (
            "model card contact",
            "where to send question or comment about the model",
            "feedback",
            "contact",
        ),
        ("feedback", "contact"),
        False,
    ),
    (("model version",), ("identity", "version"), False),
    (("model date", "release date", "model release date"), ("identity", "release_date"), False),
    (("license", "licence"), ("licence", "id"), False),
)

# (key synonyms, our field, whether it is a list): bold leads and `- Key: value` bullets.
KEYS: tuple[tuple[tuple[str, ...], FieldPath, bool], ...] = (
    (
        (
            "developed by",
            "model developer",
            "developer",
            "model developed by",
            "organization",
            "created by",
            "model creator",
        ),
        ("provider", "name"),
        False,
    ),
    (("model type", "type"), ("architecture", "model_type"), False),
    (("model architecture", "architecture"), ("architecture", "architecture_family"), False),
    (("license", "licence", "model license"), ("licence", "id"), False),
    (
        ("model release date", "release date", "model date", "date"),
        ("identity", "release_date"),
        False,
    ),
    (("repository", "model repository", "code"), ("identity", "repository"), False),
    (("model version", "version"), ("identity", "version"), False),
    (
        ("intended use case", "intended use", "primary intended use", "direct use"),
        ("intended_purpose", "description"),
        False,
    ),
    (("out of scope", "out of scope use", "out of scope use case"), ("out_of_scope", "uses"), True),
    (("status",), ("runtime", "update_policy"), False),
    (("feedback", "contact", "model card contact"), ("feedback", "contact"), False),
    (("hardware type", "hardware"), ("compute_energy", "hardware"), False),
    (("compute region", "region"), ("compute_energy", "region"), False),
    (("overview",), ("gpai", "training_content_summary"), False),
    (("input", "input modality", "model input"), ("io", "inputs"), False),
    (("output", "output modality", "model output"), ("io", "outputs"), False),
)

KEY_NAMES = tuple(name for names, _, _ in KEYS for name in names)
_ENVIRONMENT = re.compile(
    r"environmental impact|hardware|carbon|emission|energy|compute|training factor|footprint"
    r"|speeds sizes time|technical specification",
)
_EVALUATION = re.compile(r"benchmark|evaluation|result|performance|quantitative|metric|score")
_ENV_KEY = re.compile(
    r"carbon|emission|energy|footprint|hour|co2|power|gpu|training time|flop|compute"
)
_NOT_FOR = re.compile(
    r"\b(?:do not (?:currently )?recommend|not recommended|caution against|advise against"
    r"|(?:are|is) (?:explicitly )?not intended|should not be used|must not be used"
    r"|not (?:\w+ )?appropriate|prohibit\w*|out[- ]of[- ]scope)\b",
    re.IGNORECASE,
)
_DESCRIPTIONS = frozenset(
    ("model detail", "model description", "overview", "model summary", "model information")
)
_ARCHITECTURE = re.compile(
    r"\b(?:backbone|architecture|transformers?|encoders?|decoders?|convolutional|auto-?regressive"
    r"|diffusion models?|mixture[- ]of[- ]experts|ResNet\w*|ViT[\w/-]*|U-?Net|LSTM|GRU)\b",
    re.IGNORECASE,
)
_HF_DATASET = re.compile(
    r"(?:huggingface\.co/datasets/|`)([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)(?=[`/)\s.,]|$)"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_PROVIDER = re.compile(
    r"(?:developed|trained and released|released|created|built|trained|maintained) by "
    r"(?:researchers at |the )?(?P<name>[A-Z][\w&-]*(?:\.[\w&-]+)*(?:\s+[A-Z][\w&-]*)*)"
    r"|[Rr]esearchers at (?P<name2>[A-Z][\w&-]*) (?:developed|trained|built|created)"
)
_TITLE_NAME = (
    re.compile(r"^model[\s-]?card\s*(?:for|of|:|-|\u2013|\u2014)\s*(?P<name>.+)$", re.IGNORECASE),
    re.compile(r"^(?P<name>.+?)\s*(?:model[\s-]?card)$", re.IGNORECASE),
)
_SHORT_TEXT = (
    ("provider", "name"),
    ("architecture", "model_type"),
    ("compute_energy", "region"),
    ("compute_energy", "hardware"),
)
_DASHES = " :-\u2013\u2014"
_SUBJECT = re.compile(
    r"^(?:The\s+)?(?:Meta\s+)?(?P<name>[A-Z][\w-]*(?:\s+\d+(?:\.\d+)*)?)"
    r"(?:\s+(?:models?|collection|family)\b[^.]*?)?\s+(?:is|are)\s"
)
_PRONOUNS = ("This", "These", "It", "Our", "We", "That", "Each", "All", "There", "Model")
_NOT_NAMES = (
    "model details",
    "overview",
    "model information",
    "introduction",
    "model description",
    "model id",
    "model summary",
    "summary",
    "about",
    "table of contents",
    "model card",
)


def canon(title: str) -> str:
    """How titles and keys match: `Out-of-Scope Uses:` -> `out of scope use`,
    `Bias, Risks, and Limitations` -> `bias risk and limitation`."""
    words = re.sub(r"[^a-z0-9]+", " ", plain(title).lower().replace("&", " and ")).split()
    return " ".join(_singular(w) for w in words if w not in ("the", "a", "an"))


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class ProseReader:
    """Maps a card's sections into a Mapping, marking what it took as used."""

    def __init__(self, mapping: Mapping, key: str, sections: list[Section]) -> None:
        self.m = mapping
        self.key = key
        self.sections = sections

    # ------------------------------------------------------------------------------------------
    # Source paths

    def src(self, section: Section) -> FieldPath:
        if section.field_titles or section.tables:
            return (self.key, section.title, "text")
        return (self.key, section.title)

    def field_src(self, section: Section, field: str) -> FieldPath:
        return (self.key, section.title, section.field_titles[field])

    def line_src(self, section: Section, line: int) -> FieldPath:
        """A path with the position of one prose line (not a value of its own in the source)."""
        return (self.key, section.title, "line", line)

    # ------------------------------------------------------------------------------------------

    def read(self, body_of: BodyOf) -> None:
        """Everything this module knows how to read, in order of reliability."""
        self.key_fields()
        self.heading_fields(body_of)
        self.environment()
        self.evaluation()
        self.dataset_links()
        self.provider_from_prose()
        self.release_section()
        self.out_of_scope_sentences()
        self.architecture_sentence()

    def architecture_sentence(self) -> None:
        """`the backbone is a Swin-B transformer`: the first sentence of a card's description that
        names the architecture, when no field or section gives it."""
        if self.m.peek(("architecture", "architecture_family")) is not None:
            return
        for section in self.sections:
            if canon(section.title) not in _DESCRIPTIONS:
                continue
            for line, row in paragraphs(section):
                for sentence in re.split(r"(?<=[.!?])\s+", plain(row)):
                    if _ARCHITECTURE.search(sentence):
                        dst = ("architecture", "architecture_family")
                        self.m.set(dst, sentence, self.line_src(section, line), use=False)
                        return

    def release_section(self) -> None:
        """`## Model Releases` listing tags with their dates: the first date is the release's."""
        for section in self.sections:
            if canon(section.title).startswith(("model release", "release")):
                for field, value in section.fields.items():
                    self._date(value, self.field_src(section, field))
                for line, row in section.prose_lines:
                    self._date(row, self.line_src(section, line))

    def out_of_scope_sentences(self) -> None:
        """`we do not recommend it for commercial use` inside a use section, when the card has no
        out-of-scope section of its own: the sentence is the out-of-scope use, as written."""
        if self.m.peek(("out_of_scope", "uses")):
            return
        uses = _canon_all(HEADINGS[0][0])
        for section in self.sections:
            if canon(section.title) not in uses:
                continue
            for line, row in paragraphs(section):
                for sentence in re.split(r"(?<=[.!?])\s+", plain(row)):
                    if _NOT_FOR.search(sentence):
                        self.m.append(
                            ("out_of_scope", "uses"),
                            sentence,
                            self.line_src(section, line),
                            use=False,
                        )

    def heading_fields(self, body_of: BodyOf) -> None:
        for section in self.sections:
            found = _heading_field(canon(section.title))
            if found is None:
                continue
            dst, as_list = found
            body, src = body_of(section), self.src(section)
            if body is None and section.body:
                self.m.use(src)  # a placeholder or a template's default sentence
            if as_list:
                for item in _items(body) if body else []:
                    self.m.append(dst, item, src)
                self.list_fields(section, dst)
            elif body is not None:
                self.place(dst, body, src)

    def list_fields(self, section: Section, dst: FieldPath) -> None:
        """`- **Clinical use:** not supported` items of a list section, as `Clinical use: ...`."""
        for field, value in section.fields.items():
            if value and not any(canon(field) in _canon_all(names) for names, _, _ in KEYS):
                title = section.field_titles[field]
                self.m.append(dst, f"{title}: {value}", self.field_src(section, field))

    def key_fields(self) -> None:
        for section in self.sections:
            for field, value in section.fields.items():
                name = canon(field)
                for names, dst, as_list in KEYS:
                    if name in _canon_all(names) and value:
                        src = self.field_src(section, field)
                        if as_list:
                            for item in _items(value):
                                self.m.append(dst, item, src)
                        else:
                            self.place(dst, value, src)
                        break

    def place(self, dst: FieldPath, value: str, src: FieldPath) -> None:
        """One text value into a field, converted to what the field holds."""
        if dst == ("identity", "release_date"):
            self._date(value, src)
        elif dst == ("licence", "id"):
            self._licence(value, src)
        elif dst == ("identity", "repository"):
            self.m.set_default(dst, _link_target(value) or plain(value), src)
        elif dst == ("identity", "version"):
            if len(plain(value)) <= 40:
                self.m.set_default(dst, plain(value), src)
        elif dst in _SHORT_TEXT:
            self.m.set_default(dst, plain(value), src)
        elif dst[-1] in ("inputs", "outputs"):
            self.m.append(dst, {"description": plain(value)}, src)
        elif dst[-1] == "users":
            self.m.append(dst, value, src)
        else:
            self.m.set_default(dst, value, src)

    def _date(self, value: str, src: FieldPath) -> None:
        if re.search(r"\btrained\s+(?:between|from|during)", value, re.IGNORECASE):
            return  # `trained between January and July 2023`: when it was made, not released
        found = quantities.release_date(plain(value))
        if found is None or self.m.peek(("identity", "release_date")) is not None:
            return
        date, exact = found
        self.m.set(("identity", "release_date"), date.isoformat(), src, use=exact)
        if not exact:
            self.m.warn(
                f"{plain(value)[:60]!r} gives the release month, not the day: recorded as "
                f"{date.isoformat()} (the first of that month); the text is kept as unmapped"
            )

    def _licence(self, value: str, src: FieldPath) -> None:
        url = _link_target(value)
        shown = plain(value)
        named = re.search(
            r"((?:[A-Z0-9][\w.-]*\s+){1,6}(?:License|Licence)(?:\s+Agreement)?)", shown
        )
        if len(shown) <= 40:
            licence = shown
        elif named:
            licence = named.group(1).strip()
        else:
            licence = re.split(r"[,.;:]|\s+(?:is|are)\s+available", shown)[0].strip()
        if self.m.set_default(("licence", "id"), licence, src) and url:
            self.m.set_default(("licence", "url"), url, src)

    # ------------------------------------------------------------------------------------------
    # Quantities

    def environment(self) -> None:
        for src, value, is_field in self._environment_texts():
            shown = plain(value)
            key = src[-1] if is_field else ""
            carbon = quantities.co2_kg(
                shown, unit_implied=is_field and "carbon" in str(key).lower()
            )
            self._number(("compute_energy", "co2e_kg"), carbon, src, is_field)
            hours = quantities.device_hours(
                shown, unit_implied=is_field and "hour" in str(key).lower()
            )
            self._number(("compute_energy", "training_hours"), hours, src, is_field)
            flops = quantities.training_flops(shown)
            self._number(("compute_energy", "training_flops"), flops, src, is_field)
            energy = quantities.energy_kwh(shown)
            self._number(("compute_energy", "energy_kwh", "training"), energy, src, is_field)
            device = quantities.hardware(shown)
            if device and self.m.peek(("compute_energy", "hardware")) is None:
                self.m.set(("compute_energy", "hardware"), device, src, use=False)

    def _number(self, dst: FieldPath, value: float | None, src: FieldPath, whole: bool) -> None:
        if value is None:
            return
        whole = whole and len(src) == 3  # a field's whole value, not a figure within prose
        current = self.m.peek(dst)
        if current is None:
            self.m.set(dst, round(value, 6), src, use=whole)
        elif whole and abs(current - value) <= abs(value) * 1e-6:
            self.m.use(src)  # says what another source already placed: accounted for

    def _environment_texts(self) -> Iterator[tuple[FieldPath, str, bool]]:
        """Field values about energy anywhere, then prose lines of energy and compute sections."""
        for section in self.sections:
            for field, value in section.fields.items():
                if value and _ENV_KEY.search(canon(field)):
                    yield self.field_src(section, field), value, True
        for section in self.sections:
            if not _ENVIRONMENT.search(" ".join((*section.trail, canon(section.title)))):
                continue
            for field, value in section.fields.items():
                if value and not _ENV_KEY.search(canon(field)):
                    yield self.field_src(section, field), value, False
            for line, row in section.prose_lines:
                yield self.line_src(section, line), row, False

    # ------------------------------------------------------------------------------------------
    # Evaluation tables

    def evaluation(self) -> None:
        name = self.m.peek(("identity", "name"))
        for section in self.sections:
            where = " ".join((*section.trail, canon(section.title)))
            if not _EVALUATION.search(where):
                continue
            self.result_fields(section)
            for table in section.tables:
                base = (self.key, section.title, table.key)
                results, complete = table_results(table, name)
                for row_index, item in results:
                    self.m.append(("evaluation",), item, (*base, row_index), use=False)
                for row_index in complete:
                    self.m.use((*base, row_index))

    def result_fields(self, section: Section) -> None:
        """`- **ROUGE-L:** 0.2379 (up from 0.0372)` under a results heading: metric and value."""
        for field, value in section.fields.items():
            match = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*(%?)(?:\s|$|\()", plain(value))
            if match and canon(field) not in _canon_all(KEY_NAMES):
                item = {"metric": section.field_titles[field], "value": float(match.group(1))}
                src = self.field_src(section, field)
                self.m.append(("evaluation",), item, src, use=len(plain(value)) <= 12)

    def dataset_links(self) -> None:
        """Hugging Face dataset links under a training or testing data heading, as references."""
        for section in self.sections:
            role = _data_role(" ".join((*section.trail, canon(section.title))))
            if role is None:
                continue
            rows = [
                *section.prose_lines,
                *((section.field_lines[f], v) for f, v in section.fields.items()),
            ]
            for line, row in rows:
                for found in _HF_DATASET.finditer(row):
                    self._dataset(found.group(1).rstrip(".,)`"), role, self.line_src(section, line))

    def _dataset(self, name: str, role: str, src: FieldPath) -> None:
        known = {(d.get("id"), d.get("role")) for d in self.m.peek(("datasets",)) or []}
        if (name, role) not in known:
            self.m.append(("datasets",), {"id": name, "role": role}, src, use=False)

    # ------------------------------------------------------------------------------------------

    def provider_from_prose(self) -> None:
        """`developed by researchers at OpenAI`: the organisation, when no field names one."""
        if self.m.peek(("provider", "name")) is not None:
            return
        for section in self.sections[:4]:
            for line, row in paragraphs(section):
                match = _PROVIDER.search(plain(row))
                if match:
                    name = (match.group("name") or match.group("name2")).rstrip(".,;:")
                    self.m.set(("provider", "name"), name, self.line_src(section, line), use=False)
                    return


def title_name(sections: list[Section]) -> tuple[str, Section] | None:
    """The model's name from a page title (`# Model Card: Whisper` -> `Whisper`), never the title
    itself when it is a section name or a deprecation notice."""
    for section in sections:
        if section.level > 2:
            continue
        title = plain(section.title)
        if re.search(r"deprecat|archived|no longer maintained", title, re.IGNORECASE):
            continue
        for pattern in _TITLE_NAME:
            match = pattern.match(title)
            name = match.group("name").strip(_DASHES) if match else None
            if name and text(name):
                return name, section
        named = canon(title) not in map(canon, _NOT_NAMES)
        if section.level == 1 and named and text(title) and len(title) <= 60:
            return title, section
        if section.level == 1:
            return None
    return None


def _data_role(where: str) -> str | None:
    if re.search(r"testing data|evaluation data|test data", where):
        return "testing"
    if re.search(r"training data|training dataset|fine[- ]?tuning data", where):
        return "training"
    return None


def paragraphs(section: Section) -> list[tuple[int, str]]:
    """A section's prose as paragraphs (a sentence may wrap lines), each at its first line."""
    found: list[tuple[int, str]] = []
    last = -2
    for line, row in section.prose_lines:
        if line == last + 1 and found and not _LIST_ITEM.match(row):
            found[-1] = (found[-1][0], f"{found[-1][1]} {row.strip()}")
        else:
            found.append((line, row.strip()))
        last = line
    return found


def _heading_field(name: str) -> tuple[FieldPath, bool] | None:
    for titles, dst, as_list in HEADINGS:
        if name in _canon_all(titles):
            return dst, as_list
    return None


@cache
def _canon_all(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(canon(name) for name in names)


def subject_name(sections: list[Section]) -> tuple[str, FieldPath] | None:
    """`Llama 3.2 is an auto-regressive language model`: the name a card's first lines give the
    model it describes, for cards with no title (read from the architecture or the first text)."""
    for section in sections[:2]:
        texts = [
            (f, v)
            for f, v in section.fields.items()
            if canon(f) in ("model architecture", "architecture")
        ]
        texts += [("", row) for _, row in section.prose_lines[:3]]
        for field, value in texts:
            match = _SUBJECT.match(plain(value))
            if match and match.group("name").split()[0] not in _PRONOUNS:
                src_field = section.field_titles.get(field)
                return match.group("name"), (section.title, src_field) if src_field else (
                    section.title,
                )
    return None


def _items(body: str) -> list[str]:
    """Bullets as items; prose as one item per paragraph."""
    items = bullet_items(body)
    if len(items) != 1 or _LIST_ITEM.match(body):
        return items
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return paragraphs or items


def _link_target(value: str) -> str | None:
    match = re.search(r"\]\((https?://[^)\s]+)\)", value) or re.search(
        r"https?://[^\s)\]>]+", value
    )
    return (match.group(1) if match.lastindex else match.group(0)) if match else None
