"""Small-number suppression for people without child-level access (rules.md 13).

The statistical-release practice (ONS/GSS disclosure control guidance; DfE's "x"):

- Primary suppression: a count from 1 to VSCHOOL_SUPPRESS_BELOW - 1 is hidden.
- Secondary suppression: every figure from which a hidden one could be worked out is
  hidden too. A table declares its additive relations (a total is the sum of its parts:
  due = completed + not completed, all phases = the sum of the phases, the year = the sum
  of its terms). In each relation either no figure is unknown or at least two are, so no
  hidden figure is the total less the others. Where one would be, the smallest other
  non-zero figure of that relation is hidden as well, and the check runs again.
- Figures nobody is shown (due - completed) still count: they are unknown until the shown
  ones give them away, and a small one is protected like a shown one ("16 of 20" gives
  away the 4 not completed).
- A percentage is shown only when its count and its base both are (presenters decide
  that from the cells hidden here); a count shown only as a percentage of another names
  that other as its base and is hidden with it.
- 0 is shown, never hidden (as DfE shows 0): a zero is no child to protect, and an empty
  row stays visibly empty.

The check is the one statistical releases apply: no relation leaves a hidden figure as
its only unknown, after everything the shown figures give away has been worked out. Then
all the relations are solved together (several can pin down a figure none does alone:
x + y, y + z and x + z shown give x), and a small figure they determine is protected the
same way, by hiding the smallest shown figure near it.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# DfE's symbol for a suppressed figure, on every page and download.
MARKER = "x"


def footnote(below: int) -> str:
    """The words under every table with suppressed figures, and the CSV's last row."""
    return (
        f"{MARKER}: fewer than {below}, or a figure from which one could be worked out, "
        "hidden to protect children's identities. 0 is shown."
    )


@dataclass
class Table:
    """Counts with their additive relations: `relations` holds (total, parts) pairs."""

    values: dict[Hashable, int] = field(default_factory=dict)
    published: set[Hashable] = field(default_factory=set)
    relations: list[tuple[Hashable, tuple[Hashable, ...]]] = field(default_factory=list)
    bases: dict[Hashable, Hashable] = field(default_factory=dict)

    def show(self, key: Hashable, value: int) -> Hashable:
        """A figure on the page (or, with a base, shown as a percentage of the base)."""
        self.values[key] = value
        self.published.add(key)
        return key

    def unshown(self, key: Hashable, value: int) -> Hashable:
        """A figure nobody is shown, which the shown ones may still give away."""
        self.values[key] = value
        return key

    def adds_up(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        self.relations.append((total, tuple(parts)))


def _cells(relation: tuple[Hashable, tuple[Hashable, ...]]) -> tuple[Hashable, ...]:
    return (relation[0], *relation[1])


def worked_out(
    table: Table, shown: set[Hashable]
) -> dict[Hashable, tuple[Hashable, tuple[Hashable, ...]] | None]:
    """Every figure known from `shown`: each shown one (None), and each the only unknown
    of a relation whose other figures are known, with that relation; repeated to the end."""
    known: dict[Hashable, tuple[Hashable, tuple[Hashable, ...]] | None] = dict.fromkeys(shown)
    changed = True
    while changed:
        changed = False
        for relation in table.relations:
            unknown = [c for c in _cells(relation) if c not in known]
            if len(unknown) == 1:
                known[unknown[0]] = relation
                changed = True
    return known


def determined(table: Table, known: Iterable[Hashable]) -> list[Hashable]:
    """The unknown figures the relations fix together (reduced row echelon form over the
    unknowns: a pivot whose row holds no other unknown)."""
    known = set(known)
    pivots: dict[Hashable, dict[Hashable, Fraction]] = {}
    for relation in table.relations:
        row: dict[Hashable, Fraction] = {}
        for n, cell in enumerate(_cells(relation)):
            if cell not in known:
                row[cell] = row.get(cell, Fraction(0)) + (1 if n == 0 else -1)
        for key, pivot_row in pivots.items():
            factor = row.get(key)
            if factor:
                for k, v in pivot_row.items():
                    row[k] = row.get(k, Fraction(0)) - factor * v
        row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        key = next(iter(row))
        row = {k: v / row[key] for k, v in row.items()}
        for other_key, other in pivots.items():
            factor = other.get(key)
            if factor:
                for k, v in row.items():
                    other[k] = other.get(k, Fraction(0)) - factor * v
                pivots[other_key] = {k: v for k, v in other.items() if v}
        pivots[key] = row
    return [key for key, row in pivots.items() if len(row) == 1]


def _nearest_shown(table: Table, cell: Hashable, shown: set[Hashable]) -> list[Hashable]:
    """The shown non-zero figures of the relations nearest `cell`, through unknown figures."""
    frontier, seen = {cell}, {cell}
    while frontier:
        found, unknown = [], set()
        for relation in table.relations:
            cells = _cells(relation)
            if frontier.intersection(cells):
                found += [c for c in cells if c in shown and table.values[c]]
                unknown.update(c for c in cells if c not in shown and c not in seen)
        if found:
            return found
        seen |= unknown
        frontier = unknown
    return []


def hidden_cells(table: Table, below: int | None) -> set[Hashable]:
    """The published figures to show as MARKER; `below` None hides nothing."""
    if below is None:
        return set()
    values = table.values
    order = {key: n for n, key in enumerate(values)}
    protect = {key for key, value in values.items() if 0 < value < below}
    hidden = protect & table.published
    while True:
        for cell, base in table.bases.items():
            if base in hidden and cell not in hidden and values[cell]:
                hidden.add(cell)
                protect.add(cell)
        known = worked_out(table, table.published - hidden)
        # The first given away, in the order worked out: the others of its relation are
        # shown or worked out unprotected, and one of them is not 0.
        leak = next((c for c in known if c in protect), None)
        if leak is None:
            fixed = [c for c in determined(table, known) if c in protect]
            if not fixed:
                return hidden
            shown = table.published - hidden
            near = _nearest_shown(table, fixed[0], shown)
            if not near:  # not reached: a figure not 0 is fixed only by one shown not 0
                return hidden | {c for c in shown if values[c]}
            chosen = min(near, key=lambda c: (values[c], order[c]))
            hidden.add(chosen)
            protect.add(chosen)
            continue
        relation = known[leak]
        assert relation is not None  # shown figures are never in `protect`
        others = [c for c in _cells(relation) if c != leak and values[c]]
        hideable = [c for c in others if c in table.published and c not in hidden]
        if hideable:
            chosen = min(hideable, key=lambda c: (values[c], order[c]))
            hidden.add(chosen)
        else:
            # Given away by unshown figures only: protect the smallest of them in turn.
            chosen = min(
                (c for c in others if c not in protect), key=lambda c: (values[c], order[c])
            )
        protect.add(chosen)


def shown_value(value: int, hidden: bool) -> int | str:
    return MARKER if hidden else value


def sequence_table(
    values: Sequence[int], total: int | None = None, rest: int | None = None
) -> Table:
    """A column of counts, with their total (and any remainder nobody is shown) if given."""
    table = Table()
    parts = [table.show(n, value) for n, value in enumerate(values)]
    if total is not None:
        table.show("total", total)
        if rest is not None:
            parts.append(table.unshown("rest", rest))
        table.adds_up("total", parts)
    return table
