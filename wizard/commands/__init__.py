"""The subcommands of `bw-wizard`: each module offers `add_arguments(parser)` and `run(args)`.

Each keeps its top-level imports light, so `bw-wizard --help` and the first screen do not pay
for what another command needs.
"""
