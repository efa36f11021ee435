"""govern's YAML loader composes exactly the nodes PyYAML's safe loader composes."""

from __future__ import annotations

from typing import Any

import yaml

from govern.load.documents import _Loader, _parse_yaml

TEXT = """\
plain: text
quoted: "yes"
single: 'null'
flags: [yes, no, on, off, true, False, y, n]
numbers: [1, -2, 0o17, 0x1F, 1_000, 3.5, .5, 1e3, 6.02e+23, .inf, -.Inf, .nan, 1:30]
empty: ~
nothing:
dates: [2026-12-06, 2026-12-06T10:00:00Z, 2026-12-06 10:00:00.5 +01:00]
base: &base {a: 1, b: two}
merged:
  <<: *base
  c: three
folded: >-
  several
  lines
seq:
  - - nested
    - 2
  - {k: v}
"""


def _shape(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, [_shape(item) for item in node.value])
    return (node.tag, [(_shape(k), _shape(v)) for k, v in node.value])


def test_nodes_are_the_safe_loaders() -> None:
    for _ in range(2):  # the second time from the kept tags
        ours = yaml.compose(TEXT, Loader=_Loader)
        safe = yaml.compose(TEXT, Loader=yaml.SafeLoader)
        assert _shape(ours) == _shape(safe)


def test_data_is_the_safe_loaders() -> None:
    data, _ = _parse_yaml(TEXT, "test.yaml")
    expected = yaml.load(TEXT, Loader=yaml.SafeLoader)
    assert data == expected
