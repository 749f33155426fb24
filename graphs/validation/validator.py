"""Entry points: validate a graph from a (seekable) JSON file, or from an in-memory document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from graphs import conf
from graphs.validation.checker import GraphChecker
from graphs.validation.problems import Problem, ProblemList
from graphs.validation.stream import GraphWalker, MalformedJSON, iter_links
from graphs.validation.suggestions import suggest
from graphs.validation.surrogates import first_lone_surrogate

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class ValidationReport:
    problems: list[Problem]
    omitted: int = 0  # problems beyond the listing cap
    suggestions: list[Problem] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    node_count: int = 0
    link_count: int = 0
    feature_types: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "problems": [p.as_dict() for p in self.problems],
            "more_problems": self.omitted,
            "suggestions": [s.as_dict() for s in self.suggestions],
            "node_count": self.node_count,
            "link_count": self.link_count,
            "feature_types": self.feature_types,
        }


def _report(checker: GraphChecker) -> ValidationReport:
    metadata = checker.envelope.get("metadata")
    return ValidationReport(
        problems=checker.problems.items,
        omitted=checker.problems.omitted,
        suggestions=suggest(checker.envelope, checker.node_count, checker.nodes_without),
        metadata=metadata if isinstance(metadata, dict) else None,
        node_count=checker.node_count,
        link_count=checker.link_count,
        feature_types=dict(checker.feature_types),
    )


def validate_graph_file(fh: IO[bytes], cpu_budget_s: float | None = None) -> ValidationReport:
    """Validate the JSON in `fh`, streaming: memory grows with the number of nodes, not links.
    `fh` must be seekable when links may come before nodes (a second pass reads the links).
    With `cpu_budget_s`, each pass stops with BudgetExceeded (graphs.validation.bounded) once it
    has used that many CPU seconds."""
    checker = GraphChecker(int(conf.get("VALIDATION_MAX_PROBLEMS")))
    walker = GraphWalker(checker.on_value, checker.on_item, checker.on_array_end)
    start = fh.tell()
    head = fh.read(4096)
    # Whitespace may lead a document of any length: only a short all-blank body is empty.
    if not head.strip() and len(head) < 4096:
        checker.problems.add("(document)", "the body is empty: expected a JSON object")
        return _report(checker)
    if head.startswith(UTF8_BOM):
        checker.problems.add(
            "(document)",
            "the file starts with a byte-order mark (BOM): save it as UTF-8 without a BOM",
        )
        return _report(checker)
    fh.seek(start)
    try:
        walker.walk(fh, cpu_budget_s)
    except MalformedJSON as error:
        # Problems found before the parser gave up describe a document we cannot see whole.
        checker.problems = ProblemList(checker.problems.cap)
        checker.problems.add(error.path, error.message)
        return _report(checker)
    if checker.links_deferred and checker.nodes_done:
        fh.seek(start)
        checker.check_deferred_links(iter_links(fh, cpu_budget_s))
    fh.seek(start)
    lone = first_lone_surrogate(fh)
    if lone is not None:
        offset, escape = lone
        checker.problems.add(
            "(document)",
            f"a string holds a lone UTF-16 surrogate escape ({escape}, at byte {offset}); strings "
            "must be valid Unicode (a high surrogate escape must be followed by a low one)",
        )
    checker.finish()
    return _report(checker)


def validate_graph_document(document: Any) -> ValidationReport:
    """Validate a graph already in memory (e.g. one the engine just exported)."""
    checker = GraphChecker(int(conf.get("VALIDATION_MAX_PROBLEMS")))
    if not isinstance(document, dict):
        checker.problems.add("(document)", "the graph must be a JSON object")
        return _report(checker)
    for key, value in document.items():
        if key in ("nodes", "links") and isinstance(value, list):
            continue
        checker.on_value(key, value)
    for key in ("nodes", "links"):
        value = document.get(key)
        if isinstance(value, list):
            for index, item in enumerate(value):
                checker.on_item(key, index, item)
            checker.on_array_end(key, len(value))
    checker.finish()
    return _report(checker)
