from olympicforge.cli import main

raise SystemExit(main())
