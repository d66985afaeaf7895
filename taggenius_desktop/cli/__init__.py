"""The ``taggenius`` command line (no Qt: the GUI is only imported when it is wanted)."""
