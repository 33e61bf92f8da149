"""One module per step screen; each subclasses `base.StepScreen`."""
