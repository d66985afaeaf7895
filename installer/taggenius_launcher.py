"""Entry script PyInstaller freezes (see build.spec).

``taggenius_desktop/__main__.py`` uses relative imports, so it cannot itself be the
frozen top-level script. This file only forwards to ``main()``, whose first call is
``multiprocessing.freeze_support()``: worker processes started as
``taggenius --multiprocessing-fork ...`` stop there and never reach the app.
"""

import sys

from taggenius_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
