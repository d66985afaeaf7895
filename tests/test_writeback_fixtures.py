"""Writeback over every track of the real rekordbox exports: limits, safety, idempotence."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lxml import etree

from taggenius_desktop.writeback import (
    WriteOptions,
    comment_length,
    originals_for,
    parse_block,
    plan_writeback,
    restore_changes,
)
from tests.conftest import pristine_params
from tests.support.profiles import apply, random_profile

DEFAULTS = WriteOptions()


def _tracks(export: Path) -> list[dict[str, str]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    collection = etree.parse(str(export), parser).getroot().find("COLLECTION")
    return [dict(track.attrib) for track in collection.iterfind("TRACK")]


@pytest.mark.parametrize("export", pristine_params())
def test_real_tracks(export: Path) -> None:
    rng = random.Random(export.name)
    for attrs in _tracks(export):
        profile = random_profile(rng)
        result = plan_writeback(attrs, profile, DEFAULTS)
        changes = result.changes
        if attrs.get("Colour", "").upper() == "0XFF0000":
            assert changes == {}
            continue
        for name in ("Colour", "Rating"):  # hand-set values survive the defaults
            if attrs.get(name) not in (None, "", "0"):
                assert name not in changes
        if "Comments" in changes:
            new = changes["Comments"]
            assert new.startswith(attrs.get("Comments", ""))
            assert comment_length(new) <= 255
            assert parse_block(new)["energy"] == profile.energy
        else:
            assert comment_length(attrs.get("Comments", "")) > 255 - len(" /* E: 08 */")
            assert result.notes
        tagged = apply(attrs, changes)
        assert plan_writeback(tagged, profile, DEFAULTS).changes == {}
        restore = restore_changes(tagged, originals_for(attrs, changes), changes)
        assert apply(tagged, restore.changes) == attrs
