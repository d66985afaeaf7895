"""Developer tools that ship inside the package (the frozen app's ``--self-test`` uses them).

Nothing here is imported by the app's normal code paths.
"""
