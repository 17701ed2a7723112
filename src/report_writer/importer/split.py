"""Figures printed with no separator (``713000074`` for 71|3|0|0|0|0|74): the ways to cut them.

`candidates` lists every way to read a row's tokens as its cells (no figure with a leading zero)
that satisfies the sums lying inside the row (C1 for a row of 表三, C4–C6 for 表四). The search is
bounded: a total is forced by its terms, a term is bounded by a known total, the last cell's total
is tried as a suffix first, and a node budget stops a pathological row (`TooManySplits`).

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from msgspec import Struct

from report_writer.importer.tokens import Token

Cell = int | Decimal | str | None  # str: printed, but not a valid figure (check C0 names it)
NODE_BUDGET = 20_000
MAX_CANDIDATES = 200


class TooManySplits(Exception):
    """The row has too many possible readings to list."""


class LocalSum(Struct, frozen=True):
    """terms add up to total; positions are cell indexes within the row."""

    terms: tuple[int, ...]
    total: int


def atom(token: Token, decimal: bool) -> Cell:
    """The figure one token stands for."""
    if token.kind in ("null", "blank"):
        return None
    text = token.text
    if decimal:
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    return int(text) if text.isdigit() else text


def direct(tokens: list[Token], decimals: list[bool]) -> tuple[Cell, ...]:
    return tuple(atom(t, d) for t, d in zip(tokens, decimals, strict=True))


def candidates(
    tokens: list[Token], decimals: list[bool], sums: list[LocalSum], budget: int = NODE_BUDGET
) -> tuple[list[tuple[Cell, ...]], bool]:
    """Every reading of `tokens` as len(decimals) cells that satisfies `sums`, and whether the
    sums took part: a row printed with one digit a cell is read that way even when its printed
    sums are wrong (check reports them), so `False` comes with that single reading; a row
    with several sums of which none can hold together gives the readings that keep all sums but
    one, also with `False`. Raises TooManySplits rather than give an incomplete list."""
    n = len(decimals)
    # 「03」 is two figures run together, not a cell: a row can match its width only by chance
    zero_led = any(
        t.kind == "num" and t.text.isdigit() and t.text.startswith("0") and len(t.text) > 1
        for t in tokens
    )
    if len(tokens) == n and not zero_led:
        return [direct(tokens, decimals)], False
    if len(tokens) > n:
        return [], False
    found = _Search(tokens, decimals, sums, budget).run()
    if found or not sums:
        return found, bool(sums)
    if len(sums) > 1:
        # A published table may break one of its sums (a total misprinted): every reading that
        # keeps all the others, so the cells they agree on are still read as printed.
        kept: list[tuple[Cell, ...]] = []
        for broken in sums:
            rest = [s for s in sums if s is not broken]
            kept += [r for r in _Search(tokens, decimals, rest, budget).run() if r not in kept]
        if kept:
            return kept, False
    width = sum(len(t.text) if t.kind == "num" and t.text.isdigit() else 1 for t in tokens)
    if width != n:  # no cut that adds up: read as printed only when every cell is one digit
        return [], True
    singles: list[Token] = []
    for t in tokens:
        digits = t.kind == "num" and t.text.isdigit()
        singles += [Token("num", d, t.line) for d in t.text] if digits else [t]
    return [direct(singles, decimals)], False


class _Piece(Struct):
    digits: str | None  # a run of digits to cut, or None for a token read as one cell
    token: Token


class _Search:
    """One depth-first search for the readings of a row's tokens that the sums allow."""

    def __init__(
        self,
        tokens: list[Token],
        decimals: list[bool],
        sums: list[LocalSum],
        budget: int,
        limit: int = MAX_CANDIDATES,
    ) -> None:
        n = len(decimals)
        self.tokens = tokens
        self.decimals = decimals
        self.sums = sums
        self.budget = budget
        self.limit = limit
        self.nodes = 0
        self.found: list[tuple[Cell, ...]] = []
        self.values: list[Cell] = [None] * n
        self.memo: dict[tuple[str, int], list[tuple[int, ...]]] = {}
        self.as_total = [[s for s in sums if s.total == i] for i in range(n)]
        self.as_term = [[s for s in sums if i in s.terms] for i in range(n)]

    def run(self) -> list[tuple[Cell, ...]]:
        n = len(self.decimals)
        pieces = [
            _Piece(t.text if t.kind == "num" and t.text.isdigit() else None, t) for t in self.tokens
        ]
        last = pieces[-1]
        blocks = self._blocks()
        if len(pieces) == 1 and last.digits is not None and blocks:
            for reading in self._cut_blocks(last.digits, blocks):
                self._found_row(list(reading))
        elif self.as_total[n - 1] and last.digits is not None and n > 1:
            # The row ends with a total: try each suffix as its value, then cut the rest under it.
            text = last.digits
            for size in range(1, len(text)):
                suffix = text[-size:]
                if size > 1 and suffix[0] == "0":
                    continue
                self.values[n - 1] = self._number(suffix, n - 1)
                head = [*pieces[:-1], _Piece(text[:-size], last.token)]
                self._start(head, n - 1)
            if len(pieces) > 1 and (len(text) == 1 or text[0] != "0"):
                self.values[n - 1] = self._number(text, n - 1)
                self._start(pieces[:-1], n - 1)
        else:
            self._start(pieces, n)
        return self.found

    def _blocks(self) -> list[int]:
        """Sizes of consecutive blocks covering the row, each ending with the total of the
        rest of the block (a row of 表三; the three groups of 表四); [] when the sums differ."""
        sizes: list[int] = []
        start = 0
        for s in sorted(self.sums, key=lambda s: s.total):
            if s.terms != tuple(range(start, s.total)):
                return []
            sizes.append(s.total - start + 1)
            start = s.total + 1
        return sizes if start == len(self.decimals) else []

    def _cut_blocks(self, digits: str, sizes: list[int]) -> list[tuple[int, ...]]:
        """Every reading of `digits` as the blocks in order (each block's cut is memoised)."""
        if not sizes:
            return [()] if not digits else []
        head, rest = sizes[0], sizes[1:]
        readings: list[tuple[int, ...]] = []
        ends = range(head, len(digits) - sum(rest) + 1) if rest else [len(digits)]
        for end in ends:
            first = self._block(digits[:end], head)
            if not first:
                continue
            for tail in self._cut_blocks(digits[end:], rest):
                readings += [f + tail for f in first]
        return readings

    def _block(self, digits: str, n: int) -> list[tuple[int, ...]]:
        """Readings of one block: the total is a suffix, the other cells cut the rest into
        figures adding up to it. Dead ends are remembered."""
        key = (digits, n)
        if key in self.memo:
            return self.memo[key]
        found: list[tuple[int, ...]] = []
        failed: set[tuple[int, int, int]] = set()

        def cut(prefix: str, pos: int, cells: int, room: int, parts: list[int]) -> bool:
            self.nodes += 1
            if self.nodes > self.budget:
                raise TooManySplits
            rest = len(prefix) - pos
            if cells == 1:
                part = prefix[pos:]
                if (len(part) == 1 or part[0] != "0") and int(part) == room:
                    found.append((*parts, room, sum(parts) + room))
                    return True
                return False
            if (pos, cells, room) in failed:
                return False
            widest = rest - cells + 1
            if room > 10**widest - 1 + 9 * (cells - 1):
                failed.add((pos, cells, room))
                return False
            any_found = False
            for size in range(1, widest + 1):
                part = prefix[pos : pos + size]
                if size > 1 and part[0] == "0":
                    break
                value = int(part)
                if value > room:
                    break
                any_found |= cut(prefix, pos + size, cells - 1, room - value, [*parts, value])
            if not any_found:
                failed.add((pos, cells, room))
            return any_found

        for size in range(1, len(digits) - n + 2):
            suffix = digits[-size:]
            if size > 1 and suffix[0] == "0":
                continue
            failed.clear()
            cut(digits[:-size], 0, n - 1, int(suffix), [])
        self.memo[key] = found
        return found

    def _found_row(self, numbers: list[int]) -> None:
        self.found.append(tuple(numbers))
        if len(self.found) > self.limit:
            raise TooManySplits

    def _start(self, pieces: list[_Piece], cells: int) -> None:
        self.pieces = pieces
        self.cells = cells
        # When the row's total is known and every other cell is one of its terms, the digits left
        # bound how much the cells left can still add up to.
        prefixed = self.as_total[cells] if cells < len(self.decimals) else []
        self.tail = next((s for s in prefixed if s.terms == tuple(range(cells))), None)
        self.digits_from = [0] * (len(pieces) + 1)
        self.atoms_from = [0] * (len(pieces) + 1)
        for i in range(len(pieces) - 1, -1, -1):
            digits = pieces[i].digits
            self.digits_from[i] = self.digits_from[i + 1] + (len(digits) if digits else 0)
            self.atoms_from[i] = self.atoms_from[i + 1] + (0 if digits else 1)
        # Suffix tables: fewest and most cells the pieces from index i on can fill.
        self.min_from = [0] * (len(pieces) + 1)
        self.max_from = [0] * (len(pieces) + 1)
        for i in range(len(pieces) - 1, -1, -1):
            digits = pieces[i].digits
            self.min_from[i] = self.min_from[i + 1] + 1
            self.max_from[i] = self.max_from[i + 1] + (len(digits) if digits else 1)
        if self.min_from[0] <= cells <= self.max_from[0]:
            self._dfs(0, 0, 0)

    def _number(self, digits: str, cell: int) -> Cell:
        return Decimal(digits) if self.decimals[cell] else int(digits)

    def _bounds(self, cell: int) -> tuple[int | None, int | None, bool]:
        """(forced value, upper bound, impossible) for the cell from the sums it takes part in."""
        forced: int | None = None
        upper: int | None = None
        for s in self.as_total[cell]:
            if all(t < cell for t in s.terms):
                terms = [self.values[t] for t in s.terms]
                if all(isinstance(v, int) for v in terms):
                    value = sum(terms)  # type: ignore[arg-type]
                    if forced is not None and forced != value:
                        return None, None, True
                    forced = value
        for s in self.as_term[cell]:
            total = self.values[s.total]
            known = s.total < cell or s.total == len(self.decimals) - 1
            if not known or not isinstance(total, int):
                continue
            before = [self.values[t] for t in s.terms if t < cell]
            if not all(isinstance(v, int) for v in before):
                continue
            room = total - sum(before)  # type: ignore[arg-type]
            if room < 0:
                return None, None, True
            if cell == max(s.terms):
                if forced is not None and forced != room:
                    return None, None, True
                forced = room
            else:
                upper = room if upper is None else min(upper, room)
        return forced, upper, False

    def _short(self, index: int, offset: int, cell: int) -> bool:
        """True when the digits left cannot add up to what the known total still needs."""
        assert self.tail is not None
        total = self.values[self.tail.total]
        before = self.values[:cell]
        if not isinstance(total, int) or not all(isinstance(v, int) for v in before):
            return False
        room = total - sum(before)  # type: ignore[arg-type]
        cells_left = self.cells - cell
        digits_left = self.digits_from[index] - offset
        if cells_left <= 0:
            return room != 0
        widest = digits_left - cells_left + 1  # one cell takes all digits but one for each other
        narrowest = -(-digits_left // cells_left)  # some cell has at least this many digits
        too_much = room > 10**widest - 1 + 9 * (cells_left - 1)
        too_little = narrowest > 1 and room < 10 ** (narrowest - 1)
        return too_much or too_little

    def _fits(self, value: Cell, forced: int | None, upper: int | None) -> bool:
        if not isinstance(value, int):
            return True
        return (forced is None or value == forced) and (upper is None or value <= upper)

    def _dfs(self, index: int, offset: int, cell: int) -> None:
        self.nodes += 1
        if self.nodes > self.budget:
            raise TooManySplits
        if cell == self.cells:
            if index == len(self.pieces):
                self._accept()
            return
        if index == len(self.pieces):
            return
        piece = self.pieces[index]
        if (
            self.tail is not None
            and not self.atoms_from[index]
            and self._short(index, offset, cell)
        ):
            return
        forced, upper, impossible = self._bounds(cell)
        if impossible:
            return
        left = self.cells - cell - 1
        if piece.digits is None:
            value = atom(piece.token, self.decimals[cell])
            if self._fits(value, forced, upper) and (
                self.min_from[index + 1] <= left <= self.max_from[index + 1]
            ):
                self.values[cell] = value
                self._dfs(index + 1, 0, cell + 1)
            return
        rest = len(piece.digits) - offset
        for size in range(1, rest + 1):
            part = piece.digits[offset : offset + size]
            if size > 1 and part[0] == "0":
                break
            value = int(part)
            if upper is not None and value > upper:
                break
            if forced is not None and value != forced:
                if value > forced:
                    break
                continue
            if size == rest:
                low, high, nxt = self.min_from[index + 1], self.max_from[index + 1], (index + 1, 0)
            else:
                low = 1 + self.min_from[index + 1]
                high = rest - size + self.max_from[index + 1]
                nxt = (index, offset + size)
            if not low <= left <= high:
                continue
            self.values[cell] = self._number(part, cell)
            self._dfs(nxt[0], nxt[1], cell + 1)

    def _accept(self) -> None:
        for s in self.sums:
            cells = [self.values[t] for t in s.terms]
            total = self.values[s.total]
            numbers = all(isinstance(v, int | Decimal) for v in [*cells, total])
            if numbers and sum(cells) != total:  # type: ignore[arg-type]
                return
        self.found.append(tuple(self.values))
        if len(self.found) > self.limit:
            raise TooManySplits
