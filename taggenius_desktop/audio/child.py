"""An analysis process: reads one JSON request per line on stdin, answers one JSON line.

Started by :mod:`.pool` as a plain subprocess (``python -m taggenius_desktop.audio.child``
from source, ``taggenius --audio-analysis-child`` in the frozen app). A plain subprocess,
not a multiprocessing child: job workers are daemonic processes, which multiprocessing
does not allow to have children. It exits when stdin closes, so it never outlives the
job that started it.
"""

from __future__ import annotations

import json
import signal
import sys

#: The argument that makes the frozen app run this loop instead of the app.
CHILD_FLAG = "--audio-analysis-child"


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the job decides about stopping
    from .analyse import analyse_file

    stdin, stdout = sys.stdin, sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        status, data = analyse_file(str(request["path"]))
        stdout.write(json.dumps({"id": request.get("id"), "status": status, "data": data}) + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
