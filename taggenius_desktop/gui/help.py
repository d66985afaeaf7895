"""Help: how to get the result back into rekordbox, and "Copy diagnostics".

The diagnostics are what a support request needs (app, Python, Qt and OS versions, the
keyring backend, recent log lines) with every secret redacted twice: by the log filter
when the lines were written, and here again before they reach the clipboard.
"""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from .. import APP_NAME, __version__, credentials, logs, paths

IMPORT_STEPS_HTML = """
<h2>Getting the result into rekordbox</h2>
<p>Tag Genius never changes your library file. It writes a new one, for example
<i>MyLibrary_tagged.xml</i>, in your output folder. To bring the tags into rekordbox:</p>
<ol>
<li>Open <b>rekordbox &gt; Preferences &gt; Advanced &gt; Database &gt; rekordbox xml</b>, and under
<b>Imported Library</b> choose the tagged file.</li>
<li>In <b>Preferences &gt; View &gt; Layout</b>, tick <b>rekordbox xml</b> so it shows in the tree
on the left.</li>
<li>In the tree, open <b>rekordbox xml &gt; All Tracks</b>, select all tracks (Ctrl+A / ⌘A),
right-click and choose <b>Import To Collection</b>. Tracks are matched by their file location.</li>
<li><b>rekordbox 5.6.1 and later:</b> the first import does not update tracks that are already in
your collection. Run <b>Import To Collection</b> a <b>second time</b> on the same selection, and the
new genres, comments, colours and ratings appear.</li>
<li>Playlists come in with <b>Import Playlist</b> (right-click a playlist under rekordbox xml).</li>
</ol>
<p><b>Not carried by XML at all:</b> My Tags, smart-playlist rules and memory-cue colours.
Tag Genius writes into Genre, Comments, Colour, Rating and (if you choose) Grouping instead.</p>
<p>Changed your mind? <b>File &gt; Restore Original Tags…</b> makes a file with your values from
before tagging; import it the same way.</p>
"""


class ImportHelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How to Import into rekordbox")
        self.resize(620, 520)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(IMPORT_STEPS_HTML)
        self.browser.setAccessibleName("Import steps")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


def _keyring_backend() -> str:
    try:
        import keyring

        backend = keyring.get_keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"
    except Exception as exc:  # noqa: BLE001 - diagnostics must never fail
        return f"unavailable ({type(exc).__name__})"


def diagnostics_text(log_lines: int = 60) -> str:
    """Plain-text diagnostics for a support request, the API key redacted."""
    status = credentials.key_status()
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {sys.version.split()[0]} ({platform.python_implementation()}, {sys.executable})",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"OS {platform.platform()} ({platform.machine()})",
        f"Frozen: {bool(getattr(sys, 'frozen', False))}",
        f"Data folder: {paths.data_dir()}",
        f"Keyring: {_keyring_backend()}",
        # Where the key comes from, never any part of it (not even masked).
        f"API key: {status.source.value}",
        "",
        f"Recent log lines ({paths.log_dir()}):",
        *logs.recent_lines(log_lines),
    ]
    key = credentials.get_api_key()
    return credentials.redact(logs.redact_secrets("\n".join(lines)), key)
