"""Helpers shared by the tests/test_library_*.py modules (no tests of its own)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from taggenius_desktop.library import Library
from taggenius_desktop.library.rbformat import XML_DECLARATION, format_start_tag

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
