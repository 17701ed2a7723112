from report_writer.cli import main

main()
