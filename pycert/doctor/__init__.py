"""`pycert doctor`: gather facts about the terminal and judge each (pure judge_* functions)."""
