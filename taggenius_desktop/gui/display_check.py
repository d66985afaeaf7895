"""Before the QApplication exists: is there a display Qt can use? (Qt-free)

Without one, Qt aborts the process (exit 134) with a message about ``xcb-cursor0`` even
when that library is installed. This says in one line what is really missing and how to
go on: run headless with ``QT_QPA_PLATFORM=offscreen`` or use the command line.
"""

from __future__ import annotations

import ctypes.util
import os
import socket
import sys
from typing import Callable, Mapping

HOW = ("Run Tag Genius on a desktop session, headless with QT_QPA_PLATFORM=offscreen, "
       "or use the command line (taggenius tag LIBRARY.xml).")
#: Platform plugins that need no display server at all.
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


def _x_display_reachable(display: str) -> bool:
    """A local X display (":0", "unix:0.0") answers on its socket; remote ones are trusted."""
    host, _, rest = display.rpartition(":")
    if host not in ("", "unix"):
        return True
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    # The socket file, then the abstract-namespace name some servers listen on only.
    for address in (f"/tmp/.X11-unix/X{number}", f"\0/tmp/.X11-unix/X{number}"):
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(2)
        try:
            probe.connect(address)
            return True
        except OSError:
            continue
        finally:
            probe.close()
    return False


def display_problem(env: Mapping[str, str] | None = None, platform: str | None = None,
                    find_library: Callable[[str], str | None] = ctypes.util.find_library) -> str | None:
    """One line saying why the window cannot open here, or None when it can (or when
    this cannot be known before Qt tries: macOS, Windows, Wayland)."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if not platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if chosen in HEADLESS_PLATFORMS:
        return None
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if chosen.startswith("wayland") or (wayland and not chosen):
        return None if wayland else f"No Wayland display (WAYLAND_DISPLAY is not set). {HOW}"
    if not display:
        return f"No display found (DISPLAY and WAYLAND_DISPLAY are not set). {HOW}"
    if not _x_display_reachable(display):
        return f"The X display {display} does not answer (is the X server running?). {HOW}"
    if find_library("xcb-cursor") is None:
        return ("Qt needs the system library libxcb-cursor0 to open a window under X11 "
                f"(install it, e.g. apt install libxcb-cursor0). {HOW}")
    return None
