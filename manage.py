#!/usr/bin/env python
"""Development entry point; operators use the installed ``zorgregio`` command."""

from zorgregio.cli import main

if __name__ == "__main__":
    main()
