"""``python -m alliance.cli``: the ``alliance`` command without its installed script."""

from alliance.cli import main

main()
