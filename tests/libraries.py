"""Small rekordbox libraries built in tests (the real exports stay in ../shared)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from taggenius_desktop.library import read_library, render_library

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\r\n\r\n<DJ_PLAYLISTS Version="1.0.0">\r\n'
PRODUCT = '  <PRODUCT Name="rekordbox" Version="6.6.2" Company="AlphaTheta"/>\r\n'

GENRES = ["Techno", "Deep House", "Tech House", "Drum & Bass", "Ambient", "House", "Hip-Hop", "", "Dubstep", "Disco"]


def track_xml(track_id: int, genre: str = "Techno", bpm: str = "128.00", comments: str = "",
              colour: str | None = None, rating: str = "0", name: str | None = None) -> str:
    attrs = [
        ("TrackID", str(track_id)), ("Name", name or f"Track {track_id}"), ("Artist", f"Artist {track_id % 7}"),
        ("Composer", ""), ("Album", ""), ("Grouping", ""), ("Genre", genre), ("Kind", "MP3 File"),
        ("Size", "1000"), ("TotalTime", "300"), ("DiscNumber", "0"), ("TrackNumber", "0"), ("Year", "2014"),
        ("AverageBpm", bpm), ("DateAdded", "2024-01-01"), ("BitRate", "320"), ("SampleRate", "44100"),
        ("Comments", comments), ("PlayCount", "0"), ("Rating", rating),
        ("Location", f"file://localhost/Music/track%20{track_id}.mp3"), ("Remixer", ""), ("Tonality", "Am"),
        ("Label", ""), ("Mix", ""),
    ]
    if colour:
        attrs.append(("Colour", colour))
    body = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs)
    return f"    <TRACK {body}/>\r\n"


def write_library(path: Path, n: int = 12, tracks: list[str] | None = None) -> Path:
    """A small, valid library with one playlist holding the first half of the tracks,
    laid out exactly as rekordbox writes files (so byte-level comparisons are meaningful)."""
    items = tracks if tracks is not None else [track_xml(i, GENRES[i % len(GENRES)]) for i in range(1, n + 1)]
    count = len(items)
    half = list(range(1, count // 2 + 1))
    playlist = "".join(f'        <TRACK Key="{i}"/>\r\n' for i in half)
    text = (
        HEADER + PRODUCT + f'  <COLLECTION Entries="{count}">\r\n' + "".join(items) + "  </COLLECTION>\r\n"
        "  <PLAYLISTS>\r\n"
        '    <NODE Type="0" Name="ROOT" Count="1">\r\n'
        f'      <NODE Name="Half" Type="1" KeyType="0" Entries="{len(half)}">\r\n' + playlist + "      </NODE>\r\n"
        "    </NODE>\r\n  </PLAYLISTS>\r\n</DJ_PLAYLISTS>\r\n"
    )
    path.write_text(text, encoding="utf-8", newline="")
    path.write_bytes(render_library(read_library(path), reuse_input=False))
    return path


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<DJ_PLAYLISTS Version="1.0.0"><COLLECTION Entries="1"><TRACK TrackID="1" Name="&lol4;"/></COLLECTION></DJ_PLAYLISTS>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<DJ_PLAYLISTS Version="1.0.0"><COLLECTION Entries="1"><TRACK TrackID="1" Name="&xxe;"/></COLLECTION></DJ_PLAYLISTS>
"""


def bad_inputs(folder: Path) -> dict[str, Path]:
    """Every kind of bad input the CLI must refuse with exit 2 and one line."""
    folder.mkdir(parents=True, exist_ok=True)
    good = write_library(folder / "good.xml", n=4)
    text = good.read_text(encoding="utf-8")
    cases = {
        "not_xml": "this is not xml at all\n",
        "empty": "",
        "wrong_root": '<?xml version="1.0"?>\n<html><body/></html>\n',
        "truncated": text[: len(text) // 2],
        "billion_laughs": BILLION_LAUGHS,
        "external_entity": EXTERNAL_ENTITY,
        "track_without_id": text.replace('TrackID="2" ', ""),
        "duplicate_ids": text.replace('TrackID="3"', 'TrackID="2"'),
    }
    paths = {}
    for name, content in cases.items():
        path = folder / f"{name}.xml"
        path.write_text(content, encoding="utf-8", newline="")
        paths[name] = path
    good.unlink()
    return paths
