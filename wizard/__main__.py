"""Lets `python -m wizard` behave exactly like the `bw-wizard` console script."""

from wizard.cli import main

raise SystemExit(main())
