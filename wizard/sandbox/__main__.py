"""`python -m wizard.sandbox`: the same as `bw-wizard sandbox`, without the rest of the CLI."""

import argparse

from wizard.sandbox.command import add_arguments, run

parser = argparse.ArgumentParser(
    prog="python -m wizard.sandbox",
    description="run the local Bandwidth API emulator in the foreground",
)
add_arguments(parser)
raise SystemExit(run(parser.parse_args()))
