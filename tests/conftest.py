"""pytest's hook file: test modules import their helpers from ``_fixtures``,
``sse_helpers`` and ``chunk_helpers``, which sit beside it on ``sys.path``."""
