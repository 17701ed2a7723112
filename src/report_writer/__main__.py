"""`python -m report_writer`: the command line (cli/), nothing more.

Floor: face; imports only the cli package.
"""

from report_writer.cli import main

main()
