"""Training recipes: TRL SFT and GRPO scripts, judge-backed rewards, YAML configs.

Not installed by pip: the scripts run by path (`accelerate launch recipes/sft.py
--config recipes/olympiccoder-7b.yaml`) and put the repository root on sys.path.
"""
