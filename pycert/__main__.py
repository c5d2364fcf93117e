from pycert.cli import main

main()
