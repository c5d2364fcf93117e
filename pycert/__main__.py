from pycert.launcher import main

main()
