"""Dataset builders: one module per published dataset, plus the shared Hub-layout writer."""
