"""Energy measured from the audio: locate, decode, measure, score, calibrate, combine.

Qt-free and imported by worker processes only when a job analyses audio; this module
itself imports nothing heavy (numpy, scipy and soundfile load with the submodules).
"""

from __future__ import annotations

#: ``auto``: analyse when the library's files are reachable here; ``on``: always try;
#: ``off``: energy from metadata or the LLM only.
AUDIO_MODES = ("auto", "on", "off")
