"""Start Sequential Studio: ``python main.py [PROJECT] [--screenshot FILE.png]``."""

from studio.launcher import main

if __name__ == "__main__":
    raise SystemExit(main())
