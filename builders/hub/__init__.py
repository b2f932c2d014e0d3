"""Hugging Face Hub plumbing shared by every family: the Hub-layout writer and `olympicforge push`."""
