"""Every module-level memo of the core is bounded, and one call empties them all.

Each dict or set memo is filled past its bound through the public path that fills it in
a job; an ``lru_cache`` is bounded by its maxsize. A memo registered without a driver
here fails the test: a new memo must show its bound holds.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pytest

import taggenius_desktop
from taggenius_desktop import caches
from tests.support.libraries import write_library


def _import_the_core() -> None:
    for info in pkgutil.walk_packages(taggenius_desktop.__path__, "taggenius_desktop."):
        if ".gui" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)


# -- drivers: add ``count`` distinct entries the way a job would -------------------------------

def _ints(count: int, tmp: Path) -> None:
    from taggenius_desktop.vocabulary.profile import TrackInfo

    for i in range(count):
        TrackInfo.from_attributes({"TrackID": "1", "Year": str(i)})


def _block_values(count: int, tmp: Path) -> None:
    from taggenius_desktop.writeback.block import BlockContent

    for i in range(count):
        BlockContent(energy=5, vibes=(f"Vibe {i}",))


def _list_values(count: int, tmp: Path) -> None:
    from taggenius_desktop.vocabulary.profile import TagProfile
    from taggenius_desktop.writeback.plan import genre_value

    for i in range(count):
        genre_value(TagProfile("House", sub_genres=(f"Sub {i}",)), 2)


def _plans(profiles: Callable[[int], object], attrs: Callable[[int], dict[str, str]] = lambda i: {}) -> Callable[
        [int, Path], None]:
    def fill(count: int, tmp: Path) -> None:
        from taggenius_desktop.writeback.options import WriteOptions
        from taggenius_desktop.writeback.plan import plan_fields

        options = WriteOptions()
        for i in range(count):
            plan_fields(attrs(i), profiles(i), options)  # type: ignore[arg-type]

    return fill


def _profile(genre: str = "House") -> object:
    from taggenius_desktop.vocabulary.profile import TagProfile

    return TagProfile(genre, energy=5)


def _valid_names(count: int, tmp: Path) -> None:
    from taggenius_desktop.library import read_library

    library = read_library(write_library(tmp / "names.xml", n=1))
    track_id = library.tracks[0].track_id
    for i in range(count):
        library.set_track_attributes(track_id, {f"Extra{i}": "x"})


def _split_tags(count: int, tmp: Path) -> None:
    from taggenius_desktop.library.tags import split_tag

    for i in range(count):
        split_tag(f'<TRACK TrackID="1" Name{i}="x">'.encode())


def _read_tags(count: int, tmp: Path) -> None:
    from taggenius_desktop.library.tags import read_attributes

    for i in range(count):
        read_attributes(f'<TRACK TrackID="1" Text{i}="x">'.encode())


def _extend_tags(count: int, tmp: Path) -> None:
    from taggenius_desktop.library.tags import rewrite_tag

    for i in range(count):
        rewrite_tag(b'<TRACK TrackID="1">', {f"Added{i}": "x"}, b"", b"\n")


def _escape(count: int, tmp: Path) -> None:
    from taggenius_desktop.library.tags import escape_bytes

    for i in range(count):
        escape_bytes(f"value & {i}")


def _wrap(count: int, tmp: Path) -> None:
    from taggenius_desktop.library.tags import join_wrapped, split_tag

    split = split_tag(b'<TRACK TrackID="1" Name="x">')
    assert split is not None
    layout, values = split
    for i in range(count):
        join_wrapped(layout, values, b" " * i, b"\n")


def _rules(count: int, tmp: Path) -> None:
    from taggenius_desktop.tagging.offline.tagger import rules_for
    from taggenius_desktop.vocabulary import load_vocabulary

    bundled = load_vocabulary()
    for i in range(count):
        rules_for(dataclasses.replace(bundled, version=f"test-{i}"))


DRIVERS: dict[str, Callable[[int, Path], None]] = {
    "vocabulary.profile.ints": _ints,
    "writeback.block.safe_values": _block_values,
    "writeback.plan.safe_list_values": _list_values,
    # distinct contents; then one content in distinct objects
    "writeback.plan.derived": _plans(lambda i: _profile(f"Genre {i}")),
    "writeback.plan.by_identity": _plans(lambda i: _profile()),
    "writeback.plan.own_labels": _plans(lambda i: _profile(), lambda i: {"Genre": f"Label Of Mine {i}"}),
    "library.model.valid_names": _valid_names,
    "library.tags.layouts": _split_tags,
    "library.tags.normalised": _split_tags,
    "library.tags.text_layouts": _read_tags,
    "library.tags.extended": _extend_tags,
    "library.tags.escaped": _escape,
    "library.tags.wrappers": _wrap,
    "tagging.offline.rules": _rules,
}


def _lru_names() -> set[str]:
    return {name for name, memo in caches._REGISTERED.items() if hasattr(memo, "cache_clear")}


def test_every_registered_memo_has_a_bound() -> None:
    _import_the_core()
    limits = caches.cache_limits()
    assert set(limits) == set(caches.cache_sizes())
    assert all(isinstance(limit, int) and limit > 0 for limit in limits.values()), limits
    for name in _lru_names():
        assert caches._REGISTERED[name].cache_parameters()["maxsize"] == limits[name]
    # Every dict or set memo shows below that its module keeps it within the bound.
    assert set(limits) - _lru_names() == set(DRIVERS)


def test_an_unbounded_memo_is_refused() -> None:
    with pytest.raises(ValueError, match="maxsize"):
        caches.register("test.unbounded_lru", lru_cache(maxsize=None)(lambda x: x))
    with pytest.raises(ValueError, match="bound"):
        caches.register("test.unbounded_dict", {})
    with pytest.raises(TypeError):
        caches.register("test.not_a_memo", object())
    assert not {name for name in caches.cache_limits() if name.startswith("test.")}


@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_a_memo_stays_within_its_bound(name: str, tmp_path: Path, clean_caches: None) -> None:
    _import_the_core()
    limit = caches.cache_limits()[name]
    DRIVERS[name](limit + 50, tmp_path)
    size = caches.cache_sizes()[name]
    assert 0 < size <= limit, (name, size, limit)


def test_reset_caches_empties_every_memo(tmp_path: Path, clean_caches: None) -> None:
    from taggenius_desktop.jobs import build_tag_job
    from taggenius_desktop.jobs.progress import Reporter
    from taggenius_desktop.jobs.tagging import run_tag_job
    from taggenius_desktop.paths import resource_path
    from taggenius_desktop.tagging.llm.pricing import default_price_table
    from taggenius_desktop.tagging.llm.prompt import system_prompt
    from taggenius_desktop.tagging.llm.schema import response_format
    from taggenius_desktop.vocabulary import load_vocabulary
    from taggenius_desktop.vocabulary.genres import _closest
    from taggenius_desktop.vocabulary.keys import parse_key

    _import_the_core()
    for fill in DRIVERS.values():
        fill(20, tmp_path)
    library = write_library(tmp_path / "in.xml", n=20)
    run_tag_job(build_tag_job(library, tmp_path / "out.xml"), Reporter())  # reading, tagging, planning
    vocab = load_vocabulary(resource_path())
    system_prompt(vocab, True), response_format(vocab), default_price_table(), parse_key("8A")
    _closest("hosue", ("house",))
    _plans(lambda i: _profile(), lambda i: {"Comments": "my words /* E: 3 */"})(1, tmp_path)  # a block to replace
    assert {name for name, size in caches.cache_sizes().items() if not size} == set()
    caches.reset_caches()
    assert {name: size for name, size in caches.cache_sizes().items() if size} == {}
