"""One module per step of the guide, each a `wizard.engine.step.Step` subclass named `STEP`."""
