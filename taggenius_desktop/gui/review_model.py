"""The review table's model: every track's current tags beside the proposed ones.

Built for 50,000 rows: the display strings of the current values are computed once, in a
background task (:func:`build_rows`), ``data()`` is a couple of list and dict lookups,
sorting is done here with Python's sort over a key list (never through per-comparison
``data()`` calls), and the filter proxy matches one pre-lowered string per row.

Edits are kept as whole :class:`TagProfile` overrides per track; locked tracks are a set.
"Write reviewed result" turns them into ``build_tag_job(overrides=..., locked=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ..vocabulary.profile import ENERGY_MAX, ENERGY_MIN, SOURCE_USER, TagProfile

PROFILE_ROLE = Qt.ItemDataRole.UserRole + 1
TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Lock", "Artist", "Title", "Genre now", "Comments now", "Colour", "Rating",
           "Primary genre", "Sub-genres", "Energy", "Vibes", "Situations", "Components", "Era")
(COL_LOCK, COL_ARTIST, COL_TITLE, COL_GENRE, COL_COMMENTS, COL_COLOUR, COL_RATING,
 COL_PRIMARY, COL_SUBS, COL_ENERGY, COL_VIBES, COL_SITUATIONS, COL_COMPONENTS, COL_ERA) = range(len(COLUMNS))
PROPOSAL_COLUMNS = range(COL_PRIMARY, COL_ERA + 1)
#: column -> TagProfile field for the editable columns
PROFILE_FIELDS = {
    COL_PRIMARY: "primary_genre", COL_SUBS: "sub_genres", COL_ENERGY: "energy", COL_VIBES: "vibes",
    COL_SITUATIONS: "situations", COL_COMPONENTS: "components", COL_ERA: "era",
}
MULTI_FIELDS = {"sub_genres", "vibes", "situations", "components"}

_COLOUR_NAMES = {"0xFF007F": "Pink", "0xFF0000": "Red", "0xFFA500": "Orange", "0xFFFF00": "Yellow",
                 "0x00FF00": "Green", "0x25FDE9": "Aqua", "0x0000FF": "Blue", "0x660099": "Purple"}


@dataclass(frozen=True, slots=True)
class ReviewRows:
    """The current values of every track, as display strings (built off the GUI thread)."""

    track_ids: list[str]
    artists: list[str]
    titles: list[str]
    genres: list[str]
    comments: list[str]
    colours: list[str]  # raw hex as in the XML ("" when none)
    ratings: list[int]  # 0..5 stars

    def __len__(self) -> int:
        return len(self.track_ids)


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def _stars_of(raw: str | None) -> int:
    try:
        return max(0, min(5, int(raw or 0) // 51))
    except ValueError:
        return 0


def build_rows(tracks: Iterable[Any]) -> ReviewRows:
    """From the library's tracks (``.track_id`` and ``.attrs``). Plain Python: safe in a task."""
    rows = ReviewRows([], [], [], [], [], [], [])
    for track in tracks:
        attrs = track.attrs
        rows.track_ids.append(track.track_id)
        rows.artists.append(attrs.get("Artist", "") or "")
        rows.titles.append(attrs.get("Name", "") or "")
        rows.genres.append(attrs.get("Genre", "") or "")
        rows.comments.append(" ".join((attrs.get("Comments", "") or "").split()))
        rows.colours.append((attrs.get("Colour", "") or "").strip())
        rows.ratings.append(_stars_of(attrs.get("Rating")))
    return rows


def _join(values: Sequence[str]) -> str:
    return ", ".join(values)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


class ReviewModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows = ReviewRows([], [], [], [], [], [], [])
        self._order: list[int] = []  # view row -> base index
        self._position: list[int] = []  # base index -> view row
        self._index_of: dict[str, int] = {}  # track id -> base index
        self._proposals: dict[str, TagProfile] = {}
        self._edits: dict[str, TagProfile] = {}
        self._locked: set[str] = set()
        self._search: list[str | None] = []  # lowered text per base index, built lazily
        self._bold = QFont()
        self._bold.setBold(True)
        self._colours: dict[str, QColor] = {}

    # -- feeding -----------------------------------------------------------------------
    def set_rows(self, rows: ReviewRows) -> None:
        self.beginResetModel()
        self._rows = rows
        self._order = list(range(len(rows)))
        self._position = list(self._order)
        self._index_of = {tid: i for i, tid in enumerate(rows.track_ids)}
        self._proposals = {}
        self._edits = {}
        self._locked = set()
        self._search = [None] * len(rows)
        self.endResetModel()

    def set_proposals(self, proposals: Mapping[str, Any]) -> None:
        """TrackID -> TagProfile (or a Proposal with ``.profile``). Edits and locks stay."""
        self._proposals = {tid: getattr(p, "profile", p) for tid, p in proposals.items()}
        self._search = [None] * len(self._rows)
        if self._order:
            self.dataChanged.emit(self.index(0, COL_PRIMARY), self.index(len(self._order) - 1, COL_ERA))

    def clear(self) -> None:
        self.set_rows(ReviewRows([], [], [], [], [], [], []))

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

    def reset_edits(self) -> None:
        self._edits.clear()
        self._search = [None] * len(self._rows)
        if self._order:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, len(COLUMNS) - 1))

    def track_id_at(self, row: int) -> str:
        return self._rows.track_ids[self._order[row]]

    def row_of(self, track_id: str) -> int | None:
        base = self._index_of.get(track_id)
        return None if base is None else self._position[base]

    def search_text(self, source_row: int) -> str:
        """Everything a filter may match in this row, lowered (cached until it changes)."""
        base = self._order[source_row]
        text = self._search[base]
        if text is None:
            rows = self._rows
            tid = rows.track_ids[base]
            parts = [rows.artists[base], rows.titles[base], rows.genres[base], rows.comments[base],
                     _COLOUR_NAMES.get(rows.colours[base].upper(), "")]
            profile = self.profile_for(tid)
            if profile is not None:
                parts += [profile.primary_genre, *profile.sub_genres, *profile.vibes, *profile.situations,
                          *profile.components, profile.era or "", f"energy {profile.energy}"]
            if tid in self._locked:
                parts.append("locked")
            if tid in self._edits:
                parts.append("edited")
            text = "\n".join(parts).casefold()
            self._search[base] = text
        return text

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

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._order):
            return None
        base = self._order[row]
        rows = self._rows
        if role == Qt.ItemDataRole.DisplayRole:
            if column <= COL_RATING:
                if column == COL_ARTIST:
                    return rows.artists[base]
                if column == COL_TITLE:
                    return rows.titles[base]
                if column == COL_GENRE:
                    return rows.genres[base]
                if column == COL_COMMENTS:
                    return rows.comments[base]
                if column == COL_COLOUR:
                    return _COLOUR_NAMES.get(rows.colours[base].upper(), rows.colours[base])
                if column == COL_RATING:
                    return stars(rows.ratings[base])
                return None
            profile = self.profile_for(rows.track_ids[base])
            if profile is None:
                return ""
            value = getattr(profile, PROFILE_FIELDS[column])
            if column == COL_ENERGY:
                return str(value)
            if isinstance(value, tuple):
                return _join(value)
            return value or ""
        if role == Qt.ItemDataRole.EditRole and column in PROFILE_FIELDS:
            profile = self.profile_for(rows.track_ids[base])
            if profile is None:
                return "" if column == COL_PRIMARY else None
            value = getattr(profile, PROFILE_FIELDS[column])
            return list(value) if isinstance(value, tuple) else value
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_LOCK:
            locked = rows.track_ids[base] in self._locked
            return Qt.CheckState.Checked if locked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole and column in PROPOSAL_COLUMNS:
            return self._bold if rows.track_ids[base] in self._edits else None
        if role == Qt.ItemDataRole.ForegroundRole and column in PROPOSAL_COLUMNS:
            if rows.track_ids[base] in self._locked:
                return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_COLOUR:
            return self._swatch(rows.colours[base])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(base, column)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_LOCK:
            return "Locked" if rows.track_ids[base] in self._locked else "Not locked"
        if role == TRACK_ID_ROLE:
            return rows.track_ids[base]
        if role == PROFILE_ROLE:
            return self.profile_for(rows.track_ids[base])
        return None

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
            profile = self.profile_for(tid)
            if profile is None:
                return "No proposal yet: run a job with this tagger (or choose Offline), or set a genre by hand"
            source = profile.sources.get(PROFILE_FIELDS[column]) if profile.sources else None
            where = "edited by you" if tid in self._edits else (f"from {source}" if source else "")
            return where or None
        return None

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
            return True
        if role != Qt.ItemDataRole.EditRole or column not in PROFILE_FIELDS or tid in self._locked:
            return False
        updated = self._edited_profile(tid, PROFILE_FIELDS[column], value)
        if updated is None:
            return False
        current = self.profile_for(tid)
        if current is not None and _same_tags(current, updated):
            return False
        self._edits[tid] = updated
        self._row_changed(base)
        return True

    def _edited_profile(self, tid: str, field: str, value: Any) -> TagProfile | None:
        current = self.profile_for(tid)
        if field == "primary_genre":
            text = str(value or "").strip()
            if not text:
                return None
            if current is None:
                return TagProfile(primary_genre=text, sources={"primary_genre": SOURCE_USER})
            new_value: Any = text
        elif current is None:
            return None
        elif field == "energy":
            try:
                new_value = int(value)
            except (TypeError, ValueError):
                return None
            if not ENERGY_MIN <= new_value <= ENERGY_MAX:
                return None
        elif field == "era":
            new_value = str(value).strip() or None if value is not None else None
        else:
            new_value = tuple(dict.fromkeys(_as_list(value)))[:3]
        sources = dict(current.sources or {})
        sources[field] = SOURCE_USER
        return replace(current, **{field: new_value}, sources=sources)

    def _row_changed(self, base: int) -> None:
        self._search[base] = None
        row = self._position[base]
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- sorting -----------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or not self._order:
            return
        key, missing = self._sort_key(column)
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_bases = [(self._order[p.row()], p.column()) for p in old_persistent]
        descending = order == Qt.SortOrder.DescendingOrder
        if missing is None:
            self._order.sort(key=key, reverse=descending)
        else:  # tracks without a proposal stay last in both directions
            present = sorted((b for b in self._order if not missing(b)), key=key, reverse=descending)
            self._order = present + sorted(b for b in self._order if missing(b))
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
        simple = {COL_ARTIST: rows.artists, COL_TITLE: rows.titles, COL_GENRE: rows.genres,
                  COL_COMMENTS: rows.comments, COL_COLOUR: rows.colours}
        if column in simple:
            values = simple[column]
            return (lambda b: values[b].casefold()), None
        if column == COL_RATING:
            return (lambda b: rows.ratings[b]), None
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


def _same_tags(a: TagProfile, b: TagProfile) -> bool:
    return (a.primary_genre, a.sub_genres, a.energy, a.vibes, a.situations, a.components, a.era) == \
        (b.primary_genre, b.sub_genres, b.energy, b.vibes, b.situations, b.components, b.era)


class ReviewFilterProxy(QSortFilterProxyModel):
    """Filters by text over every column and by "edited / locked / no proposal"; sorting is
    handed to the source model (fast key sort instead of per-comparison data() calls)."""

    SHOW_ALL, SHOW_EDITED, SHOW_LOCKED, SHOW_MISSING = range(4)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._needle = ""
        self._show = self.SHOW_ALL
        self.setDynamicSortFilter(False)

    def set_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._change_filter(lambda: setattr(self, "_needle", needle))

    def set_show(self, show: int) -> None:
        if show != self._show:
            self._change_filter(lambda: setattr(self, "_show", show))

    def _change_filter(self, change) -> None:  # noqa: ANN001
        # Qt 6.9+ wants begin/endFilterChange around the change (invalidateRowsFilter is
        # deprecated in 6.12); PySide6 6.8 only has the old call.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._needle and self._show == self.SHOW_ALL:
            return True
        model: ReviewModel = self.sourceModel()  # type: ignore[assignment]
        if self._show != self.SHOW_ALL:
            tid = model.track_id_at(source_row)
            if self._show == self.SHOW_EDITED and not model.is_edited(tid):
                return False
            if self._show == self.SHOW_LOCKED and not model.is_locked(tid):
                return False
            if self._show == self.SHOW_MISSING and model.profile_for(tid) is not None:
                return False
        return not self._needle or all(word in model.search_text(source_row) for word in self._needle.split())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
