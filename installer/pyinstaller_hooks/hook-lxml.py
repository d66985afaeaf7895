"""Overrides pyinstaller-hooks-contrib's lxml hook, which collects every lxml submodule
(objectify, html, isoschematron, sax: about 4 MB). Tag Genius uses lxml.etree only;
lxml's own hook-lxml.etree still adds what etree needs (_elementpath)."""

hiddenimports: list[str] = []
