from __future__ import annotations

import pytest

from taggenius_desktop.writeback import comment_length, has_block, parse_block, strip_blocks
from taggenius_desktop.writeback.block import BlockContent, fit_block, format_block, place_block

FULL = BlockContent(energy=8, situations=("Peak Hour", "Closing"), vibes=("Driving", "Dark"),
                    components=("Vocal", "Synth"), era="2010s")


def test_format_is_compact_and_ordered() -> None:
    assert format_block(FULL) == "/* E: 08 / Sit: Peak Hour, Closing / Vibe: Driving, Dark / Comp: Vocal, Synth / Era: 2010s */"
    assert format_block(BlockContent(energy=10)) == "/* E: 10 */"
    assert format_block(BlockContent(energy=3, vibes=("Dark",))) == "/* E: 03 / Vibe: Dark */"


@pytest.mark.parametrize(
    "content",
    [FULL, BlockContent(energy=1), BlockContent(energy=10, era="1970s"),
     BlockContent(energy=5, components=("Piano",)), BlockContent(energy=6, situations=("Warm Up",), era="2020s")],
)
def test_parse_gives_back_what_was_formatted(content: BlockContent) -> None:
    for text in (format_block(content), f"Purchased at Beatport.com {format_block(content)}",
                 f"8A - Energy 6 {format_block(content)} tail, with / slashes: *"):
        assert parse_block(text) == {"energy": content.energy, "situations": content.situations,
                                     "vibes": content.vibes, "components": content.components, "era": content.era}


def test_energy_filters_are_unambiguous() -> None:
    # A smart playlist rule "Comments contains E: 0N" must match exactly one energy.
    for energy in range(1, 11):
        block = format_block(BlockContent(energy=energy))
        matching = [e for e in range(1, 11) if f"E: {e:02d}" in block]
        assert matching == [energy]
    assert "E: 1" not in format_block(BlockContent(energy=1))


@pytest.mark.parametrize(
    "text",
    [None, "", "8A - Energy 6", "/* a C comment */", "/* E: 00 */", "/* E: 11 */", "/* E: 8 */",
     "/* E: 08 / Vibe: Dark / Sit: Peak Hour */",  # sections out of order: not ours
     "/* E: 08 / Mood: Dark */", "/* E: 08 / Era: 201s */", "/*E: 08*/"],
)
def test_text_that_is_not_a_block(text: str | None) -> None:
    assert parse_block(text) is None
    assert not has_block(text)


@pytest.mark.parametrize(
    "content",
    [
        {"energy": 0}, {"energy": 11}, {"energy": True}, {"energy": 7.0}, {"energy": "7"},
        {"energy": 5, "vibes": ("Dark/Moody",)}, {"energy": 5, "vibes": ("Dark, Moody",)},
        {"energy": 5, "situations": ("Peak: Hour",)}, {"energy": 5, "components": ("*/",)},
        {"energy": 5, "components": ("",)}, {"energy": 5, "components": (" Vocal",)},
        {"energy": 5, "vibes": ("Dark\n",)}, {"energy": 5, "era": "90s"}, {"energy": 5, "era": "1995"},
    ],
)
def test_unsafe_content_is_refused(content: dict) -> None:
    with pytest.raises(ValueError):
        BlockContent(**content)


def test_comment_length_counts_astral_characters_twice() -> None:
    assert comment_length("abc") == 3
    assert comment_length("日本語 é") == 5
    assert comment_length("🎧") == 2


def test_fit_drops_components_first_then_extras_then_era_then_leads() -> None:
    content = BlockContent(energy=8, situations=("Peak Hour", "Closing"), vibes=("Driving", "Dark"),
                           components=("Vocal", "Synth"), era="2010s")
    full = format_block(content)
    assert fit_block(content, len(full)) == (full, ())
    previous_block, previous_dropped = full, ()
    for budget in range(len(full) - 1, 0, -1):
        block, dropped = fit_block(content, budget)
        assert dropped[: len(previous_dropped)] == previous_dropped  # drops only ever extend
        if dropped != previous_dropped:
            assert len(previous_block) > budget  # richest block that fits: nothing dropped needlessly
        if block is None:
            assert budget < len("/* E: 08 */")
            break
        assert len(block) <= budget
        assert parse_block(block)["energy"] == 8
        previous_block, previous_dropped = block, dropped
    assert dropped == ("Comp: Synth", "Comp: Vocal", "Vibe: Dark", "Sit: Closing", "Era: 2010s",
                       "Vibe: Driving", "Sit: Peak Hour")


def test_place_appends_after_user_text_with_one_space() -> None:
    block = format_block(FULL)
    assert place_block("Purchased at Beatport.com", FULL).text == f"Purchased at Beatport.com {block}"
    assert place_block("", FULL).text == block
    assert place_block("ends with space ", FULL).text == f"ends with space {block}"


def test_place_replaces_an_existing_block_where_it_stands() -> None:
    old = "/* E: 03 / Vibe: Chill */"
    placed = place_block(f"before {old} after", FULL)
    assert placed.text == f"before {format_block(FULL)} after"


def test_place_keeps_only_one_block() -> None:
    text = "mine /* E: 03 */ middle /* E: 05 / Vibe: Dark */ end /* E: 09 */"
    placed = place_block(text, FULL)
    assert placed.text == f"mine {format_block(FULL)} middle end"
    assert placed.text.count("/* E:") == 1


def test_strip_blocks_gives_the_user_text() -> None:
    assert strip_blocks(f"Purchased at Beatport.com {format_block(FULL)}") == "Purchased at Beatport.com"
    assert strip_blocks(f"{format_block(FULL)} first") == "first"
    assert strip_blocks("no block here /* at all */") == "no block here /* at all */"


def test_no_room_means_no_block_and_a_note() -> None:
    long_text = "x" * 250
    placed = place_block(long_text, FULL)
    assert placed.text == long_text
    assert placed.note and "no room" in placed.note


def test_stale_block_is_removed_when_the_new_one_cannot_fit() -> None:
    user = "y" * 260  # already over the cut (an older tool, or the user)
    placed = place_block(f"{user} /* E: 03 */", FULL)
    assert placed.text == user
    assert placed.note
