"""Synthesized Codeforces test suites: a model writes an input generator, a validator and a
checker; the sandbox validates them, reference solutions make the outputs, and labelled
submissions measure how many wrong solutions each suite catches (`build codeforces-tests`)."""
