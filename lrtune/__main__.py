"""``python -m lrtune`` runs the CLI."""

from lrtune.cli import main

if __name__ == "__main__":
    main()
