"""The one builder of small rekordbox libraries for tests (the real exports stay in
../shared): TRACK attributes in rekordbox's order (``track_attrs``), whole files as text
(``track_xml`` + ``write_library``) or bytes (``library_xml``), and lxml's view of a file
to compare with (``lxml_tracks``, ``snapshot``)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

from taggenius_desktop.library import Library, read_library, render_library
from taggenius_desktop.library.rbformat import XML_DECLARATION, format_start_tag

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\r\n\r\n<DJ_PLAYLISTS Version="1.0.0">\r\n'
PRODUCT = '  <PRODUCT Name="rekordbox" Version="6.6.2" Company="AlphaTheta"/>\r\n'

GENRES = ["Techno", "Deep House", "Tech House", "Drum & Bass", "Ambient", "House", "Hip-Hop", "", "Dubstep", "Disco"]


def track_xml(track_id: int, genre: str = "Techno", bpm: str = "128.00", comments: str = "",
              colour: str | None = None, rating: str = "0", name: str | None = None) -> str:
    """One TRACK line as rekordbox writes it (self-closing), for ``write_library(tracks=...)``."""
    attrs = track_attrs(
        str(track_id), Name=name or f"Track {track_id}", Artist=f"Artist {track_id % 7}", Genre=genre,
        Year="2014", AverageBpm=bpm, Comments=comments, Rating=rating, Tonality="Am",
        Location=f"file://localhost/Music/track%20{track_id}.mp3",
    )
    if colour:
        attrs["Colour"] = colour
    body = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
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


RB_TRACK_ORDER = (
    "TrackID Name Artist Composer Album Grouping Genre Kind Size TotalTime DiscNumber TrackNumber Year "
    "AverageBpm DateAdded BitRate SampleRate Comments PlayCount Rating Location Remixer Tonality Label Mix"
).split()


def track_attrs(track_id: str, **overrides: str) -> dict[str, str]:
    """A rekordbox-ordered TRACK attribute dict."""
    attrs = {name: "" for name in RB_TRACK_ORDER}
    attrs.update(
        TrackID=track_id,
        Name=f"Song {track_id}",
        Artist="Artist",
        Kind="MP3 File",
        Size="1000",
        TotalTime="300",
        DiscNumber="0",
        TrackNumber="0",
        Year="2020",
        AverageBpm="128.00",
        DateAdded="2024-01-01",
        BitRate="320",
        SampleRate="44100",
        PlayCount="0",
        Rating="0",
        Location=f"file://localhost/Music/song%20{track_id}.mp3",
    )
    attrs.update(overrides)
    return attrs


def library_xml(
    tracks: list[dict[str, str]],
    playlists: list[tuple[str, list[str], int]] | None = None,
    newline: str = "\r\n",
    with_tempo: bool = True,
) -> bytes:
    """A small library in rekordbox's exact layout; playlists: (name, keys, key_type) under ROOT."""
    nl = newline.encode()
    out = [XML_DECLARATION + nl + nl, b'<DJ_PLAYLISTS Version="1.0.0">' + nl]
    out.append(b'  <PRODUCT Name="rekordbox" Version="6.6.2" Company="AlphaTheta"/>' + nl)
    out.append(b'  <COLLECTION Entries="%d">' % len(tracks) + nl)
    for attrs in tracks:
        out.append(b"    " + format_start_tag("TRACK", attrs, b"    ", nl, self_closing=not with_tempo) + nl)
        if with_tempo:
            tempo = {"Inizio": "0.025", "Bpm": attrs.get("AverageBpm", "120.00"), "Metro": "4/4", "Battito": "1"}
            out.append(b"      " + format_start_tag("TEMPO", tempo, b"      ", nl, self_closing=True) + nl)
            out.append(b"    </TRACK>" + nl)
    out.append(b"  </COLLECTION>" + nl)
    if playlists is not None:
        out.append(b"  <PLAYLISTS>" + nl)
        out.append(b'    <NODE Type="0" Name="ROOT" Count="%d">' % len(playlists) + nl)
        for name, keys, key_type in playlists:
            attrs = {"Name": name, "Type": "1", "KeyType": str(key_type), "Entries": str(len(keys))}
            out.append(b"      " + format_start_tag("NODE", attrs, b"      ", nl, self_closing=not keys) + nl)
            if keys:
                for key in keys:
                    out.append(b"        " + format_start_tag("TRACK", {"Key": key}, b"        ", nl, True) + nl)
                out.append(b"      </NODE>" + nl)
        out.append(b"    </NODE>" + nl + b"  </PLAYLISTS>" + nl)
    out.append(b"</DJ_PLAYLISTS>" + nl)
    return b"".join(out)


def write_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def snapshot(lib: Library) -> dict:
    """Everything a library holds, as plain data, for before/after comparisons."""

    def node_data(node):
        return (
            list(node.attrs.items()),
            [node_data(child) for child in node.children],
            list(node.track_keys),
        )

    return {
        "tracks": [
            (track.track_id, list(track.attrs.items()), [(c.tag, list(c.attrs.items())) for c in track.children])
            for track in lib.tracks
        ],
        "playlists": [node_data(node) for node in lib._top_nodes],
        "skeleton": [(child.tag, child.attrs) for child in lib._skeleton.children],
    }


def without_counts(data: dict) -> dict:
    """``snapshot`` with Count / Entries dropped (they are rewritten when wrong)."""

    def strip(node):
        attrs, children, keys = node
        attrs = [(k, v) for k, v in attrs if k not in ("Count", "Entries")]
        return (attrs, [strip(child) for child in children], keys)

    result = dict(data)
    result["playlists"] = [strip(node) for node in data["playlists"]]
    result["skeleton"] = [
        (tag, {k: v for k, v in attrs.items() if not (tag == "COLLECTION" and k == "Entries")})
        for tag, attrs in data["skeleton"]
    ]
    return result


def assert_counts_right(data: bytes) -> None:
    """COLLECTION Entries, folder Count and playlist Entries match what is there."""
    root = etree.fromstring(data)
    collection = root.find("COLLECTION")
    if collection is not None:
        assert collection.get("Entries") == str(len(collection.findall("TRACK")))
    for node in root.iter("NODE"):
        if node.get("Type") == "0":
            assert node.get("Count") == str(len(node.findall("NODE"))), node.get("Name")
        else:
            assert node.get("Entries") == str(len(node.findall("TRACK"))), node.get("Name")


def lxml_tracks(data: bytes) -> list[tuple[dict[str, str], list[tuple[str, dict[str, str]]]]]:
    """COLLECTION tracks as lxml reads them: attributes and children."""
    parser = etree.XMLParser(remove_comments=True, huge_tree=True)
    root = etree.fromstring(data, parser)
    collection = root.find("COLLECTION")
    if collection is None:
        return []
    return [
        (dict(track.attrib), [(child.tag, dict(child.attrib)) for child in track if isinstance(child.tag, str)])
        for track in collection
        if track.tag == "TRACK"
    ]
