"""Reasoning-trace generation: backends, resumable runs, prompts and post-processing."""
