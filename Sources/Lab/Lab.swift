// Lab module.
