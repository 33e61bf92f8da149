"""The guide's steps, in the guide's order, as one engine for the screens and the commands.

- `step`: what a step is (`Step`), its stable id (`StepId`) and the screen page it belongs to.
- `steps/`: one module per step of the guide: its title, why it exists, how to tell it is done,
  how to do it, what it records, what it shows, and the requests it sends.
- `registry`: the one ordered list of steps, and the pages derived from it.
- `runner`: the `Engine` that runs steps against the clients and saved progress.
- `events`, `inputs`, `validation`, `book`, `plan`, `polling`: what the steps share.

Nothing here touches files, the keyring or Textual: progress comes in as a `ProgressBook`, clients
as `wizard.bandwidth` objects, and everything that happens goes out as events.

Adding a step: write its module under `steps/`, give it a `StepId`, and put it in
`registry.STEPS` where the guide has it.
"""
