"""``python -m climann …``: the same as the ``climann`` command."""

from climann._console import main

if __name__ == "__main__":
    main()
