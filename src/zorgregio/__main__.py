from zorgregio.cli import main

main()
