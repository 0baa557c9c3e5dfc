"""`python -m bot` runs the same CLI as the `sre-coach` script."""

from bot.cli import main

raise SystemExit(main())
