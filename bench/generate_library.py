"""Generate a realistic rekordbox XML library of N tracks, laid out exactly as rekordbox does.

About 0.9 KB per track, like real exports: the 25 TRACK attributes (Colour on some),
genres drawn from what real libraries hold (junk and multi-genre strings included), BPMs,
keys in classic / Camelot / Open Key / text notation, years, Mixed In Key comments on a
share of the tracks, ratings and colours, a TEMPO and a few POSITION_MARKs per track, and a
playlist tree (genre folder, set playlists, one Location-keyed playlist).

    python bench/generate_library.py 100000 /tmp/library-100k.xml [--seed 7] [--lf]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path
from urllib.parse import quote

from taggenius_desktop.library.rbformat import XML_DECLARATION, format_start_tag

# Weighted like the genre counts in docs/llm.md; "" stands for the many untagged tracks.
GENRES: list[tuple[str, int]] = [
    ("", 400), ("House", 548), ("Techno", 547), ("Electronic", 299), ("Deep House", 296),
    ("Tech House", 174), ("Riddim", 168), ("Dance", 167), ("Progressive House", 159),
    ("Other", 111), ("Dubstep", 95), ("Electro House", 92), ("Electronica", 80),
    ("Dub Techno", 78), ("Blues", 71), ("Electro", 41), ("Bass", 37), ("Drum & Bass", 35),
    ("Dance Floor Filth", 33), ("no genre", 27), ("TECHNO / HOUSE", 24), ("fos", 24),
    ("Jungle", 25), ("Psy Tech", 23), ("SharingDB.me", 20), ("UK Funky", 17),
    ("Hardgroove", 17), ("Lo-Fi", 15), ("UK Garage", 14), ("Trap", 11),
    ("Танцевальная музыка", 9), ("Bruk", 6), ("deep house", 12), ("Hip-Hop", 10),
    ("Techno (Peak Time / Driving)", 15), ("Melodic House & Techno", 20), ("dnb", 6),
    ("Afro House", 12), ("Amapiano", 8), ("Hard Techno", 9), ("Ambient", 10),
]
GENRE_BPM = {
    "Drum & Bass": (170, 176), "Jungle": (160, 175), "dnb": (170, 176), "Dubstep": (138, 142),
    "Riddim": (140, 150), "Hip-Hop": (85, 100), "Trap": (70, 80), "Ambient": (70, 110),
    "Hard Techno": (145, 155), "Lo-Fi": (75, 90), "Blues": (80, 120), "Amapiano": (110, 114),
}
CLASSIC_KEYS = ["Am", "Em", "Bm", "F#m", "Dbm", "Abm", "Ebm", "Bbm", "Fm", "Cm", "Gm", "Dm",
                "C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F"]
CAMELOT = [f"{n}{side}" for n in range(1, 13) for side in "AB"]
OPEN_KEY = [f"{n}{side}" for n in range(1, 13) for side in "md"]
TEXT_KEYS = ["Amin", "Emin", "Cmaj", "Gmaj", "F#min", "Dmin"]
KINDS = ["MP3 File", "MP3 File", "MP3 File", "WAV File", "AIFF File", "M4A File"]
COLOURS = ["0xFF007F", "0xFF0000", "0xFFA500", "0xFFFF00", "0x00FF00", "0x25FDE9", "0x0000FF", "0x660099"]
WORDS = ["Night", "Deep", "Dub", "Rave", "Signal", "Echo", "Sunrise", "Warehouse", "Pulse", "Drift",
         "Voltage", "Fever", "Horizon", "Concrete", "Velvet", "Orbit", "Ghost", "Acid", "Tide", "Ember",
         "Mirage", "Static", "Bloom", "Circuit", "Shadow", "Nova", "Prism", "Groove", "Hollow", "Zenith",
         "Ωmega", "Café", "Niño", "Ström"]
ARTIST_PARTS = ["DJ", "The", "Kid", "Sister", "Unit", "Collective", "Sound", "System", "Mr.", "Lady",
                "Nova", "K-", "Rex", "Jay", "Mara", "Ola", "Tomás", "Zoë", "Björk", "Lee"]
MIXES = ["Original Mix", "Extended Mix", "Dub Mix", "Radio Edit", "Remix", "Vocal Mix",
         "Instrumental", "Club Mix", "Acapella"]
LABELS = ["Drumcode", "Defected", "Hospital Records", "Ostgut Ton", "Anjunadeep", "Toolroom",
          "Hessle Audio", "Dirtybird", "Kompakt", "Warp Records", "", "", ""]


_LOWER_HEX = re.compile(r"%[0-9A-F]{2}")


def _title(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.12:
        words += f" feat. {rng.choice(ARTIST_PARTS)} {rng.choice(WORDS)}"
    return words


def _artist(rng: random.Random) -> str:
    name = f"{rng.choice(ARTIST_PARTS)} {rng.choice(WORDS)}"
    if rng.random() < 0.15:
        name += f" & {rng.choice(ARTIST_PARTS)} {rng.choice(WORDS)}"
    return name


def _key(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(CLASSIC_KEYS)
    if roll < 0.8:
        return rng.choice(CAMELOT)
    if roll < 0.9:
        return rng.choice(OPEN_KEY)
    if roll < 0.95:
        return rng.choice(TEXT_KEYS)
    return ""


def _track_attributes(rng: random.Random, track_id: int, genre: str) -> list[tuple[str, str]]:
    low, high = GENRE_BPM.get(genre, (118, 132))
    bpm = rng.uniform(low, high)
    artist, title, mix = _artist(rng), _title(rng), rng.choice(MIXES)
    album = rng.choice(["", f"{rng.choice(WORDS)} EP", f"{rng.choice(WORDS)} LP"])
    kind = rng.choice(KINDS)
    ext = {"MP3 File": "mp3", "WAV File": "wav", "AIFF File": "aiff", "M4A File": "m4a"}[kind]
    path = f"/Users/dj/Music/{artist}/{album or 'Singles'}/{title} ({mix}).{ext}"
    # rekordbox percent-encodes in lowercase hex and leaves some punctuation raw
    location = "file://localhost" + _LOWER_HEX.sub(lambda m: m.group().lower(), quote(path, safe="/()!,-_.~"))
    key = _key(rng)
    comments = rng.choice(["", "", "", "Purchased at Beatport.com", "promo", "Tracks by www.loopmasters.com"])
    if rng.random() < 0.3:
        camelot = rng.choice(CAMELOT)
        comments = f"{camelot} - Energy {rng.randint(3, 9)}"
    seconds = rng.randint(150, 540)
    attrs = [
        ("TrackID", str(track_id)),
        ("Name", f"{title} ({mix})" if rng.random() < 0.5 else title),
        ("Artist", artist),
        ("Composer", ""),
        ("Album", album),
        ("Grouping", ""),
        ("Genre", genre),
        ("Kind", kind),
        ("Size", str(seconds * {"mp3": 40000, "wav": 176400, "aiff": 176400, "m4a": 32000}[ext] + rng.randint(0, 9999))),
        ("TotalTime", str(seconds)),
        ("DiscNumber", "0"),
        ("TrackNumber", str(rng.randint(0, 12))),
        ("Year", str(rng.choice([0, 0] + list(range(1988, 2026))))),
        ("AverageBpm", f"{bpm:.2f}"),
        ("DateAdded", f"20{rng.randint(15, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
        ("BitRate", {"mp3": "320", "wav": "1411", "aiff": "1411", "m4a": "256"}[ext]),
        ("SampleRate", "44100"),
        ("Comments", comments),
        ("PlayCount", str(rng.choice([0, 0, 0, 1, 2, 5, 12]))),
        ("Rating", str(rng.choice([0, 0, 0, 51, 102, 153, 204, 255]))),
        ("Location", location),
        ("Remixer", rng.choice(["", "", "", _artist(rng)])),
        ("Tonality", key),
        ("Label", rng.choice(LABELS)),
        ("Mix", mix),
    ]
    if rng.random() < 0.15:
        attrs.append(("Colour", rng.choice(COLOURS)))
    return attrs


def _track_children(rng: random.Random, bpm: str, seconds: int) -> list[tuple[str, list[tuple[str, str]]]]:
    inizio = rng.uniform(0.01, 0.5)
    children: list[tuple[str, list[tuple[str, str]]]] = [
        ("TEMPO", [("Inizio", f"{inizio:.3f}"), ("Bpm", bpm), ("Metro", "4/4"), ("Battito", "1")])
    ]
    for num in range(rng.randint(0, 2)):
        start = rng.uniform(0, seconds)
        mark = [("Name", ""), ("Type", "0"), ("Start", f"{start:.3f}"), ("Num", str(num)),
                ("Red", "40"), ("Green", "226"), ("Blue", "20")]
        children.append(("POSITION_MARK", mark))
    children.append(("POSITION_MARK", [("Name", ""), ("Type", "0"), ("Start", f"{inizio:.3f}"), ("Num", "-1")]))
    return children


def generate_library(n_tracks: int, out_path: str | Path, seed: int = 7, newline: str = "\r\n") -> Path:
    """Write an N-track rekordbox-format library to ``out_path`` and return the path."""
    rng = random.Random(seed)
    nl = newline.encode()
    genres = [g for g, _ in GENRES]
    weights = [w for _, w in GENRES]
    out_path = Path(out_path)
    by_genre: dict[str, list[str]] = {}
    locations: list[str] = []
    with open(out_path, "wb") as out:
        out.write(XML_DECLARATION + nl + nl)
        out.write(b'<DJ_PLAYLISTS Version="1.0.0">' + nl)
        out.write(b'  <PRODUCT Name="rekordbox" Version="6.8.5" Company="AlphaTheta"/>' + nl)
        out.write(b'  <COLLECTION Entries="%d">' % n_tracks + nl)
        base_id = 10_000_000
        for index in range(n_tracks):
            track_id = base_id + index * 37 + rng.randint(0, 30)
            genre = rng.choices(genres, weights)[0]
            attrs = _track_attributes(rng, track_id, genre)
            by_genre.setdefault(genre or "(none)", []).append(str(track_id))
            if index % 50 == 0:
                locations.append(dict(attrs)["Location"])
            children = _track_children(rng, dict(attrs)["AverageBpm"], int(dict(attrs)["TotalTime"]))
            out.write(b"    " + format_start_tag("TRACK", attrs, b"    ", nl, self_closing=not children))
            for tag, child_attrs in children:
                out.write(nl + b"      " + format_start_tag(tag, child_attrs, b"      ", nl, self_closing=True))
            out.write(nl + b"    </TRACK>" + nl)
        out.write(b"  </COLLECTION>" + nl + b"  <PLAYLISTS>" + nl)
        all_ids = [tid for ids in by_genre.values() for tid in ids]
        sets = [rng.sample(all_ids, min(len(all_ids), rng.randint(20, 120))) for _ in range(max(1, n_tracks // 2000))]
        out.write(b'    <NODE Type="0" Name="ROOT" Count="3">' + nl)
        out.write(b'      <NODE Name="Genres" Type="0" Count="%d">' % len(by_genre) + nl)
        for genre, ids in sorted(by_genre.items()):
            _write_playlist(out, genre, 0, ids, b"        ", nl)
        out.write(b"      </NODE>" + nl)
        out.write(b'      <NODE Name="Sets" Type="0" Count="%d">' % len(sets) + nl)
        for number, ids in enumerate(sets, 1):
            _write_playlist(out, f"Set {number:03d}", 0, ids, b"        ", nl)
        out.write(b"      </NODE>" + nl)
        _write_playlist(out, "By location", 1, locations, b"      ", nl)
        out.write(b"    </NODE>" + nl + b"  </PLAYLISTS>" + nl + b"</DJ_PLAYLISTS>" + nl)
    return out_path


def _write_playlist(out, name: str, key_type: int, keys: list[str], prefix: bytes, nl: bytes) -> None:
    attrs = [("Name", name), ("Type", "1"), ("KeyType", str(key_type)), ("Entries", str(len(keys)))]
    out.write(prefix + format_start_tag("NODE", attrs, prefix, nl, self_closing=not keys) + nl)
    if not keys:
        return
    child = prefix + b"  "
    for key in keys:
        out.write(child + format_start_tag("TRACK", [("Key", key)], child, nl, self_closing=True) + nl)
    out.write(prefix + b"</NODE>" + nl)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tracks", type=int, help="number of tracks")
    parser.add_argument("out", type=Path, help="output XML file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lf", action="store_true", help="LF line endings instead of rekordbox's CRLF")
    args = parser.parse_args(argv)
    path = generate_library(args.tracks, args.out, seed=args.seed, newline="\n" if args.lf else "\r\n")
    size = path.stat().st_size
    print(f"{path}: {args.tracks} tracks, {size / 1e6:.1f} MB ({size / max(1, args.tracks):.0f} bytes/track)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
