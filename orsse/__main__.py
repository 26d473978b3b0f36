"""``python -m orsse``: the command line (see ``orsse --help``)."""

from ._cli import main

raise SystemExit(main())
