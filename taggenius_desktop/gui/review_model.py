"""The review table's model: every track's current tags beside the proposed ones.

Built for 50,000 rows: the display and search strings of the current values are built
once, in a background task (:func:`build_rows`); ``data()`` is a couple of list and dict
lookups; sorting is Python's sort over a key list (never per-comparison ``data()`` calls);
and filtering is done here too, over pre-lowered strings. Why not a QSortFilterProxyModel:
every proxied ``data()`` call costs two more Python calls (the source's ``rowCount`` and
``columnCount`` behind ``index()``), which measurably slowed scrolling 50,000 rows
(bench/bench_gui.py); the model keeps the same duties (filter + sort) without that layer.

Edits are kept as whole :class:`TagProfile` overrides per track; locked tracks are a set.
"Write reviewed result" turns them into ``build_tag_job(overrides=..., locked=...)``.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ..vocabulary import load_vocabulary
from ..vocabulary.profile import TagProfile
from ..vocabulary.trust import confidence_text, needs_a_look, source_text, trust_rank
from .review_rows import (  # noqa: F401 - ReviewRows, build_rows, colour_name, stars: this module's API too
    ReviewRows,
    _join,
    build_rows,
    colour_name,
    edited_profile,
    proposal_search_text,
    proposal_tooltip,
    same_tags,
    stars,
)

PROFILE_ROLE = Qt.ItemDataRole.UserRole + 1
TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 2

# Roles as plain ints: PySide hands data() an int, and int comparisons are what keep
# painting 50,000 rows cheap.
_DISPLAY, _DECORATION, _EDIT, _TOOLTIP = 0, 1, 2, 3
_FONT = int(Qt.ItemDataRole.FontRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_CHECK = int(Qt.ItemDataRole.CheckStateRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_PROFILE = int(PROFILE_ROLE.value) if hasattr(PROFILE_ROLE, "value") else int(PROFILE_ROLE)
_TRACK_ID = int(TRACK_ID_ROLE.value) if hasattr(TRACK_ID_ROLE, "value") else int(TRACK_ID_ROLE)
_ROLES = frozenset({_DISPLAY, _DECORATION, _EDIT, _TOOLTIP, _FONT, _FOREGROUND, _CHECK, _ACCESSIBLE,
                    _PROFILE, _TRACK_ID})

COLUMNS = ("Lock", "Artist", "Title", "Genre now", "Comments now", "Colour", "Rating",
           "Primary genre", "Sub-genres", "Energy", "Vibes", "Situations", "Components", "Era",
           "Confidence", "Source")
(COL_LOCK, COL_ARTIST, COL_TITLE, COL_GENRE, COL_COMMENTS, COL_COLOUR, COL_RATING,
 COL_PRIMARY, COL_SUBS, COL_ENERGY, COL_VIBES, COL_SITUATIONS, COL_COMPONENTS, COL_ERA,
 COL_CONFIDENCE, COL_SOURCE) = range(len(COLUMNS))
#: how sure the proposal is and where it came from (read-only; see vocabulary.trust)
TRUST_COLUMNS = (COL_CONFIDENCE, COL_SOURCE)
PROPOSAL_COLUMNS = range(COL_PRIMARY, COL_ERA + 1)
#: column -> TagProfile field for the editable columns
PROFILE_FIELDS = {
    COL_PRIMARY: "primary_genre", COL_SUBS: "sub_genres", COL_ENERGY: "energy", COL_VIBES: "vibes",
    COL_SITUATIONS: "situations", COL_COMPONENTS: "components", COL_ERA: "era",
}
MULTI_FIELDS = {"sub_genres", "vibes", "situations", "components"}
#: What the "Show" filter keeps.
SHOW_ALL, SHOW_EDITED, SHOW_LOCKED, SHOW_MISSING, SHOW_NEEDS_A_LOOK = range(5)

class ReviewModel(QAbstractTableModel):
    #: new proposals arrived (the view then sorts "needs a look" first)
    proposals_changed = Signal()
    #: an edit or a lock was made or undone (the window saves them per library)
    edits_changed = Signal()

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows = ReviewRows.empty()
        self._current: list[list[str] | None] = [None] * COL_PRIMARY  # column -> display strings
        self._display: list[tuple[str, ...] | None] = []  # base -> proposal display strings
        self._sorted: list[int] = []  # every base index, in the current sort order
        self._order: list[int] = []  # view row -> base index (the filtered _sorted)
        self._position: list[int] = []  # base index -> view row, -1 when filtered out
        self._index_of: dict[str, int] = {}  # track id -> base index
        self._proposals: dict[str, TagProfile] = {}
        self._edits: dict[str, TagProfile] = {}
        self._locked: set[str] = set()
        self._audio: dict[str, Mapping[str, Any]] = {}  # TrackID -> raw features measured before
        self._proposal_search: list[str] = []  # base -> lowered proposal values
        self._needle: tuple[str, ...] = ()
        self._show = SHOW_ALL
        self._bold = QFont()
        self._bold.setBold(True)
        self._colours: dict[str, QColor] = {}

    # -- feeding -----------------------------------------------------------------------
    def set_rows(self, rows: ReviewRows) -> None:
        """A new library: every edit and lock is dropped; the filter stays as typed."""
        self.beginResetModel()
        self._rows = rows
        self._sorted = list(range(len(rows)))
        self._index_of = {tid: i for i, tid in enumerate(rows.track_ids)}
        self._proposals = {}
        self._edits = {}
        self._locked = set()
        self._audio = {}
        self._proposal_search = [""] * len(rows)
        self._current = [None, rows.artists, rows.titles, rows.genres, rows.comments, rows.colour_names, rows.stars]
        self._display = [None] * len(rows)
        self._apply_filter()
        self.endResetModel()

    def set_audio_features(self, features: Mapping[str, Mapping[str, Any]]) -> None:
        """Raw audio features per TrackID (shown in the energy tooltip; asked on hover)."""
        self._audio = dict(features)

    def set_proposals(self, proposals: Mapping[str, Any], search: Mapping[str, str] | None = None) -> None:
        """TrackID -> TagProfile (or a Proposal with ``.profile``). Edits and locks stay.

        ``search`` (TrackID -> :func:`proposal_search_text`) may be built in the task that
        made the proposals, so the GUI thread does not lower 50,000 strings."""
        self._proposals = {tid: getattr(p, "profile", p) for tid, p in proposals.items()}
        self._display = [None] * len(self._rows)
        if search is None:
            search = {tid: proposal_search_text(profile) for tid, profile in self._proposals.items()}
        self._proposal_search = [search.get(tid, "") for tid in self._rows.track_ids]
        for tid, profile in self._edits.items():
            self._proposal_search[self._index_of[tid]] = proposal_search_text(profile)
        if self._order:
            self.dataChanged.emit(self.index(0, COL_PRIMARY), self.index(len(self._order) - 1, COL_SOURCE))
        self.proposals_changed.emit()

    def clear(self) -> None:
        self.set_rows(ReviewRows.empty())

    # -- review state ------------------------------------------------------------------
    def profile_for(self, track_id: str) -> TagProfile | None:
        return self._edits.get(track_id) or self._proposals.get(track_id)

    def proposal_count(self) -> int:
        return len(self._proposals)

    def overrides(self) -> dict[str, dict[str, Any]]:
        """Edited tracks (not locked) as ``build_tag_job(overrides=...)`` takes them."""
        return {tid: profile.to_dict() for tid, profile in self._edits.items() if tid not in self._locked}

    def locked_ids(self) -> list[str]:
        return sorted(self._locked, key=lambda tid: self._index_of.get(tid, 0))

    def edited_ids(self) -> list[str]:
        return list(self._edits)

    def is_edited(self, track_id: str) -> bool:
        return track_id in self._edits

    def is_locked(self, track_id: str) -> bool:
        return track_id in self._locked

    def set_locked(self, track_id: str, locked: bool) -> None:
        base = self._index_of.get(track_id)
        if base is None:
            return
        (self._locked.add if locked else self._locked.discard)(track_id)
        self._row_changed(base)
        self.edits_changed.emit()

    def has_edits(self) -> bool:
        return bool(self._edits) or bool(self._locked)

    def restore_edits(self, overrides: Mapping[str, Mapping[str, Any]], locked: Iterable[str]) -> int:
        """Edits and locks saved from an earlier session, for tracks this library still
        has; returns how many tracks they cover."""
        for tid, data in overrides.items():
            if tid in self._index_of:
                try:
                    self._edits[tid] = TagProfile.from_dict(data)
                except (TypeError, ValueError, KeyError):
                    continue
        self._locked.update(t for t in locked if t in self._index_of)
        for tid in {*self._edits, *self._locked}:
            self._row_changed(self._index_of[tid])
        return len({*self._edits, *self._locked})

    def reset_edits(self) -> None:
        for tid in self._edits:
            base = self._index_of[tid]
            self._proposal_search[base] = proposal_search_text(self._proposals.get(tid))
        self._edits.clear()
        self._display = [None] * len(self._rows)
        if self._order:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, len(COLUMNS) - 1))
        self.edits_changed.emit()

    def track_id_at(self, row: int) -> str:
        return self._rows.track_ids[self._order[row]]

    def row_of(self, track_id: str) -> int | None:
        """The visible row of a track; None when it is unknown or filtered out."""
        base = self._index_of.get(track_id)
        if base is None or self._position[base] < 0:
            return None
        return self._position[base]

    def track_count(self) -> int:
        """All tracks, whatever the filter shows."""
        return len(self._rows)

    # -- filtering ---------------------------------------------------------------------
    def set_filter(self, text: str | None = None, show: int | None = None) -> None:
        """Show only tracks whose current or proposed values contain every word of
        ``text`` (any case), and/or only edited / locked / proposal-less tracks."""
        needle = tuple(text.casefold().split()) if text is not None else self._needle
        show = self._show if show is None else show
        if (needle, show) == (self._needle, self._show):
            return
        self.beginResetModel()
        self._needle, self._show = needle, show
        self._apply_filter()
        self.endResetModel()

    @property
    def filter_text(self) -> str:
        return " ".join(self._needle)

    def _accepts(self, base: int) -> bool:
        tid = self._rows.track_ids[base]
        show = self._show
        if show == SHOW_EDITED and tid not in self._edits:
            return False
        if show == SHOW_LOCKED and tid not in self._locked:
            return False
        if show == SHOW_MISSING and self.profile_for(tid) is not None:
            return False
        if show == SHOW_NEEDS_A_LOOK and not self.needs_a_look(base):
            return False
        if self._needle:
            current, proposed = self._rows.search[base], self._proposal_search[base]
            return all(word in current or word in proposed for word in self._needle)
        return True

    def _apply_filter(self) -> None:
        """Recompute the visible rows from the sorted order (callers signal the change)."""
        if not self._needle and self._show == SHOW_ALL:
            self._order = list(self._sorted)
        else:
            accepts = self._accepts
            self._order = [base for base in self._sorted if accepts(base)]
        self._position = [-1] * len(self._rows)
        for row, base in enumerate(self._order):
            self._position[base] = row

    # -- Qt model ----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == COL_LOCK:
                return "Locked tracks are never changed"
            if section == COL_CONFIDENCE:
                return "How sure the proposal is: high, medium, low or guess (guesses are not written by default)"
            if section == COL_SOURCE:
                return "Where the genre and the energy came from"
            if section in PROPOSAL_COLUMNS:
                return "Proposed by the tagger; double-click to edit"
            return "The track's value now"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = index.column()
        if column == COL_LOCK:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        if column in PROFILE_FIELDS:
            tid = self._rows.track_ids[self._order[index.row()]]
            if tid not in self._locked and (column == COL_PRIMARY or self.profile_for(tid) is not None):
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        # The hot path of painting: roles are plain ints here, unknown roles leave first,
        # and display strings come from lists built once (no formatting per paint).
        if role not in _ROLES:
            return None
        row = index.row()  # -1 for an invalid index
        if row < 0 or row >= len(self._order):
            return None
        column = index.column()
        base = self._order[row]
        if role == _DISPLAY:
            if column < COL_PRIMARY:
                values = self._current[column]
                return values[base] if values is not None else None
            cached = self._display[base]
            if cached is None:
                cached = self._display_values(base)
            return cached[column - COL_PRIMARY] if 0 <= column - COL_PRIMARY < len(cached) else None
        tid = self._rows.track_ids[base]
        if role == _FONT:
            return self._bold if column >= COL_PRIMARY and tid in self._edits else None
        if role == _FOREGROUND:
            if column >= COL_PRIMARY and tid in self._locked:
                return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            return None
        if role == _CHECK:
            if column != COL_LOCK:
                return None
            return Qt.CheckState.Checked if tid in self._locked else Qt.CheckState.Unchecked
        if role == _DECORATION:
            return self._swatch(self._rows.colours[base]) if column == COL_COLOUR else None
        if role == _EDIT:
            if column not in PROFILE_FIELDS:
                return None
            profile = self.profile_for(tid)
            if profile is None:
                return "" if column == COL_PRIMARY else None
            value = getattr(profile, PROFILE_FIELDS[column])
            return list(value) if isinstance(value, tuple) else value
        if role == _TOOLTIP:
            return self._tooltip(base, column)
        if role == _ACCESSIBLE:
            return ("Locked" if tid in self._locked else "Not locked") if column == COL_LOCK else None
        if role == _TRACK_ID:
            return tid
        if role == _PROFILE:
            return self.profile_for(tid)
        return None

    def _display_values(self, base: int) -> tuple[str, ...]:
        """Display strings of the proposal columns for one track (cached until it changes)."""
        profile = self.profile_for(self._rows.track_ids[base])
        if profile is None:
            values: tuple[str, ...] = ("",) * (len(PROPOSAL_COLUMNS) + len(TRUST_COLUMNS))
        else:
            values = (profile.primary_genre, _join(profile.sub_genres), str(profile.energy), _join(profile.vibes),
                      _join(profile.situations), _join(profile.components), profile.era or "",
                      confidence_text(profile, self._rows.genres[base], self._genre_map()), source_text(profile))
        self._display[base] = values
        return values

    def _swatch(self, hex_value: str) -> QColor | None:
        if not hex_value:
            return None
        colour = self._colours.get(hex_value)
        if colour is None:
            colour = QColor("#" + hex_value[2:]) if hex_value.lower().startswith("0x") else QColor(hex_value)
            self._colours[hex_value] = colour
        return colour if colour.isValid() else None

    def _tooltip(self, base: int, column: int) -> str | None:
        tid = self._rows.track_ids[base]
        if column == COL_COMMENTS:
            return self._rows.comments[base] or None
        if column == COL_LOCK:
            return "Locked: this track is never changed" if tid in self._locked else "Tick to keep this track unchanged"
        if column in PROPOSAL_COLUMNS:
            if tid in self._locked:
                return "Locked: not changed"
            return proposal_tooltip(self.profile_for(tid), PROFILE_FIELDS[column], tid in self._edits,
                                    self._audio.get(tid))
        return None

    # -- trust -------------------------------------------------------------------------
    @staticmethod
    def _genre_map() -> Any:
        return load_vocabulary().genres

    def needs_a_look(self, base: int) -> bool:
        """No proposal, a low or guessed value, or a genre that disagrees with the DJ's."""
        profile = self.profile_for(self._rows.track_ids[base])
        if self._rows.track_ids[base] in self._edits:
            return False  # the DJ has looked: an edit is the DJ's own answer
        return needs_a_look(profile, self._rows.genres[base], self._genre_map())

    def needs_a_look_count(self) -> int:
        return sum(1 for base in range(len(self._rows)) if self.needs_a_look(base))

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return False
        base = self._order[index.row()]
        tid = self._rows.track_ids[base]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_LOCK:
            state = value.value if hasattr(value, "value") else value
            locked = int(state) == Qt.CheckState.Checked.value
            (self._locked.add if locked else self._locked.discard)(tid)
            self._row_changed(base)
            self.edits_changed.emit()
            return True
        if role != Qt.ItemDataRole.EditRole or column not in PROFILE_FIELDS or tid in self._locked:
            return False
        updated = self._edited_profile(tid, PROFILE_FIELDS[column], value)
        if updated is None:
            return False
        current = self.profile_for(tid)
        if current is not None and same_tags(current, updated):
            return False
        self._edits[tid] = updated
        self._row_changed(base)
        self.edits_changed.emit()
        return True

    def _edited_profile(self, tid: str, field: str, value: Any) -> TagProfile | None:
        return edited_profile(self.profile_for(tid), field, value)

    def _row_changed(self, base: int) -> None:
        self._display[base] = None
        tid = self._rows.track_ids[base]
        self._proposal_search[base] = proposal_search_text(self.profile_for(tid))
        row = self._position[base]
        if row < 0:
            return  # filtered out: nothing on screen to update
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- sorting -----------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or not self._sorted:
            return
        key, missing = self._sort_key(column)
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_bases = [(self._order[p.row()], p.column()) for p in old_persistent]
        descending = order == Qt.SortOrder.DescendingOrder
        if missing is None:
            self._sorted.sort(key=key, reverse=descending)
        else:  # tracks without a proposal stay last in both directions
            present = sorted((b for b in self._sorted if not missing(b)), key=key, reverse=descending)
            self._sorted = present + sorted(b for b in self._sorted if missing(b))
        # The same rows stay visible (sorting never filters), only their order changes.
        visible = set(self._order)
        self._order = [base for base in self._sorted if base in visible]
        for row, base in enumerate(self._order):
            self._position[base] = row
        self.changePersistentIndexList(
            old_persistent, [self.index(self._position[base], column_) for base, column_ in old_bases]
        )
        self.layoutChanged.emit()

    def _sort_key(self, column: int):  # noqa: ANN202
        """(key function, "has no value" predicate or None) for sorting base indexes."""
        rows = self._rows
        if column == COL_LOCK:
            return (lambda b: rows.track_ids[b] not in self._locked), None
        if column == COL_COLOUR:
            return (lambda b: colour_name(rows.colours[b]).casefold()), None
        simple = {COL_ARTIST: rows.artists, COL_TITLE: rows.titles, COL_GENRE: rows.genres,
                  COL_COMMENTS: rows.comments}
        if column in simple:
            values = simple[column]
            return (lambda b: values[b].casefold()), None
        if column == COL_RATING:
            return (lambda b: rows.ratings[b]), None
        if column == COL_CONFIDENCE:  # least trustworthy first, tracks without a proposal first of all
            genres = self._genre_map()
            return (lambda b: (3, 0) if rows.track_ids[b] in self._edits else
                    trust_rank(self.profile_for(rows.track_ids[b]), rows.genres[b], genres)), None
        if column == COL_SOURCE:
            return (lambda b: source_text(self.profile_for(rows.track_ids[b]))), None
        field = PROFILE_FIELDS[column]

        def proposal_key(b: int) -> Any:
            profile = self.profile_for(rows.track_ids[b])
            value = getattr(profile, field)
            if field == "energy":
                return value
            if isinstance(value, tuple):
                value = _join(value)
            return (value or "").casefold()

        return proposal_key, (lambda b: self.profile_for(rows.track_ids[b]) is None)

